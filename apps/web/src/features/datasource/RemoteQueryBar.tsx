import { lazy, Suspense, type KeyboardEvent } from "react";
import { formatCount } from "../../app/format.ts";
import { settings } from "../../app/settings.ts";
import { useStore } from "../../app/store.ts";
import { queryState } from "../editor/query-store.ts";
import { answerTotal } from "./answer.ts";
import { cancelRemoteQuery, clearRemoteAnswer, dataSource, runRemoteQuery } from "./datasource-store.ts";

const QueryEditor = lazy(() => import("../editor/QueryEditor.tsx").then((m) => ({ default: m.QueryEditor })));

/** The editor bar when a ClickHouse dataset is selected: Run/Cancel go to the server. */
export function RemoteQueryBar() {
  const q = useStore(queryState);
  const { lang } = useStore(settings);
  const { source, answer } = useStore(dataSource);
  // Ctrl/⌘+Enter must run on the server: caught before the editor's own (local) binding sees it.
  const onKeyDownCapture = (e: KeyboardEvent) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      e.stopPropagation();
      void runRemoteQuery();
    }
  };
  const total = answer ? answerTotal(answer) : null;
  return (
    <section className="panel querybar" aria-label="Query">
      <div className="query-row" onKeyDownCapture={onKeyDownCapture}>
        <span className="lang-badge">{lang.toUpperCase()}</span>
        <Suspense fallback={<div className="query-editor loading muted small">loading the editor…</div>}>
          <QueryEditor />
        </Suspense>
        <div className="query-actions">
          {q.status === "running" ? (
            <button type="button" className="primary" data-testid="cancel-query" onClick={cancelRemoteQuery} title="Stop the query on the server">
              Cancel
            </button>
          ) : (
            <button type="button" className="primary" data-testid="run-query" onClick={() => void runRemoteQuery()} title="Run on ClickHouse (Ctrl/⌘+Enter)">
              Run
            </button>
          )}
        </div>
      </div>
      <div className="query-status">
        <span className="muted small">ClickHouse dataset <b>{source.kind === "clickhouse" ? source.dataset : ""}</b> · </span>
        <span className="status-text" data-testid="query-status" data-status={q.status} data-run={q.runs}>
          {q.status === "error" && q.error ? (
            <span className="bad" role="alert" data-testid="query-error">{q.error.message}</span>
          ) : q.status === "running" ? (
            <span className="muted small">running on the server…</span>
          ) : answer && total ? (
            <span data-testid="result-summary" data-kind={total.kind} data-total={total.total}>
              <b>{formatCount(total.total)}</b> {total.kind === "table" ? (total.total === 1 ? "row" : "rows") : total.kind === "sequences" ? (total.total === 1 ? "sequence" : "sequences") : "events"} · {answer.tookMs} ms{" "}
              <button type="button" className="ghost small" onClick={clearRemoteAnswer}>Clear</button>
            </span>
          ) : (
            <span className="muted small">Queries run on the server. Ctrl/⌘+Enter runs the query.</span>
          )}
        </span>
      </div>
    </section>
  );
}
