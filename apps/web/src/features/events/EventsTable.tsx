import { useQueries } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useMemo, useRef } from "react";
import type { EventPage, ViewRef } from "@quarry/engine";
import { formatCount, formatTime } from "../../app/format.ts";
import { investigation } from "../../app/investigation.ts";
import { settings } from "../../app/settings.ts";
import { useStore } from "../../app/store.ts";
import { engine } from "../../engine/client.ts";
import { downloadExport } from "../../engine/download.ts";
import { queryState } from "../editor/query-store.ts";
import { removeColumn } from "./columns.ts";
import { EventDetailView } from "./EventDetail.tsx";
import { highlight, searchTerms } from "./highlight.tsx";

/** Rows fetched from the worker per request. */
const PAGE = 200;
const ROW_HEIGHT = 22;

/**
 * The events of the current view in a virtualised table: only the visible rows exist in the DOM
 * and only their pages are fetched, so millions of events scroll like a hundred.
 */
export function EventsTable({ view, columns }: { view: ViewRef; columns: string[] }) {
  const tz = useStore(settings).timeZone;
  const expanded = useStore(investigation).expanded;
  const ran = useStore(queryState).ran;
  const terms = useMemo(() => (ran ? searchTerms(ran.lang, ran.text) : []), [ran]);
  const scroller = useRef<HTMLDivElement>(null);
  // Extra columns stay narrow so the raw event keeps room on a 1440 px screen.
  const grid = { gridTemplateColumns: `172px 150px 100px ${columns.map(() => "minmax(60px, 120px) ").join("")}minmax(120px, 1fr)` };
  const first = useQueries({ queries: [pageQuery(view, 0, columns)] })[0]!;
  const total = (first.data as EventPage | undefined)?.total ?? 0;
  const virtual = useVirtualizer({ count: total, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 20 });
  const items = virtual.getVirtualItems();
  const pageIds = new Set<number>();
  for (const it of items) pageIds.add(Math.floor(it.index / PAGE));
  const pages = useQueries({ queries: [...pageIds].map((p) => pageQuery(view, p, columns)) });
  const byPage = new Map<number, EventPage>();
  [...pageIds].forEach((p, i) => {
    const d = pages[i]?.data as EventPage | undefined;
    if (d) byPage.set(p, d);
  });
  return (
    <section className="panel events" aria-label="Events">
      <div className="panel-head">
        <h2>Events</h2>
        <span className="muted small" data-testid="events-total" data-count={total}>
          {first.isFetching && !first.data ? "loading…" : `${formatCount(total)} events`}
        </span>
        {first.error && <span className="bad small" role="alert">{first.error.message}</span>}
        <span className="export">
          <button type="button" className="ghost small" data-testid="export-csv" onClick={() => void downloadExport({ view }, "csv", tz)}>CSV</button>
          <button type="button" className="ghost small" data-testid="export-ndjson" onClick={() => void downloadExport({ view }, "ndjson", tz)}>NDJSON</button>
        </span>
      </div>
      <div className="events-grid head" role="row" style={grid}>
        <span>Time ({tz})</span>
        <span>Sourcetype</span>
        <span>Host</span>
        {columns.map((c) => (
          <span key={c} className="col-head ellipsis" data-testid="column-head" data-field={c} title={c}>
            {c}
            <button type="button" className="ghost small" aria-label={`Remove column ${c}`} onClick={() => removeColumn(columns, c)}>×</button>
          </span>
        ))}
        <span>Event</span>
      </div>
      <div className="events-scroll" ref={scroller} data-testid="events-scroll">
        <div style={{ height: virtual.getTotalSize(), position: "relative" }}>
          {items.map((it) => {
            const page = byPage.get(Math.floor(it.index / PAGE));
            const row = page?.rows[it.index - page.offset];
            return (
              <div
                key={it.key}
                className={`events-grid row${row && row.seq === expanded ? " selected" : ""}`}
                role="row"
                data-testid="event-row"
                data-index={it.index}
                style={{ ...grid, position: "absolute", top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${it.start}px)` }}
                onClick={() => row && investigation.set((s) => ({ ...s, expanded: s.expanded === row.seq ? null : row.seq }))}
              >
                {row ? (
                  <>
                    <span className="mono">{formatTime(row.time, tz)}</span>
                    <span className="mono ellipsis" title={row.sourcetype}>{row.sourcetype}</span>
                    <span className="ellipsis">{row.host ?? ""}</span>
                    {columns.map((c) => (
                      <span key={c} className="mono ellipsis" data-testid="cell" title={row.values?.[c] ?? ""}>{highlight(row.values?.[c] ?? "", terms)}</span>
                    ))}
                    <span className="mono ellipsis raw">{highlight(row.raw, terms)}</span>
                  </>
                ) : (
                  <span className="muted">…</span>
                )}
              </div>
            );
          })}
        </div>
      </div>
      {expanded !== null && <EventDetailView seq={expanded} onClose={() => investigation.set((s) => ({ ...s, expanded: null }))} />}
    </section>
  );
}

function pageQuery(view: ViewRef, page: number, columns: string[]) {
  const params = { view, offset: page * PAGE, limit: PAGE, columns };
  return {
    queryKey: ["engine", "events", params],
    queryFn: ({ signal }: { signal: AbortSignal }) => engine.call("events", params, { signal }),
    staleTime: Infinity,
  };
}
