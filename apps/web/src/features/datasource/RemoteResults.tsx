import { useStore } from "../../app/store.ts";
import { answerTotal, cellText, hitLine, splLine, tableBars, type EventLine } from "./answer.ts";
import { dataSource } from "./datasource-store.ts";
import { RemoteTimechart } from "./RemoteTimechart.tsx";
import "./remote.css";

/** Most rows drawn at once (the server answer is already capped by its `size`/pipes). */
const SHOWN = 500;

/** The server's answer, filling the space above the analyst views (as the events table does locally). */
export function RemoteResults() {
  return (
    <div className="remote-results" data-testid="remote-results">
      <RemoteAnswerView />
    </div>
  );
}

/** The events list, the sequences, or the stats table with its chart. */
function RemoteAnswerView() {
  const { answer } = useStore(dataSource);
  if (!answer) return <section className="panel muted small" data-testid="remote-empty">Run a query to search the ClickHouse dataset.</section>;
  const { kind } = answerTotal(answer);
  if (answer.lang === "eql") {
    if (kind === "sequences")
      return (
        <section className="panel" aria-label="Sequences" data-testid="remote-sequences">
          {(answer.body.hits.sequences ?? []).slice(0, SHOWN).map((s, i) => (
            <div key={i} className="sequence" data-testid="remote-sequence">
              <div className="muted small">join keys: {s.join_keys.map(cellText).join(", ") || "—"}</div>
              <EventList lines={s.events.map(hitLine)} />
            </div>
          ))}
        </section>
      );
    return <EventList lines={(answer.body.hits.events ?? []).slice(0, SHOWN).map(hitLine)} />;
  }
  if (kind === "events")
    return (
      <>
        <RemoteTimechart />
        <EventList lines={answer.body.results.slice(0, SHOWN).map(splLine)} />
      </>
    );
  const { fields, results } = answer.body;
  const bars = tableBars(fields, results);
  return (
    <section className="panel stats" aria-label="Statistics">
      {bars && <Bars bars={bars} />}
      <table className="stats-table" data-testid="remote-table">
        <thead>
          <tr>{fields.map((f) => <th key={f}>{f}</th>)}</tr>
        </thead>
        <tbody>
          {results.slice(0, SHOWN).map((r, i) => (
            <tr key={i} data-testid="remote-row">
              {fields.map((f) => <td key={f}>{cellText(r[f])}</td>)}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function EventList({ lines }: { lines: EventLine[] }) {
  return (
    <section className="panel" aria-label="Events">
      <ul className="remote-events" data-testid="remote-events">
        {lines.map((l, i) => (
          <li key={`${l.id}:${i}`} data-testid="remote-event" data-id={l.id}>
            <span className="muted small">{l.time}</span> <code>{l.text}</code>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** A horizontal bar chart (plain SVG: the values are few and already aggregated). */
function Bars({ bars }: { bars: { label: string; value: number }[] }) {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const h = 18;
  return (
    <svg className="chart" data-testid="remote-chart" width="100%" height={bars.length * h + 4} role="img" aria-label="Bar chart of the first column">
      {bars.map((b, i) => (
        <g key={i} transform={`translate(0 ${i * h})`}>
          <text x="0" y={h - 5} fontSize="11" fill="currentColor">{b.label.slice(0, 28)}</text>
          <rect x="200" y="3" height={h - 6} width={`${Math.max(0, (b.value / max) * 60)}%`} fill="var(--accent, #4a9eff)" />
          <text x="205" y={h - 5} fontSize="11" fill="currentColor">{b.value}</text>
        </g>
      ))}
    </svg>
  );
}
