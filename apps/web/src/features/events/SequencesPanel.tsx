import type { QueryInfo } from "@quarry/engine";
import { formatCount, formatTime } from "../../app/format.ts";
import { investigation } from "../../app/investigation.ts";
import { settings } from "../../app/settings.ts";
import { useStore } from "../../app/store.ts";
import { useEngine } from "../../engine/hooks.ts";
import { EventDetailView } from "./EventDetail.tsx";

/** Sequences shown at once. */
const SHOWN = 200;

/** EQL sequence (and sample) matches: the join keys, then one row per stage. */
export function SequencesPanel({ result }: { result: QueryInfo }) {
  const { data, error } = useEngine("sequences", { handle: result.handle, offset: 0, limit: SHOWN });
  const tz = useStore(settings).timeZone;
  const expanded = useStore(investigation).expanded;
  return (
    <section className="panel sequences" aria-label="Sequences">
      <div className="panel-head">
        <h2>Sequences</h2>
        <span className="muted small">{formatCount(result.total)}</span>
      </div>
      {error && <p className="bad">{error.message}</p>}
      <div className="sequences-scroll">
        {data?.sequences.map((s, i) => (
          <div key={i} className="sequence" data-testid="sequence">
            <div className="small muted">
              #{i + 1} · join keys <code data-testid="join-keys">{JSON.stringify(s.joinKeys)}</code>
            </div>
            {s.events.map((e, j) =>
              e ? (
                <div
                  key={j}
                  className={`events-grid row${expanded === e.seq ? " selected" : ""}`}
                  data-testid="sequence-event"
                  onClick={() => investigation.set((st) => ({ ...st, expanded: st.expanded === e.seq ? null : e.seq }))}
                >
                  <span className="mono">{formatTime(e.time, tz)}</span>
                  <span className="mono ellipsis">{e.sourcetype}</span>
                  <span className="ellipsis">{e.host ?? ""}</span>
                  <span className="mono ellipsis raw">{e.raw}</span>
                </div>
              ) : (
                <div key={j} className="events-grid row missing muted" data-testid="sequence-missing">
                  <span>—</span>
                  <span>missing event</span>
                </div>
              ),
            )}
          </div>
        ))}
        {data && data.total > data.sequences.length && <p className="muted small">Showing {data.sequences.length} of {formatCount(data.total)}.</p>}
      </div>
      {expanded !== null && <EventDetailView seq={expanded} onClose={() => investigation.set((s) => ({ ...s, expanded: null }))} />}
    </section>
  );
}
