import { sankey, sankeyLinkHorizontal, type SankeyGraph } from "d3-sankey";
import type { SankeyResult } from "@quarry/engine";

export interface DrawnNode {
  id: number;
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  label: string;
  other: boolean;
}

export interface DrawnLink {
  index: number;
  path: string;
  width: number;
  source: number;
  target: number;
  count: number;
  other: boolean;
}

/**
 * Lays out the engine's aggregate with d3-sankey on the main thread (the worker only counts).
 * Returns null when there is nothing to draw or the layout fails (d3-sankey throws on cycles,
 * which the engine already removes; a failure is still shown as a message, not a crash).
 */
export function layoutSankey(r: SankeyResult, width: number, height: number): { nodes: DrawnNode[]; links: DrawnLink[] } | null {
  if (r.links.length === 0 || width < 50 || height < 50) return null;
  type N = { id: number; label: string; other: boolean };
  type L = { source: number; target: number; value: number; index0: number; other: boolean };
  const graph: SankeyGraph<N, L> = {
    nodes: r.nodes.map((n) => ({ id: n.id, label: n.label, other: n.other })),
    links: r.links.map((l, i) => ({ source: l.source, target: l.target, value: l.count, index0: i, other: l.other })),
  };
  try {
    const g = sankey<N, L>()
      .nodeId((d) => d.id)
      .nodeWidth(12)
      .nodePadding(10)
      .extent([
        [1, 6],
        [width - 1, height - 6],
      ])(graph);
    const path = sankeyLinkHorizontal();
    return {
      nodes: g.nodes
        .filter((n) => (n.value ?? 0) > 0)
        .map((n) => ({ id: n.id, x0: n.x0 ?? 0, x1: n.x1 ?? 0, y0: n.y0 ?? 0, y1: n.y1 ?? 0, label: n.label, other: n.other })),
      links: g.links.map((l) => ({
        index: l.index0,
        path: path(l) ?? "",
        width: Math.max(1, l.width ?? 1),
        source: (l.source as N).id,
        target: (l.target as N).id,
        count: l.value,
        other: l.other,
      })),
    };
  } catch {
    return null;
  }
}
