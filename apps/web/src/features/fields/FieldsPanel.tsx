import { useState } from "react";
import type { FieldStat, ViewRef } from "@quarry/engine";
import { formatCount } from "../../app/format.ts";
import { useEngine } from "../../engine/hooks.ts";
import { addColumn, removeColumn } from "../events/columns.ts";

/** What happens when a value is clicked: add `field == value` (or `!=`) to the query. */
export type OnFieldValue = (field: string, value: string | number, negate: boolean) => void;

/** Every field of the current view: coverage, distinct count, top values and numeric summary. */
export function FieldsPanel({ view, onValue, columns }: { view: ViewRef; onValue?: OnFieldValue | undefined; columns: string[] }) {
  const { data, error, isFetching } = useEngine("fieldStats", { view, top: 10 });
  const [filter, setFilter] = useState("");
  const [open, setOpen] = useState<string | null>(null);
  const fields = (data ?? []).filter((f) => f.field.toLowerCase().includes(filter.toLowerCase())).sort((a, b) => b.count - a.count || (a.field < b.field ? -1 : 1));
  return (
    <section className="panel fields" aria-label="Fields">
      <div className="panel-head">
        <h2>Fields</h2>
        <span className="muted small">{isFetching ? "…" : `${fields.length}`}</span>
      </div>
      <input className="search" placeholder="Filter fields" value={filter} onChange={(e) => setFilter(e.target.value)} aria-label="Filter fields" />
      {error && <p className="bad small">{error.message}</p>}
      <ul className="field-list" data-testid="field-list">
        {fields.map((f) => (
          <li key={f.field} data-testid="field" data-field={f.field}>
            <button type="button" className="field-name" onClick={() => setOpen(open === f.field ? null : f.field)} aria-expanded={open === f.field}>
              <span className="mono ellipsis">{f.field}</span>
              <span className="coverage" title={`${formatCount(f.count)} events have this field`}>
                <span style={{ width: `${Math.round(f.coverage * 100)}%` }} />
              </span>
              <span className="muted small num">{Math.round(f.coverage * 100)}%</span>
            </button>
            {open === f.field && (
              <>
                <button type="button" className="ghost small col-toggle" data-testid="toggle-column" onClick={() => (columns.includes(f.field) ? removeColumn(columns, f.field) : addColumn(columns, f.field))}>
                  {columns.includes(f.field) ? "Remove column" : "Add as column"}
                </button>
                <FieldDetail stat={f} onValue={onValue} />
              </>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

function FieldDetail({ stat, onValue }: { stat: FieldStat; onValue?: OnFieldValue | undefined }) {
  return (
    <div className="field-detail" data-testid="field-detail">
      <p className="muted small">
        {formatCount(stat.count)} events · {formatCount(stat.distinct)}
        {stat.distinctCapped ? "+" : ""} distinct · {stat.type}
      </p>
      {stat.numeric && (
        <p className="small mono">
          min {fmt(stat.numeric.min)} · max {fmt(stat.numeric.max)} · avg {fmt(stat.numeric.avg)}
        </p>
      )}
      <table className="mini top-values">
        <tbody>
          {stat.top.map((t) => (
            <tr key={String(t.value)} data-testid="top-value" data-value={String(t.value)} data-count={t.count}>
              <td className="mono value" title={String(t.value)}>{String(t.value)}</td>
              <td className="num">{formatCount(t.count)}</td>
              <td className="num muted">{((t.count / stat.count) * 100).toFixed(1)}%</td>
              {onValue && (
                <td className="actions">
                  <button type="button" className="ghost small" title="Filter on this value" data-testid="filter-eq" onClick={() => onValue(stat.field, t.value, false)}>=</button>
                  <button type="button" className="ghost small" title="Exclude this value" data-testid="filter-ne" onClick={() => onValue(stat.field, t.value, true)}>≠</button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function fmt(n: number): string {
  return Number.isInteger(n) ? formatCount(n) : n.toFixed(2);
}
