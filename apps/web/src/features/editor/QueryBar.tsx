import { useState } from "react";
import { formatCount } from "../../app/format.ts";
import { investigation } from "../../app/investigation.ts";
import { settings } from "../../app/settings.ts";
import { useStore } from "../../app/store.ts";
import { cancelQuery, clearQuery, diagnostic, queryState, runCurrentQuery, setQueryText } from "./query-store.ts";
import { QueryRow } from "./QueryRow.tsx";
import { TimeRangePicker } from "./TimeRangePicker.tsx";


/** The editor with its run button, time range, status line and history. */
export function QueryBar({ latest }: { latest: number | null }) {
  const q = useStore(queryState);
  const result = useStore(investigation).result;
  const diag = useStore(diagnostic);
  const [showHistory, setShowHistory] = useState(false);
  return (
    <section className="panel querybar" aria-label="Query">
      <QueryRow
        onRun={() => void runCurrentQuery()}
        onCancel={cancelQuery}
        runTitle="Run (Ctrl/⌘+Enter)"
        cancelTitle="Stop the running query"
        extraActions={
          <button type="button" className="ghost" onClick={() => setShowHistory((h) => !h)} aria-expanded={showHistory}>History</button>
        }
      />
      <div className="query-status">
        <TimeRangePicker latest={latest} />
        <span className="status-text" data-testid="query-status" data-status={q.status} data-run={q.runs}>
          {q.status === "error" && q.error ? (
            <span className="bad" role="alert" data-testid="query-error">{q.error.message}</span>
          ) : diag && q.status !== "running" ? (
            <span className="warn small">{diag}</span>
          ) : result ? (
            <span data-testid="result-summary" data-kind={result.kind} data-total={result.total}>
              <b>{formatCount(result.total)}</b> {result.kind === "events" ? "events" : result.kind === "sequences" ? (result.total === 1 ? "sequence" : "sequences") : result.total === 1 ? "row" : "rows"}
              {result.capped ? " (capped)" : ""} · {result.tookMs} ms{" "}
              <button type="button" className="ghost small" onClick={clearQuery}>Clear</button>
            </span>
          ) : (
            <span className="muted small">Showing every loaded event. Ctrl/⌘+Enter runs the query.</span>
          )}
        </span>
      </div>
      {showHistory && (
        <ul className="history" data-testid="query-history">
          {q.history.length === 0 && <li className="muted small">No queries yet.</li>}
          {q.history.map((h) => (
            <li key={`${h.lang}:${h.text}`}>
              <button
                type="button"
                className="ghost small"
                onClick={() => {
                  settings.set((s) => ({ ...s, lang: h.lang }));
                  setQueryText(h.lang, h.text);
                  setShowHistory(false);
                }}
              >
                <span className="lang-badge">{h.lang.toUpperCase()}</span> <code>{h.text}</code> <span className="muted">{h.total === null ? "" : formatCount(h.total)}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
