import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { EngineCore } from "../../src/index.ts";

const FILE = new URL("../../../../../shared/datasets/atomic-regsvr32/normalized-T1117-AtomicRed-regsvr32.json", import.meta.url);

function core(): EngineCore {
  const c = new EngineCore();
  const job = c.beginIngest("normalized-T1117-AtomicRed-regsvr32.json");
  job.write(readFileSync(FILE));
  c.finishIngest(job);
  return c;
}

describe("worker queries: the seed 000 walkthrough (143 / 1 / 1 / one sequence)", () => {
  const c = core();

  it("keeps every event hit, not the first `size`, and pages them", () => {
    const info = c.query({ lang: "eql", text: 'any where process.name == "regsvr32.exe"' });
    expect(info).toMatchObject({ kind: "events", total: 143, capped: false });
    const page = c.events({ kind: "result", handle: info.handle }, 0, 500);
    expect(page.total).toBe(143);
    expect(page.rows).toHaveLength(143);
    const stats = c.fieldStats({ kind: "result", handle: info.handle });
    expect(stats.find((s) => s.field === "process.name")!.top).toEqual([{ value: "regsvr32.exe", count: 143 }]);
  });

  it("finds the command line and the scrobj.dll load", () => {
    expect(c.query({ lang: "eql", text: 'process where process.name == "regsvr32.exe" and process.command_line.keyword != null' }).total).toBe(1);
    const lib = c.query({ lang: "eql", text: 'library where process.name == "regsvr32.exe" and dll.name == "scrobj.dll"' });
    expect(lib.total).toBe(1);
    const [row] = c.events({ kind: "result", handle: lib.handle }, 0, 10).rows;
    expect(c.event(row!.seq)!.fields["dll.name"]).toBe("scrobj.dll");
  });

  it("returns the sequence with join key 2012 and its three events", () => {
    const info = c.query({ lang: "eql", text: 'sequence by process.pid [process where process.name == "regsvr32.exe"] [library where dll.name == "scrobj.dll"] [network where true]' });
    expect(info).toMatchObject({ kind: "sequences", total: 1 });
    const page = c.sequences(info.handle, 0, 10);
    expect(page.sequences[0]!.joinKeys).toEqual([2012]);
    const cats = page.sequences[0]!.events.map((e) => c.event(e!.seq)!.fields["event.category"]);
    expect(cats).toEqual(["process", "library", "network"]);
    // The view of a sequences result is its events: fields and timeline cover those three.
    expect(c.events({ kind: "result", handle: info.handle }, 0, 10).total).toBe(3);
  });

  it("reports a bad query as a positioned QueryError and forgets unknown handles", () => {
    let err: unknown;
    try {
      c.query({ lang: "eql", text: "process where (" });
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ name: "QueryError", span: { start: expect.any(Number), end: expect.any(Number) } });
    expect(() => c.table(424242, 0, 10)).toThrow(/unknown result handle/);
  });

  it("intersects the UI time range with the query", () => {
    const all = c.events({ kind: "result", handle: c.query({ lang: "eql", text: "any where true" }).handle }, 0, 500).rows;
    const t = all[75]!.time!;
    const expected = all.filter((r) => r.time! >= t).length;
    const info = c.query({ lang: "eql", text: "any where true", earliest: t });
    expect(info.total).toBe(expected);
  });
});

describe("worker language service (offsets, no editor)", () => {
  const c = core();
  it("checks a query: null when fine, the error span when not", async () => {
    const { checkQuery } = await import("../../src/worker/language.ts");
    expect(checkQuery("eql", 'process where process.name == "x"')).toBeNull();
    const err = checkQuery("eql", 'process where process.name == "x" and');
    expect(err).toMatchObject({ name: "QueryError" });
    expect(err!.span!.start).toBeGreaterThanOrEqual(34);
    expect(checkQuery("spl", "index=main | stats count by host")).toBeNull();
    expect(checkQuery("spl", "index=main | nosuchcommand")).toMatchObject({ name: "QueryError", span: { start: 13 } });
  });
  it("completes field names, top values and SPL commands", async () => {
    const { completeQuery } = await import("../../src/worker/language.ts");
    const text = "process where process.na";
    const r = completeQuery(c.dataset, "eql", text, text.length);
    expect(r.span).toEqual({ start: 14, end: text.length });
    expect(r.items.map((i) => i.label)).toContain("process.name");
    const v = completeQuery(c.dataset, "eql", "any where process.name == ", 26);
    expect(v.items[0]).toMatchObject({ label: '"regsvr32.exe"', kind: "value" });
    const s = completeQuery(c.dataset, "spl", "index=main | st", 15);
    expect(s.items.map((i) => i.label)).toEqual(expect.arrayContaining(["stats", "streamstats"]));
    expect(s.span).toEqual({ start: 13, end: 15 });
  });
});

describe("worker SPL queries on eve-small (expected counts computed from the file itself)", () => {
  const EVE = new URL("../../../../../shared/datasets/suricata-eve-beats-testdata/eve-small.log", import.meta.url);
  const text = readFileSync(EVE, "utf8");
  const docs = text.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l) as { event_type: string });
  const byType: Record<string, number> = {};
  for (const d of docs) byType[d.event_type] = (byType[d.event_type] ?? 0) + 1;
  const c = new EngineCore();
  const job = c.beginIngest("eve-small.log");
  job.write(new TextEncoder().encode(text));
  c.finishIngest(job);

  it("a plain search is an event list the table pages through", () => {
    const [type, n] = Object.entries(byType).sort((a, b) => b[1] - a[1])[0]!;
    const info = c.query({ lang: "spl", text: `event_type=${type}` });
    expect(info).toMatchObject({ kind: "events", total: n });
    expect(c.events({ kind: "result", handle: info.handle }, 0, 100).rows).toHaveLength(n);
  });

  it("stats is a table with Splunk's fields", () => {
    const info = c.query({ lang: "spl", text: "* | stats count by event_type" });
    expect(info.kind).toBe("table");
    expect(info.fields).toEqual(["event_type", "count"]);
    const page = c.table(info.handle, 0, 100);
    expect(Object.fromEntries(page.rows.map((r) => [r.event_type, Number(r.count)]))).toEqual(byType);
  });
});

describe("worker export", () => {
  const c = core();
  it("writes a result's events as NDJSON and CSV, one row per event", () => {
    const info = c.query({ lang: "eql", text: 'library where dll.name == "scrobj.dll"' });
    const nd = c.exportText({ kind: "result", handle: info.handle }, undefined, "ndjson");
    expect(nd.rows).toBe(1);
    const obj = JSON.parse(nd.text.trim()) as Record<string, string>;
    expect(obj["dll.name"]).toBe("scrobj.dll");
    expect(obj._raw).toContain("scrobj.dll");
    const csv = c.exportText({ kind: "result", handle: info.handle }, undefined, "csv");
    const [header, ...lines] = csv.text.trimEnd().split("\n");
    expect(header!.split(",")[0]).toBe("_time");
    expect(header).toContain("dll.name");
    expect(lines).toHaveLength(1);
    const all = c.exportText(undefined, undefined, "ndjson");
    expect(all.text.trimEnd().split("\n")).toHaveLength(150);
  });
});

describe("removing one file", () => {
  it("drops that file's events and keeps the others' answers", () => {
    const c = core();
    const eve = readFileSync(new URL("../../../../../shared/datasets/suricata-eve-beats-testdata/eve-small.log", import.meta.url));
    const job = c.beginIngest("eve-small.log");
    job.write(eve);
    c.finishIngest(job);
    expect(c.status().events).toBe(158);
    const status = c.removeFile(0);
    expect(status.events).toBe(8);
    expect(status.files.map((f) => f.name)).toEqual(["eve-small.log"]);
    expect(status.sourcetypes).toEqual({ suricata: 8 });
    expect(c.events(undefined, 0, 100).rows.every((r) => r.sourcetype === "suricata")).toBe(true);
    expect(c.query({ lang: "eql", text: 'any where process.name == "regsvr32.exe"' }).total).toBe(0);
    expect(c.query({ lang: "spl", text: "sourcetype=suricata" }).total).toBe(8);
    expect(() => c.removeFile(5)).toThrow("no loaded file number 6");
  });
});
