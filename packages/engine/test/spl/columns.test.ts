/**
 * Columnar results (the timechart fast path): the columns hold exactly the rows the general
 * executor builds, rows are made from them on demand (all, or one page in the worker), spreads
 * and JSON still carry the rows, and a later pipe never sees stale columns.
 */
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { EngineCore, runSpl } from "../../src/index.ts";
import { rowsOf } from "../../src/exec/spl/columns.ts";
import { generated, type Generated } from "./generated.ts";

let g: Generated;
beforeAll(() => {
  g = generated();
}, 120_000);

const Q = "index=botsv2 | timechart span=10m limit=0 count by host";

describe("columnar SPL results", () => {
  it("a timechart's columns are its rows, field by field, and equal the general executor's", () => {
    const fast = runSpl(g.ds, Q);
    const slow = runSpl(g.ds, Q, { noFastPath: true });
    expect(fast.columns).toBeDefined();
    expect(slow.columns).toBeUndefined();
    const cols = fast.columns!;
    expect(cols.data).toHaveLength(fast.fields.length);
    expect(cols.length).toBe(slow.results.length);
    for (let i = 0; i < cols.length; i++) {
      for (let j = 0; j < fast.fields.length; j++) expect(cols.data[j]![i]).toBe(slow.results[i]![fast.fields[j]!]);
    }
    expect(fast.results).toEqual(slow.results);
    // Built once, then the same rows.
    expect(fast.results).toBe(fast.results);
  });

  it("rows survive spreads and JSON, and pages are slices of the rows", () => {
    const r = runSpl(g.ds, Q);
    const spread = { ...r };
    expect(spread.results).toEqual(r.results);
    expect(JSON.parse(JSON.stringify(r)).results).toEqual(JSON.parse(JSON.stringify(r.results)));
    const n = r.columns!.length;
    expect(rowsOf(r.fields, r.columns!, 5, 17)).toEqual(r.results.slice(5, 17));
    expect(rowsOf(r.fields, r.columns!, n - 3, n + 10)).toEqual(r.results.slice(n - 3));
    expect(rowsOf(r.fields, r.columns!, -4, 2)).toEqual(r.results.slice(0, 2));
  });

  it("a pipe after the timechart gets rows, and its result has no columns", () => {
    const q = `${Q} | eval total=0 | where _time > 0`;
    const fast = runSpl(g.ds, q);
    const slow = runSpl(g.ds, q, { noFastPath: true });
    expect(fast.fastPath).toBe(true);
    expect(fast.columns).toBeUndefined();
    expect(fast.results).toEqual(slow.results);
  });
});

describe("columnar stats results", () => {
  const same = (q: string, columnar: boolean) => {
    const fast = runSpl(g.ds, q);
    const slow = runSpl(g.ds, q, { noFastPath: true });
    expect(fast.fastPath).toBe(true);
    expect(fast.columns !== undefined).toBe(columnar);
    expect(fast.fields).toEqual(slow.fields);
    expect(fast.results).toEqual(slow.results);
    expect(fast.results.length).toBeGreaterThan(0);
    return fast;
  };

  it("group-bys come back as columns equal to the general executor's rows, nulls left out of rows", () => {
    same("index=botsv2 | stats count by src_ip, dest_port", true);
    // sum() of a field a group never has is null: that row has no `sum(bytes_in)` key.
    const r = same("index=botsv2 | stats count sum(bytes_in) values(sourcetype) by host", true);
    expect(r.results.some((row) => !("sum(bytes_in)" in row))).toBe(true);
  });

  it("an aggregation named like a BY field, or pipes after it, give rows", () => {
    same("index=botsv2 | stats count as host by host, sourcetype", false);
    same("index=botsv2 | stats count by src_ip, dest_port | eval x=1", false);
  });

  it("tstats over columns is columnar too", () => {
    const r = runSpl(g.ds, "| tstats count where index=botsv2 by sourcetype");
    expect(r.columns).toBeDefined();
    expect(r.results.reduce((n, row) => n + (row.count as number), 0)).toBe(g.manifest.files.reduce((n, f) => n + f.events, 0));
  });
});

describe("columnar results in the worker", () => {
  const FILE = new URL("../../../../../shared/datasets/atomic-regsvr32/normalized-T1117-AtomicRed-regsvr32.json", import.meta.url);
  const c = new EngineCore();
  const job = c.beginIngest("normalized-T1117-AtomicRed-regsvr32.json");
  job.write(readFileSync(FILE));
  c.finishIngest(job);

  it("pages a timechart from its columns, as the rows the CLI prints", () => {
    const q = "* | timechart span=1s count by event.category";
    const info = c.query({ lang: "spl", text: q });
    expect(info.kind).toBe("table");
    const all = runSpl(c.dataset, q);
    expect(info.total).toBe(all.results.length);
    expect(info.total).toBeGreaterThan(9);
    expect(info.fields).toEqual(all.fields);
    const page = c.table(info.handle, 2, 7);
    expect(page.total).toBe(all.results.length);
    expect(page.rows).toEqual(all.results.slice(2, 9));
    const csv = c.exportText(undefined, info.handle, "csv");
    expect(csv.rows).toBe(all.results.length);
  });
});
