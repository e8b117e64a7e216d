/**
 * The seed tutorial (Elastic's "Detect threats with EQL") on the Atomic Red Team regsvr32 data:
 * every query must give what the tutorial shows (PROVENANCE.md: 150 documents, 143 regsvr32.exe).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Dataset, ingestBytes } from "../../src/index.ts";
import { runEql, runEqlDetailed } from "../../src/api/eql.ts";
import { QueryError } from "../../src/lang/errors.ts";

const FILE = new URL("../../../../../shared/datasets/atomic-regsvr32/normalized-T1117-AtomicRed-regsvr32.json", import.meta.url);

function load(): Dataset {
  const ds = new Dataset();
  ingestBytes(ds, "normalized-T1117-AtomicRed-regsvr32.json", readFileSync(FILE));
  return ds;
}

describe("seed 000: EQL tutorial on atomic-regsvr32", () => {
  const ds = load();

  it("counts regsvr32 events: 143", () => {
    const r = runEql(ds, '\n any where process.name == "regsvr32.exe" \n ', { size: 200 });
    expect(r.hits.total).toEqual({ value: 143, relation: "eq" });
    expect(r.hits.events).toHaveLength(143);
    expect(r.is_partial).toBe(false);
    expect(r.timed_out).toBe(false);
  });

  it("finds the command line artefact (default size 10)", () => {
    const r = runEql(ds, 'process where process.name == "regsvr32.exe" and process.command_line.keyword != null');
    expect(r.hits.total.value).toBe(1);
    const ev = r.hits.events![0]!;
    expect("_source" in ev && ev._source).toMatchObject({
      process: { name: "regsvr32.exe", pid: 2012, ppid: 2652, command_line: expect.stringContaining("RegSvr32.sct scrobj.dll") },
      event: { category: "process", type: "creation" },
      "@timestamp": 131883573237130000,
    });
  });

  it("finds the scrobj.dll load", () => {
    const r = runEql(ds, 'library where process.name == "regsvr32.exe" and dll.name == "scrobj.dll"');
    expect(r.hits.total.value).toBe(1);
    const ev = r.hits.events![0]!;
    expect("_source" in ev && ev._source).toMatchObject({ dll: { name: "scrobj.dll", path: "C:\\Windows\\System32\\scrobj.dll" }, "@timestamp": 131883573237450016 });
  });

  it("matches the sequence by process.pid: join_keys [2012] and the three events", () => {
    const r = runEql(
      ds,
      '\n sequence by process.pid\n [process where process.name == "regsvr32.exe"]\n [library where dll.name == "scrobj.dll"]\n [network where true]\n ',
    );
    expect(r.hits.total.value).toBe(1);
    const seq = r.hits.sequences![0]!;
    expect(seq.join_keys).toEqual([2012]);
    const sources = seq.events.map((e) => ("_source" in e ? e._source : null));
    expect(sources[0]).toMatchObject({ event: { category: "process", type: "creation" }, "@timestamp": 131883573237130000, process: { name: "regsvr32.exe" } });
    expect(sources[1]).toMatchObject({ event: { category: "library" }, dll: { name: "scrobj.dll" }, "@timestamp": 131883573237450016 });
    expect(sources[2]).toMatchObject({
      event: { category: "network" },
      "@timestamp": 131883573238680000,
      source: { address: "192.168.162.134", port: "50505" },
      destination: { address: "151.101.48.133", port: "443" },
    });
    for (const e of seq.events) expect("_index" in e && e._index).toBe("normalized-T1117-AtomicRed-regsvr32");
  });

  it("caps the list at size 10 by default and reports the uncapped count separately", () => {
    const r = runEqlDetailed(ds, 'any where process.name == "regsvr32.exe"');
    expect(r.response.hits.events).toHaveLength(10);
    expect(r.response.hits.total.value).toBe(10);
    expect(r.matched).toBe(143);
  });

  it("returns the last events with tail, in time order", () => {
    const r = runEql(ds, "network where true | tail 1");
    const ev = r.hits.events![0]!;
    expect("_source" in ev && ev._source).toMatchObject({ "@timestamp": 131883573238680000 });
  });

  it("reports unknown fields, and refuses them when strict like Elasticsearch", () => {
    const q = 'process where process.nmae == "regsvr32.exe"';
    expect(runEqlDetailed(ds, q).unknownFields.map((f) => f.name)).toEqual(["process.nmae"]);
    expect(runEqlDetailed(ds, 'process where ?process.nmae == null').unknownFields).toEqual([]);
    let err: unknown;
    try {
      runEql(ds, q, { strictFields: true });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(QueryError);
    expect((err as QueryError).message).toBe("Unknown column [process.nmae]");
    expect((err as QueryError).span.start).toBe(q.indexOf("process.nmae"));
  });

  it("gives a positioned QueryError for a malformed query", () => {
    expect(() => runEql(ds, "process where process.name ==")).toThrow(QueryError);
  });
});
