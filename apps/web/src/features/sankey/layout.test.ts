import { describe, expect, it } from "vitest";
import type { SankeyResult } from "@quarry/engine";
import { layoutSankey } from "./layout.ts";

const node = (id: number, label: string, side: "source" | "target") => ({ id, label, side, value: label, field: side === "source" ? "src_ip" : "dest_ip", host: null, pid: null, name: null, in: 0, out: 0, other: false });

const result: SankeyResult = {
  kind: "fields",
  sourceField: "src_ip",
  targetField: "dest_ip",
  nodes: [node(0, "10.0.2.107", "source"), node(1, "10.0.2.109", "source"), node(2, "45.77.65.211", "target")],
  links: [
    { source: 0, target: 2, count: 315, other: false },
    { source: 1, target: 2, count: 210, other: false },
  ],
  events: 525,
  flows: 2,
  shownFlows: 2,
  omittedFlows: 0,
  omittedEvents: 0,
  cycleLinks: 0,
  note: null,
};

describe("layoutSankey", () => {
  it("places sources left of targets, node heights in proportion to their flows", () => {
    const l = layoutSankey(result, 600, 300)!;
    const byId = Object.fromEntries(l.nodes.map((n) => [n.id, n]));
    expect(byId[0].x0).toBeLessThan(byId[2].x0);
    const h = (id: number) => byId[id].y1 - byId[id].y0;
    expect(h(0) / h(1)).toBeCloseTo(315 / 210, 1);
    expect(h(2)).toBeCloseTo(h(0) + h(1), 0);
    expect(l.links.map((k) => k.count).sort()).toEqual([210, 315]);
    expect(l.links.every((k) => k.path.startsWith("M"))).toBe(true);
  });

  it("draws nothing for no links or no room, and does not throw on a cycle", () => {
    expect(layoutSankey({ ...result, links: [] }, 600, 300)).toBeNull();
    expect(layoutSankey(result, 10, 10)).toBeNull();
    const cyclic = { ...result, links: [...result.links, { source: 2, target: 0, count: 1, other: false }] };
    expect(() => layoutSankey(cyclic, 600, 300)).not.toThrow();
  });
});
