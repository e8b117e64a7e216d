/**
 * Both EQL conformance suites, loaded into ClickHouse with `loadToClickHouse` and queried with
 * `runEqlRemote`: every supported query must give the response the local engine gives (ids,
 * order, join keys, sources, totals); the counts that also match the reference answers are logged.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Dataset, applyMapping, ingestBytes, runEql, type EqlOptions, type EqlResponse } from "@quarry/engine";
import { loadToClickHouse, runEqlRemote, type Target } from "../src/index.ts";
import { haveClickHouse, startServer, type TestServer } from "./server.ts";
import { CONFORMANCE, comparable, idsOf, pathOf, readJsonl } from "./support.ts";

interface ElasticCase {
  name: string;
  query: string;
  index: string;
  expected_event_ids: number[];
  expected_event_ids_any_of?: number[][];
  id_field: string;
  tiebreaker_field: string | null;
  size?: number;
  max_samples_per_key?: number;
  status: string;
}

interface EndgameCase {
  name: string;
  query: string;
  expected_event_ids: number[];
  case_modes: Array<"case_sensitive" | "case_insensitive">;
  status: string;
}

const same = (a: unknown[], b: unknown[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Runs locally and remotely; returns null when the two agree, else why not. */
async function agree(local: () => EqlResponse, remote: () => Promise<EqlResponse>): Promise<{ diff: string | null; local: EqlResponse | null }> {
  let l: EqlResponse | Error;
  let r: EqlResponse | Error;
  try {
    l = local();
  } catch (e) {
    l = e as Error;
  }
  try {
    r = await remote();
  } catch (e) {
    r = e as Error;
  }
  if (l instanceof Error || r instanceof Error) {
    if (l instanceof Error && r instanceof Error && l.message === r.message) return { diff: null, local: null };
    return { diff: `local ${l instanceof Error ? l.message : "ok"} / remote ${r instanceof Error ? r.message : "ok"}`, local: null };
  }
  const a = JSON.stringify(comparable(l));
  const b = JSON.stringify(comparable(r));
  return { diff: a === b ? null : `responses differ: local ${a.slice(0, 300)} remote ${b.slice(0, 300)}`, local: l };
}

describe.skipIf(!haveClickHouse)("EQL conformance on ClickHouse 18.16 equals the local engine", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  }, 120_000);

  it("eql-elastic: every supported query", async () => {
    const dir = new URL("eql-elastic/", CONFORMANCE);
    const indices = JSON.parse(readFileSync(new URL("indices.json", dir), "utf8")) as Record<string, string>;
    const cases = readJsonl<ElasticCase>(new URL("queries.jsonl", dir)).filter((c) => c.status === "supported" && !c.index.includes("endgame-shard-failures"));
    const targets = new Map<string, { target: Target; local: Dataset; mappings: Array<{ text: string; index: string }> }>();
    for (const index of new Set(cases.map((c) => c.index))) {
      const names = index.split(",");
      const target: Target = { url: server.url, dataset: `el_${targets.size}` };
      const files = names.map((n) => ({ path: pathOf(new URL(indices[n]!, dir)), name: `${n}.ndjson` }));
      const results = await loadToClickHouse(target, files);
      expect(results.map((r) => r.error ?? r.status)).toEqual(names.map(() => "loaded"));
      const local = new Dataset();
      for (const f of files) ingestBytes(local, f.name, readFileSync(f.path));
      const mappings = names.map((n) => ({ text: readFileSync(new URL(`source/data/${n}.mapping`, dir), "utf8"), index: n }));
      for (const m of mappings) applyMapping(local, m.text, { index: m.index });
      targets.set(index, { target, local, mappings });
    }
    let agreeing = 0;
    let expected = 0;
    let filtered = 0;
    let cut = 0;
    const diffs: string[] = [];
    for (const c of cases) {
      const t = targets.get(c.index)!;
      const opts: EqlOptions = {
        size: c.size ?? 50,
        eventCategoryField: "event.category",
        timestampField: "@timestamp",
        tiebreakerField: c.tiebreaker_field,
        ...(c.max_samples_per_key !== undefined ? { maxSamplesPerKey: c.max_samples_per_key } : {}),
      };
      const res = await agree(
        () => runEql(t.local, c.query, opts),
        () => runEqlRemote(t.target, c.query, opts, { mappings: t.mappings, onSql: (_s, pred, mode) => (pred && filtered++, (mode === "head" || mode === "tail") && cut++) }),
      );
      if (res.diff === null) agreeing++;
      else diffs.push(`${c.name}: ${res.diff}`);
      if (res.local) {
        const got = idsOf(res.local, c.id_field);
        if (c.expected_event_ids_any_of ? c.expected_event_ids_any_of.some((e) => same(e, got)) : same(c.expected_event_ids, got)) expected++;
      }
    }
    console.log(`eql-elastic on ClickHouse: ${agreeing}/${cases.length} supported queries equal the local response; ${expected} match the reference ids; ${filtered} pushed a filter into ClickHouse; ${cut} cut to their first or last events there (ORDER BY … LIMIT)`);
    // Mapping aliases (event.category → event_type…) resolve after the fetch, so fewer filters push down here.
    expect(filtered).toBeGreaterThan(cases.length / 4);
    expect(diffs).toEqual([]);
  }, 300_000);

  it("eql-endgame: every query in every case mode", async () => {
    const dir = new URL("eql-endgame/", CONFORMANCE);
    const target: Target = { url: server.url, dataset: "endgame" };
    const file = { path: pathOf(new URL("events.ndjson", dir)), name: "events.ndjson" };
    expect((await loadToClickHouse(target, [file])).map((r) => r.error ?? r.status)).toEqual(["loaded"]);
    const local = new Dataset();
    ingestBytes(local, file.name, readFileSync(file.path));
    const cases = readJsonl<EndgameCase>(new URL("queries.jsonl", dir)).filter((c) => c.status === "supported");
    let agreeing = 0;
    let runs = 0;
    let expected = 0;
    let filtered = 0;
    let cut = 0;
    const diffs: string[] = [];
    for (const c of cases) {
      for (const mode of c.case_modes) {
        runs++;
        const opts: EqlOptions = {
          dialect: "endgame",
          caseSensitive: mode === "case_sensitive",
          size: 10000,
          eventCategoryField: "event_type",
          timestampField: "timestamp",
          tiebreakerField: "serial_event_id",
        };
        const res = await agree(
          () => runEql(local, c.query, opts),
          () => runEqlRemote(target, c.query, opts, { onSql: (_s, pred, mode) => (pred && filtered++, (mode === "head" || mode === "tail") && cut++) }),
        );
        if (res.diff === null) agreeing++;
        else diffs.push(`${c.name} (${mode}): ${res.diff}`);
        if (res.local && same(idsOf(res.local, "serial_event_id"), c.expected_event_ids)) expected++;
      }
    }
    console.log(`eql-endgame on ClickHouse: ${agreeing}/${runs} query runs (${cases.length} queries × case modes) equal the local response; ${expected} match the reference ids; ${filtered} pushed a filter into ClickHouse; ${cut} cut to their first or last events there (ORDER BY … LIMIT)`);
    expect(filtered).toBeGreaterThan(runs / 2);
    expect(diffs).toEqual([]);
  }, 300_000);
});
