import { useState } from "react";
import type { DecodeMethod } from "@quarry/engine";
import { useStore } from "../../app/store.ts";
import { useEngine } from "../../engine/hooks.ts";
import { views } from "../pivots/views-store.ts";

const METHODS: Array<[DecodeMethod, string]> = [
  ["auto", "auto"],
  ["powershell", "PowerShell -enc"],
  ["base64", "base64"],
  ["base64-utf16le", "base64 → UTF-16LE"],
  ["base64-gzip", "base64 → gzip/deflate"],
  ["hex", "hex"],
  ["url", "URL"],
];

/** CyberChef-style decoding of a selected text or a field value; everything decoded is shown as text. */
export function DecodePanel() {
  const text = useStore(views).decode.text;
  const [method, setMethod] = useState<DecodeMethod>("auto");
  const [draft, setDraft] = useState<string | null>(null);
  const input = draft ?? text;
  const { data, error } = useEngine("decode", { text: input, method }, input.trim().length > 0);
  return (
    <div className="decode-panel" data-testid="decode-panel">
      <div className="row controls">
        <select value={method} onChange={(e) => setMethod(e.target.value as DecodeMethod)} data-testid="decode-method" aria-label="decoder">
          {METHODS.map(([m, label]) => (
            <option key={m} value={m}>
              {label}
            </option>
          ))}
        </select>
        <span className="muted small">Select text anywhere and press “Decode”, or paste here.</span>
      </div>
      <textarea className="decode-input mono" value={input} onChange={(e) => setDraft(e.target.value)} rows={3} spellCheck={false} data-testid="decode-input" aria-label="text to decode" />
      {error && <p className="bad">{error.message}</p>}
      {data && data.length === 0 && input.trim() && <p className="muted" data-testid="decode-none">Nothing readable: not {method === "auto" ? "a known encoding" : method}.</p>}
      {data?.map((d, i) => (
        <div key={i} className="decoding" data-testid="decoding" data-steps={d.steps.join(">")}>
          <div className="muted small">
            {d.steps.join(" → ")} · {Math.round(d.printable * 100)}% printable{d.truncated ? " · cut at 4 MB" : ""}
          </div>
          <pre className="raw-text" data-testid="decoded-text">
            {d.text}
          </pre>
        </div>
      ))}
    </div>
  );
}
