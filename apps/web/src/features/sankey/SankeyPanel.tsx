import { useEffect, useMemo, useRef, useState } from "react";
import type { SankeyNode, SankeyResult } from "@quarry/engine";
import { formatCount } from "../../app/format.ts";
import { investigation } from "../../app/investigation.ts";
import { settings } from "../../app/settings.ts";
import { useStore } from "../../app/store.ts";
import { answerScope } from "../datasource/answer.ts";
import { dataSource, runRemoteQuery } from "../datasource/datasource-store.ts";
import { useViewData } from "../datasource/view-data.ts";
import { ViewBusy } from "../datasource/ViewBusy.tsx";
import { queryState, runCurrentQuery, setQueryText } from "../editor/query-store.ts";
import { eqlWithFilter } from "../fields/filter.ts";
import { entityKindOfField, looksLikeIp } from "../pivots/entity.ts";
import { pivotTo, setSankey, views } from "../pivots/views-store.ts";
import { layoutSankey } from "./layout.ts";

/** PPID→PID or field→field flows of the current result or a host, drawn with d3-sankey. */
export function SankeyPanel({ fields }: { fields: string[] }) {
  const s = useStore(views).sankey;
  const inv = useStore(investigation);
  const { source, answer } = useStore(dataSource);
  const tz = useStore(settings).timeZone;
  const remote = source.kind === "clickhouse";
  // "Current result": the worker's result handle locally; on ClickHouse the server answer's search filter.
  const result = !remote && inv.result && inv.result.kind !== "table" ? inv.result : null;
  const serverScope = useMemo(() => (remote ? answerScope(answer, inv.timeRange, tz) : null), [remote, answer, inv.timeRange, tz]);
  const useResult = s.useResult && (result !== null || serverScope !== null);
  const scope = !useResult
    ? { earliest: inv.timeRange?.earliest ?? null, latest: inv.timeRange?.latest ?? null }
    : serverScope
      ? serverScope
      : { view: { kind: "result" as const, handle: result!.handle }, earliest: null, latest: null };
  const base = { host: s.host.trim() || null, maxFlows: s.maxFlows, ...scope };
  const req = s.mode === "process" ? { ...base, mode: "process" as const, focus: s.focus || null } : { ...base, mode: "fields" as const, source: s.source, target: s.target };
  const { data, error, isFetching } = useViewData("sankey", req, s.mode === "process" || (s.source !== "" && s.target !== ""));
  return (
    <div className="sankey-panel" data-testid="sankey-panel">
      <div className="row controls">
        <div className="segmented">
          <button type="button" className={s.mode === "process" ? "on" : ""} onClick={() => setSankey({ mode: "process" })} data-testid="sankey-mode-process">
            ParentProcessId → ProcessId
          </button>
          <button type="button" className={s.mode === "fields" ? "on" : ""} onClick={() => setSankey({ mode: "fields" })} data-testid="sankey-mode-fields">
            Two fields
          </button>
        </div>
        {s.mode === "fields" && (
          <>
            <FieldPick value={s.source} fields={fields} onChange={(v) => setSankey({ source: v })} testId="sankey-source" label="source field" />
            <span className="muted">→</span>
            <FieldPick value={s.target} fields={fields} onChange={(v) => setSankey({ target: v })} testId="sankey-target" label="target field" />
          </>
        )}
        <HostInput value={s.host} onCommit={(host) => setSankey({ host })} />
        {s.mode === "process" && (
          <input
            className="search focus-input"
            key={s.focus}
            defaultValue={s.focus}
            placeholder="chains through… (powershell)"
            onBlur={(e) => setSankey({ focus: e.target.value.trim() })}
            onKeyDown={(e) => e.key === "Enter" && setSankey({ focus: (e.target as HTMLInputElement).value.trim() })}
            data-testid="sankey-focus"
            aria-label="only chains through processes named"
          />
        )}
        <label className="small">
          <input
            type="checkbox"
            checked={s.useResult}
            disabled={!result && !serverScope}
            title={remote ? "the events of the server search (its filter runs on ClickHouse; event searches only)" : "the events of the last query"}
            onChange={(e) => setSankey({ useResult: e.target.checked })}
            data-testid="sankey-use-result"
          />{" "}
          current result
        </label>
        <label className="small">
          top{" "}
          <select value={s.maxFlows} onChange={(e) => setSankey({ maxFlows: Number(e.target.value) })} aria-label="most flows">
            {[10, 20, 40, 80, 150].map((n) => (
              <option key={n}>{n}</option>
            ))}
          </select>{" "}
          flows
        </label>
        <ViewBusy method="sankey" busy={isFetching} remote={remote} label="counting" />
      </div>
      {error && <p className="bad">{error.message}</p>}
      {data && <SankeyChart result={data} />}
    </div>
  );
}

function FieldPick({ value, fields, onChange, testId, label }: { value: string; fields: string[]; onChange: (v: string) => void; testId: string; label: string }) {
  return (
    <>
      <input className="search field-pick" list={`${testId}-list`} defaultValue={value} key={value} onBlur={(e) => onChange(e.target.value.trim())} onKeyDown={(e) => e.key === "Enter" && onChange((e.target as HTMLInputElement).value.trim())} data-testid={testId} aria-label={label} />
      <datalist id={`${testId}-list`}>
        {fields.slice(0, 2000).map((f) => (
          <option key={f} value={f} />
        ))}
      </datalist>
    </>
  );
}

/** A host box that applies on Enter or blur (not on every keystroke). */
export function HostInput({ value, onCommit }: { value: string; onCommit: (v: string) => void }) {
  return (
    <input
      className="search host-input"
      key={value}
      defaultValue={value}
      placeholder="all hosts"
      onBlur={(e) => onCommit(e.target.value.trim())}
      onKeyDown={(e) => e.key === "Enter" && onCommit((e.target as HTMLInputElement).value.trim())}
      data-testid="view-host"
      aria-label="host"
    />
  );
}

function SankeyChart({ result }: { result: SankeyResult }) {
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(900);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    setWidth(el.clientWidth);
    return () => ro.disconnect();
  }, []);
  const height = Math.min(900, Math.max(260, result.nodes.length * 16));
  const drawn = useMemo(() => layoutSankey(result, width - 180, height), [result, width, height]);
  const [hover, setHover] = useState<string | null>(null);
  const byId = (id: number): SankeyNode => result.nodes[id];
  return (
    <div ref={box} className="sankey-chart" data-testid="sankey-chart" data-links={result.links.length} data-nodes={result.nodes.length}>
      <div className="muted small" data-testid="sankey-summary">
        {formatCount(result.events)} events, {formatCount(result.flows)} flows
        {result.note && (
          <span className="warn" data-testid="sankey-note">
            {" "}
            — {result.note}
          </span>
        )}
        {hover && <span className="mono"> · {hover}</span>}
      </div>
      {result.links.length === 0 && <p className="muted">No flows: no event in scope has both ends.</p>}
      {drawn && (
        <svg width={width} height={height} role="img" aria-label="Sankey diagram">
          <g transform="translate(90,0)">
            {drawn.links.map((l) => {
              const s = byId(l.source);
              const t = byId(l.target);
              const label = `${s.label}${s.host ? " @" + s.host : ""} → ${t.label}: ${formatCount(l.count)}`;
              return (
                <path
                  key={l.index}
                  d={l.path}
                  className={`sankey-link ${l.other ? "other" : ""}`}
                  strokeWidth={l.width}
                  data-testid="sankey-link"
                  data-source={s.label}
                  data-target={t.label}
                  data-host={s.host ?? t.host ?? ""}
                  data-count={l.count}
                  onMouseEnter={() => setHover(label)}
                  onMouseLeave={() => setHover(null)}
                  onClick={() => onLink(result, s, t)}
                >
                  <title>{label}</title>
                </path>
              );
            })}
            {drawn.nodes.map((n) => {
              const node = byId(n.id);
              const leftSide = n.x0 < (width - 180) / 2;
              return (
                <g key={n.id} className={`sankey-node ${n.other ? "other" : ""}`} data-testid="sankey-node" data-label={node.label} data-host={node.host ?? ""} onClick={() => onNode(node)}>
                  <rect x={n.x0} y={n.y0} width={n.x1 - n.x0} height={Math.max(1, n.y1 - n.y0)}>
                    <title>{`${node.label}${node.host ? " on " + node.host : ""}\nin ${formatCount(node.in)} · out ${formatCount(node.out)}\nclick to pivot`}</title>
                  </rect>
                  <text x={leftSide ? n.x1 + 4 : n.x0 - 4} y={(n.y0 + n.y1) / 2} dy="0.35em" textAnchor={leftSide ? "start" : "end"}>
                    {node.label}
                    {node.host && result.kind === "process" ? ` @${node.host}` : ""}
                  </text>
                </g>
              );
            })}
          </g>
        </svg>
      )}
      {result.links.length > 0 && !drawn && <p className="bad">The diagram could not be laid out.</p>}
    </div>
  );
}

/** A node pivots: a process by pid on its host, a field value when the field names an entity. */
function onNode(n: SankeyNode): void {
  if (n.other) return;
  if (n.pid !== null) {
    pivotTo({ kind: "process", value: String(n.pid), host: n.host });
    return;
  }
  const kind = n.field ? entityKindOfField(n.field) : null;
  if (kind) pivotTo({ kind, value: n.value });
  else if (looksLikeIp(n.value)) pivotTo({ kind: "ip", value: n.value });
  else if (n.field) filterOn([[n.field, n.value]]);
}

/** A link filters the query to its two ends (through the EQL AST); a process link pivots to the child. */
function onLink(r: SankeyResult, s: SankeyNode, t: SankeyNode): void {
  if (s.other || t.other) return;
  if (r.kind === "process") {
    if (t.pid !== null) pivotTo({ kind: "process", value: String(t.pid), host: t.host });
    return;
  }
  filterOn([
    [r.sourceField, s.value],
    [r.targetField, t.value],
  ]);
}

function filterOn(pairs: Array<[string, string]>): void {
  settings.set((st) => ({ ...st, lang: "eql" }));
  let text = queryState.get().text.eql;
  try {
    for (const [f, v] of pairs) text = eqlWithFilter(text, f, v, false);
  } catch {
    return;
  }
  setQueryText("eql", text);
  // The query runs where the diagram's data is.
  if (dataSource.get().source.kind === "clickhouse") void runRemoteQuery();
  else void runCurrentQuery();
}
