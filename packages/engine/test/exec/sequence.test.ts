/**
 * Sequence early stop: with only `head` pipes (or a `size`), matching stops once the first results
 * are certain; the answer must equal the one computed without stopping (Endgame data, where
 * `sequence by unique_pid [process] [file]` has many matches).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Dataset, ingestBytes } from "../../src/index.ts";
import { runEql, runEqlDetailed, type EqlOptions, type EqlResponse } from "../../src/api/eql.ts";
import { CancelledError } from "../../src/exec/cancel.ts";

const ds = new Dataset();
ingestBytes(ds, "events.ndjson", readFileSync(new URL("../../../../../shared/conformance/eql-endgame/events.ndjson", import.meta.url)));
const opts: EqlOptions = { eventCategoryField: "event_type", timestampField: "timestamp", tiebreakerField: "serial_event_id" };

const ids = (r: EqlResponse): number[][] => r.hits.sequences!.map((s) => s.events.map((e) => ("_source" in e ? (e._source.serial_event_id as number) : -1)));

describe("sequence early stop", () => {
  for (const [query, size] of [
    ["sequence by unique_pid [process where true] [file where true]", 1],
    ["sequence by unique_pid [process where true] [file where true] | head 2", 10],
    ["sequence by unique_pid [any where true] [any where true] [any where true]", 5],
  ] as const) {
    it(`${query} (size ${size}) equals the full run's first results`, () => {
      const early = runEql(ds, query, { ...opts, size });
      const full = runEqlDetailed(ds, query, { ...opts, size });
      expect(ids(early)).toEqual(ids(full.response));
      // The full run counts every match (after the query's own pipes); the early one stopped at the cap.
      const cap = query.includes("| head") ? Number(query.split("| head ")[1]) : size;
      expect(ids(early)).toHaveLength(Math.min(cap, size));
      if (!query.includes("| head")) expect(full.matched).toBeGreaterThan(size);
    });
  }
});

describe("long runs", () => {
  it("matches `with runs=60` (real detection rules use runs up to 60)", () => {
    const d = new Dataset();
    const lines: string[] = [];
    for (let i = 0; i < 200; i++) lines.push(JSON.stringify({ "@timestamp": i, event: { category: i % 2 ? "authentication" : "process" }, user: i % 3 === 0 ? "bob" : "eve", n: i }));
    ingestBytes(d, "runs.ndjson", new TextEncoder().encode(lines.join("\n")));
    const r = runEql(d, "sequence by user [authentication where true] with runs=60", { size: 3 });
    // eve's authentications are n = 6k+1 and 6k+5; each sequence is 60 of them in a row, one starting at each.
    const spans = r.hits.sequences!.map((s) => {
      const n = s.events.map((e) => ("_source" in e ? (e._source.n as number) : -1));
      return [s.join_keys[0], n.length, n[0], n[59]];
    });
    expect(spans).toEqual([
      ["eve", 60, 1, 179],
      ["eve", 60, 5, 181],
      ["eve", 60, 7, 185],
    ]);
  });
});

describe("cancellation", () => {
  it("stops a sequence, a sample and an event query with CancelledError", () => {
    const token = { cancelled: true };
    for (const q of [
      "sequence by unique_pid [process where true] [file where true]",
      "sample by unique_pid [process where true] [file where true]",
      "process where process_name : \"*.exe\"",
    ]) {
      expect(() => runEql(ds, q, { ...opts, cancel: token })).toThrow(CancelledError);
    }
  });
});
