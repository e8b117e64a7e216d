import { useEffect, useMemo, useState } from "react";
import { investigation } from "../../app/investigation.ts";
import { useStore } from "../../app/store.ts";
import { useEngine } from "../../engine/hooks.ts";
import { answerFieldNames } from "../datasource/answer.ts";
import { dataSource } from "../datasource/datasource-store.ts";
import { DecodePanel } from "../decode/DecodePanel.tsx";
import { SelectionDecode } from "../decode/SelectionDecode.tsx";
import { LookupsPanel } from "../lookups/LookupsPanel.tsx";
import { SankeyPanel } from "../sankey/SankeyPanel.tsx";
import { ProcessTreePanel } from "../tree/ProcessTreePanel.tsx";
import { entityKindOfField, looksLikeIp } from "./entity.ts";
import { PivotPanel } from "./PivotPanel.tsx";
import { openTab, pivotTo, restoreFromUrl, showTree, syncToUrl, views, type ViewTab } from "./views-store.ts";
import "./views.css";

const TABS: Array<[ViewTab, string]> = [
  ["pivot", "Pivot"],
  ["sankey", "Sankey"],
  ["tree", "Process tree"],
  ["decode", "Decode"],
  ["lookups", "Lookups"],
];

/** The dock of analyst views under the events: a tab strip, and the open view (state in the URL). */
export function AnalystViews({ fields }: { fields: string[] }) {
  const { tab } = useStore(views);
  const { source, answer } = useStore(dataSource);
  const remote = source.kind === "clickhouse";
  // On ClickHouse the field pickers offer the fields of the server's returned events.
  const remoteFields = useMemo(() => (remote ? answerFieldNames(answer) : []), [remote, answer]);
  const [urlError, setUrlError] = useState<string | null>(null);
  useEffect(() => {
    setUrlError(restoreFromUrl());
    return syncToUrl();
  }, []);
  return (
    <section className={`views-dock ${tab ? "open" : ""}`} data-testid="views-dock" data-tab={tab ?? ""}>
      <div className="views-tabs" role="tablist">
        {TABS.map(([t, label]) => (
          <button key={t} type="button" role="tab" aria-selected={tab === t} className={tab === t ? "on" : ""} onClick={() => openTab(tab === t ? null : t)} data-testid={`views-tab-${t}`}>
            {label}
          </button>
        ))}
        {!remote && <ExpandedEventPivots />}
        {urlError && <span className="bad small">{urlError}</span>}
        {tab && (
          <button type="button" className="ghost small close" onClick={() => openTab(null)} aria-label="Close views">
            ▾
          </button>
        )}
      </div>
      {tab && (
        <div className="views-body">
          {tab === "pivot" && <PivotPanel />}
          {tab === "sankey" && <SankeyPanel fields={remote ? remoteFields : fields} />}
          {tab === "tree" && <ProcessTreePanel />}
          {tab === "decode" && <DecodePanel />}
          {tab === "lookups" && <LookupsPanel />}
        </div>
      )}
      <SelectionDecode />
    </section>
  );
}

/** Pivot buttons for the entities of the event expanded in the events table. */
function ExpandedEventPivots() {
  const seq = useStore(investigation).expanded;
  const { data } = useEngine("event", { seq: seq ?? -1 }, seq !== null);
  if (seq === null || !data) return null;
  const seen = new Set<string>();
  const items: Array<{ kind: "host" | "user" | "process" | "ip"; value: string }> = [];
  for (const [field, v] of Object.entries(data.fields)) {
    if (typeof v !== "string" && typeof v !== "number") continue;
    const value = String(v);
    const kind = entityKindOfField(field) ?? (looksLikeIp(value) ? "ip" : null);
    if (!kind || kind === "process" || seen.has(kind + value) || value.length > 80) continue;
    seen.add(kind + value);
    items.push({ kind, value });
  }
  const host = typeof data.fields.host === "string" ? data.fields.host : "";
  return (
    <span className="event-pivots" data-testid="event-pivots">
      <span className="muted small">event #{seq}:</span>
      {items.slice(0, 6).map((it) => (
        <button key={it.kind + it.value} type="button" className="ghost small" onClick={() => pivotTo(it)} data-testid="event-pivot" data-kind={it.kind} data-value={it.value}>
          {it.kind} {it.value}
        </button>
      ))}
      <button type="button" className="ghost small" onClick={() => showTree(host, seq)} data-testid="event-show-tree">
        show in tree
      </button>
    </span>
  );
}
