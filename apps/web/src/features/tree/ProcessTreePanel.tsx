import { useEffect, useMemo, useRef, useState } from "react";
import type { ProcessNode, ProcessTree } from "@quarry/engine";
import { formatCount, formatTime } from "../../app/format.ts";
import { investigation } from "../../app/investigation.ts";
import { settings } from "../../app/settings.ts";
import { useStore } from "../../app/store.ts";
import { useEngine } from "../../engine/hooks.ts";
import { useViewData } from "../datasource/view-data.ts";
import { ViewBusy } from "../datasource/ViewBusy.tsx";
import { EnrichmentTable } from "../pivots/EnrichmentBadge.tsx";
import { decodeText, pivotTo, showTree, views } from "../pivots/views-store.ts";
import { HostInput } from "../sankey/SankeyPanel.tsx";

const MAX_PROCESSES = 3000;

/** The process tree of a host (and the time range), or of one event; expandable, with command lines decoded inline. */
export function ProcessTreePanel() {
  const { host, seq } = useStore(views).tree;
  const inv = useStore(investigation);
  // A person reads a few thousand processes at most; the engine says how many were left out.
  const req = seq !== null ? { seq, maxProcesses: MAX_PROCESSES } : { host: host || null, earliest: inv.timeRange?.earliest ?? null, latest: inv.timeRange?.latest ?? null, maxProcesses: MAX_PROCESSES };
  const { data, error, isFetching, remote } = useViewData("processTree", req);
  const enrich = useEngine("enrich", { hosts: host ? [host] : [] }, !!host);
  const [find, setFind] = useState("");
  return (
    <div className="tree-panel" data-testid="tree-panel">
      <div className="row controls">
        <HostInput value={host} onCommit={(h) => showTree(h)} />
        {seq !== null && (
          <span className="chip" data-testid="tree-focus-seq">
            event #{seq}{" "}
            <button type="button" className="ghost small" onClick={() => showTree(host)} aria-label="Show the whole host">
              ✕
            </button>
          </span>
        )}
        {!remote && inv.expanded !== null && inv.expanded !== seq && (
          <button type="button" className="small" onClick={() => showTree(host, inv.expanded)} data-testid="tree-show-expanded">
            Show event #{inv.expanded} in tree
          </button>
        )}
        <input className="search find" value={find} onChange={(e) => setFind(e.target.value)} placeholder="find: powershell, -enc, ftp…" data-testid="tree-find" aria-label="find in tree" />
        <ViewBusy method="processTree" busy={isFetching} remote={remote} label="building" />
        {data && (
          <span className="muted small" data-testid="tree-count" data-count={data.processes}>
            {formatCount(data.processes)} process creations{data.note ? ` — ${data.note}` : ""}
          </span>
        )}
      </div>
      {host && enrich.data?.hosts[host] && <EnrichmentTable e={enrich.data.hosts[host]} />}
      {error && <p className="bad" data-testid="view-error">{error.message}</p>}
      {data === null && <p className="muted">That event names no process.</p>}
      {data && data.nodes.length === 0 && <p className="muted">No process creation events (Sysmon 1, Security 4688, ECS process start) in scope.</p>}
      {data && data.nodes.length > 0 && <Forest tree={data} find={find} />}
    </div>
  );
}

function Forest({ tree, find }: { tree: ProcessTree; find: string }) {
  const shown = useMemo(() => visible(tree, find), [tree, find]);
  const roots = shown ? tree.roots.filter((r) => shown.has(r)) : tree.roots;
  return (
    <ul className="ptree" role="tree" data-testid="process-tree">
      {shown && roots.length === 0 && <li className="muted">No process matches “{find}”.</li>}
      {roots.map((id) => (
        <Node key={id} tree={tree} node={tree.nodes[id]} depth={0} shown={shown} />
      ))}
    </ul>
  );
}

/** With a search: the matching processes, their ancestors (the path to them) and descendants; null = everything. */
function visible(tree: ProcessTree, find: string): Set<number> | null {
  const q = find.trim().toLowerCase();
  if (!q) return null;
  const keep = new Set<number>();
  for (const n of tree.nodes) {
    const hay = `${n.name} ${n.pid ?? ""} ${n.commandLine ?? ""} ${n.decodedCommandLine ?? ""} ${n.user ?? ""}`.toLowerCase();
    if (!hay.includes(q)) continue;
    for (let p: ProcessNode | undefined = n; p && !keep.has(p.id); p = p.parent === null ? undefined : tree.nodes[p.parent]) keep.add(p.id);
    const stack = [...n.children];
    while (stack.length) {
      const c = stack.pop()!;
      if (keep.has(c)) continue;
      keep.add(c);
      stack.push(...tree.nodes[c].children);
    }
    keep.add(n.id);
  }
  return keep;
}

/** Nodes open down to this depth at first; deeper ones wait for a click. */
const OPEN_DEPTH = 6;

function Node({ tree, node, depth, shown }: { tree: ProcessTree; node: ProcessNode; depth: number; shown: Set<number> | null }) {
  const tz = useStore(settings).timeZone;
  const [open, setOpen] = useState(depth < OPEN_DEPTH);
  const [details, setDetails] = useState(false);
  const focus = tree.focus === node.id;
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (focus) ref.current?.scrollIntoView({ block: "center" });
  }, [focus]);
  const kids = shown ? node.children.filter((c) => shown.has(c)) : node.children;
  const hasKids = kids.length > 0;
  return (
    <li role="treeitem" aria-expanded={hasKids ? open : undefined} data-testid="tree-node" data-name={node.name} data-pid={node.pid ?? ""} data-depth={depth}>
      <div ref={ref} className={`pnode ${focus ? "focus" : ""} ${node.inferred ? "inferred" : ""}`}>
        <button type="button" className="ghost toggle" onClick={() => setOpen(!open)} disabled={!hasKids} aria-label={open ? "collapse" : "expand"}>
          {hasKids ? (open ? "▾" : "▸") : "·"}
        </button>
        <button type="button" className="link pname mono" onClick={() => setDetails(!details)} title="Details">
          {node.name || "?"}
        </button>
        <span className="mono muted">{node.pid ?? "?"}</span>
        {node.inferred && <span className="chip muted" title="Its own creation event is not in scope; known from a child's parent fields">parent only</span>}
        {node.user && (
          <button type="button" className="link small" onClick={() => pivotTo({ kind: "user", value: node.user! })}>
            {node.user}
          </button>
        )}
        <span className="muted small mono">{formatTime(node.time, tz)}</span>
        {node.host && (
          <button type="button" className="link small" onClick={() => pivotTo({ kind: "host", value: node.host! })}>
            {node.host}
          </button>
        )}
        {node.libraries.length > 0 && <span className="chip" data-testid="tree-libs" data-count={node.libraries.length + node.librariesOmitted}>{node.libraries.length + node.librariesOmitted} dll</span>}
        {node.network.length > 0 && <span className="chip" data-testid="tree-net" data-count={node.network.length + node.networkOmitted}>{node.network.length + node.networkOmitted} net</span>}
      </div>
      {node.commandLine && (
        <div className="cmdline mono" data-testid="tree-cmdline">
          {node.commandLine.length > 300 && !details ? node.commandLine.slice(0, 300) + "…" : node.commandLine}
          <button type="button" className="ghost small" onClick={() => decodeText(node.commandLine!)}>
            decode
          </button>
        </div>
      )}
      {node.decodedCommandLine && (
        <div className="decoded mono" data-testid="tree-decoded">
          <span className="chip">decoded -enc</span> {node.decodedCommandLine.length > 600 && !details ? node.decodedCommandLine.slice(0, 600) + "…" : node.decodedCommandLine}
        </div>
      )}
      {(details || node.libraries.some((l) => /scrobj|amsi|vbscript|jscript/i.test(l.name))) && node.libraries.length > 0 && (
        <ul className="attach" data-testid="tree-libraries">
          {(details ? node.libraries : node.libraries.filter((l) => /scrobj|amsi|vbscript|jscript/i.test(l.name))).map((l) => (
            <li key={l.seq} className="mono small" data-testid="tree-library" data-name={l.name}>
              <span className="chip">dll</span> {l.name} <span className="muted">{l.path}</span> <span className="muted">{formatTime(l.time, tz)}</span>
            </li>
          ))}
          {!details && <li className="muted small">click the name for all {node.libraries.length} libraries</li>}
        </ul>
      )}
      {node.network.length > 0 && (
        <ul className="attach" data-testid="tree-network">
          {node.network.slice(0, details ? undefined : 5).map((c) => (
            <li key={c.seq} className="mono small" data-testid="tree-connection">
              <span className="chip">net</span> {c.transport ?? ""} {c.srcIp}:{c.srcPort} →{" "}
              <button type="button" className="link" onClick={() => c.destIp && pivotTo({ kind: "ip", value: c.destIp })}>
                {c.destIp}
              </button>
              :{c.destPort} <span className="muted">{formatTime(c.time, tz)}</span>
            </li>
          ))}
        </ul>
      )}
      {hasKids && open && (
        <ul role="group">
          {kids.map((c) => (
            <Node key={c} tree={tree} node={tree.nodes[c]} depth={depth + 1} shown={shown} />
          ))}
        </ul>
      )}
    </li>
  );
}
