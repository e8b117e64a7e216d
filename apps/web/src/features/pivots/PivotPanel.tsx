import { useMemo, useState } from "react";
import type { EntityKind, EntityRef, RelatedGroup } from "@quarry/engine";
import { formatCount, formatTime } from "../../app/format.ts";
import { investigation } from "../../app/investigation.ts";
import { settings } from "../../app/settings.ts";
import { useStore } from "../../app/store.ts";
import { useViewData } from "../datasource/view-data.ts";
import { ViewBusy } from "../datasource/ViewBusy.tsx";
import { useEngine } from "../../engine/hooks.ts";
import { ActivityBars } from "./ActivityBars.tsx";
import { enrichRequest, enrichSummary } from "./enrich.ts";
import { EnrichmentHint, EnrichmentTable } from "./EnrichmentBadge.tsx";
import { backTo, decodeText, pivotTo, showTree, views } from "./views-store.ts";

const KINDS: EntityKind[] = ["host", "user", "process", "ip"];

/** SA-Investigator-style entity view: summary, activity, related entities (each a pivot), recent events, the pivot trail. */
export function PivotPanel() {
  const { trail } = useStore(views);
  const current = trail[trail.length - 1] ?? null;
  return (
    <div className="pivot" data-testid="pivot-panel">
      <PivotForm initial={current} />
      {trail.length > 0 && (
        <nav className="trail" data-testid="pivot-trail" aria-label="pivot trail">
          {trail.map((e, i) => (
            <span key={`${e.kind}:${e.value}:${e.host ?? ""}`}>
              {i > 0 && <span className="muted"> › </span>}
              <button type="button" className={`ghost small ${i === trail.length - 1 ? "on" : ""}`} data-testid="trail-item" onClick={() => backTo(i)}>
                {e.kind}: {e.value}
                {e.host ? ` @${e.host}` : ""}
              </button>
            </span>
          ))}
        </nav>
      )}
      {current ? <EntitySummary entity={current} /> : <p className="muted">Pick a host, user, process or IP — or click one in a view — to see what it did.</p>}
    </div>
  );
}

function PivotForm({ initial }: { initial: EntityRef | null }) {
  const [kind, setKind] = useState<EntityKind>(initial?.kind ?? "host");
  const [value, setValue] = useState("");
  return (
    <form
      className="row pivot-form"
      onSubmit={(e) => {
        e.preventDefault();
        const v = value.trim();
        if (v) pivotTo({ kind, value: v });
      }}
    >
      <select value={kind} onChange={(e) => setKind(e.target.value as EntityKind)} data-testid="pivot-kind" aria-label="entity kind">
        {KINDS.map((k) => (
          <option key={k} value={k}>
            {k}
          </option>
        ))}
      </select>
      <input className="search" value={value} onChange={(e) => setValue(e.target.value)} placeholder="venus, service3, powershell.exe, 45.77.65.211…" data-testid="pivot-value" aria-label="entity" />
      <button type="submit" data-testid="pivot-go">
        Pivot
      </button>
    </form>
  );
}

function EntitySummary({ entity }: { entity: EntityRef }) {
  const tz = useStore(settings).timeZone;
  const range = useStore(investigation).timeRange;
  const { data: answered, error, isFetching, remote } = useViewData("pivot", { entity, earliest: range?.earliest ?? null, latest: range?.latest ?? null, top: 12, recent: 15 });
  // A server pivot has no lookup tables: the tab's worker enriches what it shows.
  const toEnrich = useMemo(() => (remote && answered ? enrichRequest(answered) : { hosts: [], ips: [], users: [] }), [remote, answered]);
  const enriched = useEngine("enrich", toEnrich, remote && !!answered);
  const data = useMemo(() => (answered && remote && enriched.data ? enrichSummary(answered, enriched.data) : answered), [answered, remote, enriched.data]);
  if (error) return <p className="bad" data-testid="view-error">{error.message}</p>;
  if (!data) return <p className="muted">{isFetching ? <ViewBusy method="pivot" busy remote={remote} label="Summarising" /> : ""}</p>;
  return (
    <div className="pivot-body" data-testid="pivot-summary" data-kind={entity.kind} data-value={entity.value} data-events={data.events}>
      <div className="pivot-head">
        <h3>
          <span className="muted">{entity.kind}</span> <span className="mono">{entity.value}</span>
          {entity.host && <span className="muted"> on {entity.host}</span>}
        </h3>
        <span data-testid="pivot-events" data-count={data.events}>
          {formatCount(data.events)} events
        </span>
        <span className="muted small">
          first {formatTime(data.first, tz)} · last {formatTime(data.last, tz)}
        </span>
        <ViewBusy method="pivot" busy={isFetching} remote={remote} label="Summarising" />
        {entity.kind === "host" && (
          <button type="button" className="small" onClick={() => showTree(entity.value)} data-testid="pivot-show-tree">
            Process tree
          </button>
        )}
      </div>
      <div className="pivot-grid">
        <div>
          {data.enrichment && <EnrichmentTable e={data.enrichment} />}
          {data.activity.counts.length > 0 && <ActivityBars {...data.activity} timeZone={tz} />}
          <div className="muted small">{data.sourcetypes.map((s) => `${s.value} ${formatCount(s.count)}`).join(" · ")}</div>
        </div>
        {data.related.map((g) => (
          <Related key={g.title} group={g} host={entity.kind === "host" ? entity.value : null} />
        ))}
      </div>
      <h3>Recent events</h3>
      <ul className="recent" data-testid="pivot-recent">
        {data.recent.map((e) => (
          <li key={e.seq}>
            <span className="mono muted">{formatTime(e.time, tz)}</span> <span className="muted">{e.sourcetype}</span> {e.host && <span className="mono">{e.host}</span>}
            <button type="button" className="ghost small" title="Show this event's process in the tree" onClick={() => showTree(e.host ?? "", e.seq)}>
              tree
            </button>
            <div className="mono raw-line">{e.raw}</div>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** One related-entity group: each value pivots (or, for command lines, decodes). */
function Related({ group, host }: { group: RelatedGroup; host: string | null }) {
  const pivotable = group.kind === "host" || group.kind === "user" || group.kind === "ip" || group.kind === "process";
  return (
    <div className="related" data-testid="related" data-title={group.title}>
      <h4>
        {group.title} <span className="muted small">{group.distinct > group.items.length ? `top ${group.items.length} of ${group.distinct}` : group.distinct}</span>
      </h4>
      {group.items.length === 0 && <div className="muted small">none</div>}
      <ul>
        {group.items.map((it) => (
          <li key={it.value} data-testid="related-item" data-value={it.value} data-count={it.count}>
            {pivotable ? (
              <button
                type="button"
                className="link mono"
                title={`Pivot to ${group.kind} ${it.value}`}
                onClick={() => pivotTo(group.kind === "process" && host ? { kind: "process", value: it.value } : { kind: group.kind as EntityKind, value: it.value })}
              >
                {it.value}
              </button>
            ) : group.kind === "commandLine" ? (
              <button type="button" className="link mono cmd" title="Decode" onClick={() => decodeText(it.value)}>
                {it.value}
              </button>
            ) : (
              <span className="mono">{it.value}</span>
            )}
            <EnrichmentHint e={it.enrichment} />
            <span className="num muted">{formatCount(it.count)}</span>
            {it.decoded && (
              <div className="decoded mono small" data-testid="related-decoded" title={it.decoded}>
                <span className="chip">decoded -enc</span> {it.decoded.length > 400 ? it.decoded.slice(0, 400) + "…" : it.decoded}
              </div>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
