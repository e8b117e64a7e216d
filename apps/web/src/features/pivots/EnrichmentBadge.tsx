import type { Enrichment } from "@quarry/engine";

/** The asset/identity row of a host, IP or user, as a compact list (text only). */
export function EnrichmentTable({ e }: { e: Enrichment }) {
  return (
    <div className="enrichment" data-testid="enrichment" data-table={e.table}>
      <div className="muted small">
        {e.role} · {e.table}
      </div>
      <table className="mini">
        <tbody>
          {Object.entries(e.fields).map(([k, v]) => (
            <tr key={k} data-testid="enrichment-field" data-field={k}>
              <td className="mono key">{k}</td>
              <td className="mono">{v}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A one-line hint (owner, category or priority) shown next to an enriched value. */
export function EnrichmentHint({ e }: { e: Enrichment | null }) {
  if (!e) return null;
  const f = e.fields;
  const name = [f.first, f.last].filter(Boolean).join(" ");
  const text = f.owner || name || f.category || f.priority || e.table;
  return (
    <span className="enrich-hint" title={Object.entries(f).map(([k, v]) => `${k}: ${v}`).join("\n")} data-testid="enrich-hint">
      {text || e.table}
    </span>
  );
}
