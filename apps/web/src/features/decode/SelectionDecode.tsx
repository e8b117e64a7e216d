import { useEffect, useState } from "react";
import { decodeText } from "../pivots/views-store.ts";

/** A small "Decode" button that appears next to a text selection anywhere in the page. */
export function SelectionDecode() {
  const [at, setAt] = useState<{ x: number; y: number; text: string } | null>(null);
  useEffect(() => {
    const onUp = (e: MouseEvent) => {
      if ((e.target as HTMLElement | null)?.closest?.(".selection-decode")) return;
      // Let the selection settle after the click that ended it.
      setTimeout(() => {
        const sel = window.getSelection();
        const text = sel?.toString() ?? "";
        if (text.trim().length < 4 || !sel || sel.rangeCount === 0) return setAt(null);
        const r = sel.getRangeAt(0).getBoundingClientRect();
        setAt({ x: Math.min(window.innerWidth - 90, r.right), y: Math.max(0, r.top - 28), text });
      }, 0);
    };
    const onDown = (e: MouseEvent) => {
      if (!(e.target as HTMLElement | null)?.closest?.(".selection-decode")) setAt(null);
    };
    window.addEventListener("mouseup", onUp);
    window.addEventListener("mousedown", onDown);
    return () => {
      window.removeEventListener("mouseup", onUp);
      window.removeEventListener("mousedown", onDown);
    };
  }, []);
  if (!at) return null;
  return (
    <button
      type="button"
      className="selection-decode primary small"
      style={{ left: at.x, top: at.y }}
      data-testid="selection-decode"
      onClick={() => {
        decodeText(at.text);
        // The selection has been used; leaving it would bring the button back on the next click.
        window.getSelection()?.removeAllRanges();
        setAt(null);
      }}
    >
      Decode
    </button>
  );
}
