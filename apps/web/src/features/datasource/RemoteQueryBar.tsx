import type { KeyboardEvent } from "react";
import { formatCount } from "../../app/format.ts";
import { useStore } from "../../app/store.ts";
import { queryState } from "../editor/query-store.ts";
import { QueryRow } from "../editor/QueryRow.tsx";
import { answerTotal } from "./answer.ts";
import { cancelRemoteQuery, clearRemoteAnswer, dataSource, runRemoteQuery } from "./datasource-store.ts";


/** The editor bar when a ClickHouse dataset is selected: Run/Cancel go to the server. */
export function RemoteQueryBar() {
  const q = useStore(queryState);
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
      <QueryRow
        onRun={() => void runRemoteQuery()}
        onCancel={cancelRemoteQuery}
        runTitle="Run on ClickHouse (Ctrl/⌘+Enter)"
        cancelTitle="Stop the query on the server"
        onKeyDownCapture={onKeyDownCapture}
      />
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
