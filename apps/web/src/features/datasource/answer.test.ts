import { describe, expect, it } from "vitest";
import { answerFieldNames, answerRows, answerScope, answerTotal, cellText, flatten, hitLine, splLine, tableBars, tallyFields } from "./answer.ts";
import { toError } from "./remote.ts";

describe("server answers as panels draw them", () => {
  it("counts EQL events and sequences by the response's total, SPL by rows", () => {
    const events = { took: 1, timed_out: false, is_partial: false, is_running: false, hits: { total: { value: 143, relation: "eq" as const }, events: [] } };
    expect(answerTotal({ lang: "eql", text: "q", tookMs: 1, body: events })).toEqual({ kind: "events", total: 143 });
    const seqs = { ...events, hits: { total: { value: 1, relation: "eq" as const }, sequences: [{ join_keys: [2012], events: [] }] } };
    expect(answerTotal({ lang: "eql", text: "q", tookMs: 1, body: seqs })).toEqual({ kind: "sequences", total: 1 });
    const stats = { fields: ["event.category", "count"], results: [{ "event.category": "library", count: "89" }, { "event.category": "network", count: "1" }] };
    expect(answerTotal({ lang: "spl", text: "q", tookMs: 1, body: stats })).toEqual({ kind: "table", total: 2 });
    expect(answerTotal({ lang: "spl", text: "q", tookMs: 1, body: { fields: ["_time", "_raw"], results: [{ _time: 1, _raw: "x" }] } })).toEqual({ kind: "events", total: 1 });
  });

  it("draws bars from the first numeric column, numbers given as text included", () => {
    expect(tableBars(["event.category", "count"], [{ "event.category": "library", count: "89" }, { "event.category": "network", count: "1" }])).toEqual([
      { label: "library", value: 89 },
      { label: "network", value: 1 },
    ]);
    expect(tableBars(["_time", "count"], [{ _time: 1_600_000_000, count: 3 }])).toEqual([{ label: "2020-09-13T12:26:40Z", value: 3 }]);
    expect(tableBars(["a", "b"], [{ a: "x", b: "not a number" }])).toBeNull();
    expect(tableBars(["a"], [{ a: 1 }])).toBeNull();
  });

  it("renders hits, missing slots, SPL times and multivalues", () => {
    expect(hitLine({ _index: "i", _id: "7", _source: { "@timestamp": 131883573237130000, _raw: "line" } }, 0)).toEqual({ id: "7", time: "131883573237130000", text: "line" });
    expect(hitLine({ missing: true }, 3)).toEqual({ id: "missing-3", time: "", text: "(missing event)" });
    expect(splLine({ _time: 1_600_000_000, _raw: "r" }, 0)).toEqual({ id: "0", time: "2020-09-13T12:26:40.000Z", text: "r" });
    expect(cellText(["a", "b"])).toBe("a\nb");
    expect(cellText(null)).toBe("");
  });
});

describe("server failures in plain words", () => {
  it("names the failure by the proxy's error code", () => {
    expect(toError(502, { error: { code: "unreachable", message: "ECONNREFUSED" } }).message).toBe("The ClickHouse server is unreachable: ECONNREFUSED");
    expect(toError(404, { error: { code: "dataset", message: 'dataset "x" does not exist' } }).message).toMatch(/^Unknown dataset on the ClickHouse server/);
    expect(toError(502, { error: { code: "dropped", message: "socket hang up" } }).message).toMatch(/connection to ClickHouse was lost/);
    expect(toError(500, { error: { code: "server", message: "Code: 241, Memory limit" } }).message).toBe("The ClickHouse server failed: Code: 241, Memory limit");
    expect(toError(500, "<html>").message).toBe("The ClickHouse server failed: HTTP 500");
  });

  it("keeps a query error's words and span for the editor", () => {
    const e = toError(400, { error: { code: "query", message: "expected an expression", span: { start: 10, end: 11 } } });
    expect([e.message, e.span]).toEqual(["expected an expression", { start: 10, end: 11 }]);
  });
});

describe("fields of the returned events", () => {
  it("flattens ECS documents and tallies fields and top values", () => {
    expect(flatten({ process: { name: "a", parent: { pid: 1 } }, tags: ["x", "y"] })).toEqual({ "process.name": "a", "process.parent.pid": 1, tags: ["x", "y"] });
    const rows = [{ a: "x", b: 1 }, { a: "x" }, { a: "y", c: ["p", "q"] }, { a: null, _raw: "r" }];
    expect(tallyFields(rows, 1)).toEqual([
      { field: "a", count: 3, top: [{ value: "x", count: 2 }] },
      { field: "b", count: 1, top: [{ value: 1, count: 1 }] },
      { field: "c", count: 1, top: [{ value: "p", count: 1 }] },
    ]);
  });

  it("takes EQL hits (sequence members too, not missing slots) and only SPL event rows", () => {
    const hits = { total: { value: 1, relation: "eq" as const }, sequences: [{ join_keys: [], events: [{ _index: "i", _id: "1", _source: { e: { k: 1 } } }, { missing: true as const }] }] };
    const body = { took: 1, timed_out: false, is_partial: false, is_running: false, hits };
    expect(answerRows({ lang: "eql", text: "", tookMs: 0, body })).toEqual([{ "e.k": 1 }]);
    expect(answerRows({ lang: "spl", text: "", tookMs: 0, body: { fields: ["a", "count"], results: [{ a: 1, count: 2 }] } })).toEqual([]);
  });

  it("the events of an answer as a server view scope: the search's filter and time bounds; none for sequences and tables", () => {
    const events = { took: 1, timed_out: false, is_partial: false, is_running: false, hits: { total: { value: 2, relation: "eq" as const }, events: [] } };
    const spl = answerScope({ lang: "spl", text: "host=venus EventCode=1 earliest=1503532800", tookMs: 1, body: { fields: ["_raw"], results: [] } }, { earliest: 1503000000000, latest: 1503619200000 }, "UTC");
    expect(spl).not.toBeNull();
    expect(spl!.where.kind).toBe("and");
    expect(JSON.stringify(spl!.where)).toContain('"venus"');
    // The search's own earliest (later) and the picker's latest both bound it.
    expect({ earliest: spl!.earliest, latest: spl!.latest }).toEqual({ earliest: 1503532800000, latest: 1503619200000 });
    const eql = answerScope({ lang: "eql", text: 'process where process.name == "cmd.exe"', tookMs: 1, body: events }, { earliest: 1, latest: 2 }, "UTC");
    expect(JSON.stringify(eql!.where)).toContain('"cmd.exe"');
    // EQL answers ignore the picker, so the scope does too.
    expect({ earliest: eql!.earliest, latest: eql!.latest }).toEqual({ earliest: null, latest: null });
    expect(answerScope({ lang: "spl", text: "* | stats count by host", tookMs: 1, body: { fields: ["host", "count"], results: [] } }, null, "UTC")).toBeNull();
    expect(answerScope({ lang: "eql", text: "sequence [process where true] [network where true]", tookMs: 1, body: events }, null, "UTC")).toBeNull();
    expect(answerScope({ lang: "eql", text: "process where (", tookMs: 1, body: events }, null, "UTC")).toBeNull();
    expect(answerScope(null, null, "UTC")).toBeNull();
  });

  it("field names of the returned events, most common first", () => {
    const a = { lang: "spl" as const, text: "x", tookMs: 1, body: { fields: ["_raw", "host", "src_ip"], results: [{ _raw: "a", host: "venus", src_ip: "1.2.3.4" }, { _raw: "b", host: "venus" }] } };
    expect(answerFieldNames(a)).toEqual(["host", "src_ip"]);
  });
});
