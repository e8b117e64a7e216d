import { useState } from "react";
import type { LookupInfo, LookupRole } from "@quarry/engine";
import { engine } from "../../engine/client.ts";
import { queryClient, useEngine } from "../../engine/hooks.ts";

/** Tables loaded in this tab, kept so a restarted engine worker gets them back. */
const loaded = new Map<string, { csv: string; role?: LookupRole }>();
let wasDead = false;
engine.subscribe(() => {
  if (engine.state.kind === "dead") wasDead = true;
  else if (wasDead) {
    wasDead = false;
    for (const [name, t] of loaded) void engine.call("lookups", { add: { name, ...t } }).catch(() => {});
    refresh();
  }
});

/** Loads CSV asset and identity tables (as in Splunk ES) that enrich hosts, IPs and users in every view. */
export function LookupsPanel() {
  const { data } = useEngine("lookups", {});
  const [role, setRole] = useState<LookupRole | "auto">("auto");
  const [error, setError] = useState<string | null>(null);
  const add = async (files: FileList | null) => {
    setError(null);
    for (const f of files ? [...files] : []) {
      try {
        if (f.size > 64 * 1024 * 1024) throw new Error(`${f.name} is over 64 MB: not a lookup table`);
        const csv = await f.text();
        const t = { csv, ...(role === "auto" ? {} : { role }) };
        await engine.call("lookups", { add: { name: f.name, ...t } });
        loaded.set(f.name, t);
      } catch (e) {
        setError((e as Error).message);
      }
    }
    refresh();
  };
  return (
    <div className="lookups-panel" data-testid="lookups-panel">
      <div className="row controls">
        <label className="small">
          role{" "}
          <select value={role} onChange={(e) => setRole(e.target.value as LookupRole | "auto")} data-testid="lookup-role" aria-label="table role">
            <option value="auto">guess from header</option>
            <option value="asset">assets (host, ip, owner…)</option>
            <option value="identity">identities (identity, user, email…)</option>
            <option value="plain">plain lookup</option>
          </select>
        </label>
        <label className="button">
          Load CSV…
          <input type="file" accept=".csv,text/csv" multiple hidden onChange={(e) => void add(e.target.files)} data-testid="lookup-file" />
        </label>
      </div>
      {error && <p className="bad">{error}</p>}
      {data && data.length === 0 && <p className="muted">No tables yet. An asset table with columns like ip, nt_host, dns, owner, priority, category enriches host and IP views; an identity table (identity, first, last, email, bunit…) enriches users.</p>}
      <ul className="lookup-list">
        {data?.map((t) => (
          <Table key={t.name} t={t} />
        ))}
      </ul>
    </div>
  );
}

function Table({ t }: { t: LookupInfo }) {
  return (
    <li data-testid="lookup-table" data-name={t.name} data-role={t.role} data-rows={t.rows}>
      <span className="mono">{t.name}</span> <span className="chip">{t.role}</span> <span className="muted small">{t.rows} rows · {t.fields.join(", ")}</span>{" "}
      <button
        type="button"
        className="ghost small"
        onClick={async () => {
          await engine.call("lookups", { remove: t.name });
          loaded.delete(t.name);
          refresh();
        }}
      >
        remove
      </button>
      {t.problems.length > 0 && (
        <ul className="small warn">
          {t.problems.map((p, i) => (
            <li key={i}>
              line {p.line}: {p.reason}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

/** Tables changed: every enriched answer is stale. */
function refresh(): void {
  for (const m of ["lookups", "pivot", "enrich"]) void queryClient.invalidateQueries({ queryKey: ["engine", m] });
}
