import { useMemo, useState } from "react";
import { settings } from "../../app/settings.ts";
import { useStore } from "../../app/store.ts";
import { queryState, setQueryText } from "../editor/query-store.ts";
import { queryWithFilter } from "../fields/filter.ts";
import { answerRows, tallyFields } from "./answer.ts";
import { dataSource, runRemoteQuery } from "./datasource-store.ts";

/** Fields of the server's returned events; = / ≠ add a filter through the query's AST and re-run on the server. */
export function RemoteFields() {
  const { answer } = useStore(dataSource);
  const rows = useMemo(() => (answer ? answerRows(answer) : []), [answer]);
  const tallies = useMemo(() => tallyFields(rows), [rows]);
  const [open, setOpen] = useState<string | null>(null);
  if (rows.length === 0) return null;
  return (
    <section className="panel fields" aria-label="Fields" data-testid="remote-fields">
      <div className="panel-head">
        <h2>Fields</h2> <span className="muted small">in the {rows.length} returned events</span>
      </div>
      <ul className="field-list">
        {tallies.map((f) => (
          <li key={f.field} data-testid="remote-field" data-field={f.field} data-count={f.count}>
            <button type="button" className="ghost field-name" aria-expanded={open === f.field} onClick={() => setOpen(open === f.field ? null : f.field)}>
              {f.field} <span className="muted small">{f.count}</span>
            </button>
            {open === f.field && (
              <table className="field-detail">
                <tbody>
                  {f.top.map((t) => (
                    <tr key={String(t.value)} data-testid="remote-top-value" data-value={String(t.value)} data-count={t.count}>
                      <td>{String(t.value)}</td>
                      <td>{t.count}</td>
                      <td>
                        <button type="button" className="ghost small" title="Filter on this value" onClick={() => addFilter(f.field, t.value, false)}>=</button>
                        <button type="button" className="ghost small" title="Exclude this value" onClick={() => addFilter(f.field, t.value, true)}>≠</button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Adds `field == value` (or `!=`) through the query language's AST and runs on the server. */
function addFilter(field: string, value: string | number, negate: boolean): void {
  const { lang } = settings.get();
  try {
    setQueryText(lang, queryWithFilter(lang, queryState.get().text[lang], field, value, negate));
    void runRemoteQuery();
  } catch (e) {
    queryState.set((s) => ({ ...s, status: "error", error: { name: "QueryError", message: `Cannot add the filter: ${(e as Error).message}` } }));
  }
}
