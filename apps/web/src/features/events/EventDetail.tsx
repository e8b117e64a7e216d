import { useEffect } from "react";
import { formatTime } from "../../app/format.ts";
import { settings } from "../../app/settings.ts";
import { useStore } from "../../app/store.ts";
import { useEngine } from "../../engine/hooks.ts";
import { prettyRaw } from "./pretty.ts";

/** One event in full: every field and the raw text, pretty-printed. All of it is rendered as text. */
export function EventDetailView({ seq, onClose }: { seq: number; onClose: () => void }) {
  const tz = useStore(settings).timeZone;
  const { data, error } = useEngine("event", { seq });
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && onClose();
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose]);
  return (
    <div className="event-detail" data-testid="event-detail">
      <div className="panel-head">
        <h2>Event #{seq}</h2>
        {data && <span className="muted small">{formatTime(data.time, tz)} · {data.sourcetype}</span>}
        <button type="button" className="ghost small" onClick={onClose} aria-label="Close event">✕</button>
      </div>
      {error && <p className="bad">{error.message}</p>}
      {data && (
        <div className="event-detail-body">
          <table className="mini fields-table" data-testid="event-fields">
            <tbody>
              {Object.entries(data.fields)
                .sort(([a], [b]) => (a < b ? -1 : 1))
                .map(([k, v]) => (
                  <tr key={k}>
                    <td className="mono key">{k}</td>
                    <td className="mono">{Array.isArray(v) ? v.map(String).join("\n") : String(v)}</td>
                  </tr>
                ))}
            </tbody>
          </table>
          <pre className="raw-text" data-testid="event-raw">{prettyRaw(data.raw)}</pre>
        </div>
      )}
    </div>
  );
}
