/**
 * The analyst views on ClickHouse: Sankey (process chains and two fields), pivots and process
 * trees of generated BOTSv2-style data and of the regsvr32 data (ECS), on one node and on a
 * two-shard Distributed cluster, must deep-equal the engine's own views on the same files loaded
 * locally. Each case also says where the work ran: counted in SQL, or the view code on fetched
 * events (the process tree always; a Sankey whose filter has no exact SQL form).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EngineCore, parseSpl, viewsOf, type Expr, type PivotRequest, type ProcessTreeRequest, type SankeyRequest, type ViewsService } from "@quarry/engine";
import { generateToDirectory } from "@quarry/datasets/node";
import { loadToClickHouse, pivotRemote, processTreeRemote, sankeyRemote, ViewRequestError, type Target, type ViewRunOptions } from "../src/index.ts";
import { haveClickHouse, startNodeAndCluster, type NodeAndCluster } from "./server.ts";
import { SHARED, pathOf } from "./support.ts";

const REGSVR = pathOf(new URL("datasets/atomic-regsvr32/normalized-T1117-AtomicRed-regsvr32.json", SHARED));
const NOW = Date.parse("2017-09-01T00:00:00Z");
/**
 * Hand-made events for the readings SQL must not get wrong: pids as hex text, padded and
 * NBSP-padded event codes, hosts differing in case (and a Kelvin sign, which JavaScript
 * lower-cases to "k"), one field a number in some files and text in others, multi-value answers,
 * Security 4688's inverted pid layout, ECS start/end/network events, an untimed event; `edge-c`
 * adds a multi-value process name (the Sankey then runs locally on fetched events).
 */
const EDGE = ["edge-a.ndjson", "edge-b.ndjson", "edge-c.ndjson"].map((f) => pathOf(new URL(`fixtures/${f}`, import.meta.url)));

/** A plan filter, built the way the app builds one: from an SPL search's plan. */
function splWhere(search: string): Expr {
  const { plan } = parseSpl(search, { nowMs: NOW, tz: "UTC" });
  if (plan.source.kind !== "events") throw new Error("not a search");
  return plan.source.where;
}

const day = (iso: string) => Date.parse(iso);

const SANKEY: Array<[string, SankeyRequest, "sql" | "events"]> = [
  ["every process chain", { mode: "process" }, "sql"],
  ["venus, top 10", { mode: "process", host: "VENUS", maxFlows: 10 }, "sql"],
  ["chains through powershell", { mode: "process", focus: "powershell" }, "sql"],
  ["wrk-btun in a time range, 500 flows", { mode: "process", host: "wrk-btun", maxFlows: 500, earliest: day("2017-08-23T00:00:00Z"), latest: day("2017-08-25T00:00:00Z") }, "sql"],
  ["an `all` view narrowing the range", { mode: "process", view: { kind: "all", earliest: day("2017-08-20T00:00:00Z"), latest: day("2017-08-24T12:00:00Z") }, latest: day("2017-08-30T00:00:00Z") }, "sql"],
  ["the search filter of the seed's venus Sankey", { mode: "process", host: "venus", where: splWhere('host=venus EventCode=1 (CommandLine="*-enc*" OR ParentCommandLine="*-enc*")') }, "sql"],
  ["a filter with no exact SQL form (a search term)", { mode: "process", where: splWhere("powershell") }, "events"],
  ["src_ip → dest_ip", { mode: "fields", source: "src_ip", target: "dest_ip" }, "sql"],
  ["src_ip → dest_port (numbers and text)", { mode: "fields", source: "src_ip", target: "dest_port", maxFlows: 25 }, "sql"],
  ["host → process.name", { mode: "fields", source: "host", target: "process.name", where: splWhere("EventCode=1") }, "sql"],
  ["a field nobody has", { mode: "fields", source: "no_such_field", target: "dest_ip" }, "sql"],
];

const PIVOT: Array<[string, PivotRequest]> = [
  ["the C2 address", { entity: { kind: "ip", value: "45.77.65.211" }, top: 12, recent: 15 }],
  ["a host", { entity: { kind: "host", value: "Venus" } }],
  ["the account", { entity: { kind: "user", value: "FROTHLY\\service3" }, top: 5, recent: 3 }],
  ["a process by name", { entity: { kind: "process", value: "powershell.exe" }, top: 20 }],
  ["a process in a time range", { entity: { kind: "process", value: "cmd.exe" }, earliest: day("2017-08-23T00:00:00Z"), latest: day("2017-08-26T00:00:00Z") }],
  ["an unknown entity", { entity: { kind: "host", value: "pluto" } }],
];

const TREE: Array<[string, ProcessTreeRequest]> = [
  ["wrk-btun", { host: "wrk-btun" }],
  ["venus in a time range", { host: "venus", earliest: day("2017-08-23T00:00:00Z"), latest: day("2017-08-25T00:00:00Z") }],
  ["every host, cut at 300 processes", { maxProcesses: 300 }],
];

describe.skipIf(!haveClickHouse)("analyst views on ClickHouse", () => {
  let servers: NodeAndCluster;
  let dir: string;
  let files: string[];
  let bots: ViewsService;
  let regsvr: ViewsService;
  let edge: ViewsService;
  let edgeMulti: ViewsService;
  const targets: Record<string, (dataset: string) => Target> = {};

  beforeAll(async () => {
    servers = await startNodeAndCluster();
    for (const name of ["one node", "two shards"]) targets[name] = (dataset) => servers.targets(dataset).find(([n]) => n === name)![1];
    dir = mkdtempSync(join(tmpdir(), "quarry-ch-views-"));
    generateToDirectory(dir, { events: 20000, seed: "views" });
    files = readdirSync(dir).filter((f) => !f.startsWith("manifest")).sort();
    const local = (paths: string[]) => {
      const core = new EngineCore();
      for (const p of paths) {
        const job = core.beginIngest(p.slice(p.lastIndexOf("/") + 1));
        job.write(readFileSync(p));
        core.finishIngest(job);
      }
      return viewsOf(core);
    };
    bots = local(files.map((f) => join(dir, f)));
    regsvr = local([REGSVR]);
    edge = local(EDGE.slice(0, 2));
    edgeMulti = local(EDGE);
    for (const t of Object.values(targets)) {
      expect((await loadToClickHouse(t("edge"), EDGE.slice(0, 2))).map((r) => r.error ?? r.status)).toEqual(["loaded", "loaded"]);
      expect((await loadToClickHouse(t("edgemulti"), EDGE)).map((r) => r.error ?? r.status)).toEqual(["loaded", "loaded", "loaded"]);
      const loaded = await loadToClickHouse(t("bots"), files.map((f) => join(dir, f)));
      expect(loaded.map((r) => r.error ?? r.status)).toEqual(files.map(() => "loaded"));
      expect((await loadToClickHouse(t("regsvr"), [REGSVR])).map((r) => r.status)).toEqual(["loaded"]);
    }
  }, 300_000);

  afterAll(async () => {
    await servers?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  /** Options recording where each statement's work ran. */
  const recorder = () => {
    const modes = new Set<string>();
    const opts: ViewRunOptions = { onSql: (_sql, mode) => modes.add(mode) };
    return { modes, opts };
  };

  for (const where of ["one node", "two shards"]) {
    describe(where, () => {
      it("Sankey: process chains and two-field flows equal the local view (counted in SQL unless the filter has no SQL form)", async () => {
        for (const [name, req, mode] of SANKEY) {
          const { modes, opts } = recorder();
          const got = await sankeyRemote(targets[where]!("bots"), req, opts);
          const want = bots.sankey(req);
          expect({ name, got }).toEqual({ name, got: want });
          expect({ name, modes: [...modes] }).toEqual({ name, modes: [mode] });
        }
        // The seed's diagram is not empty: WmiPrvSE → powershell on venus.
        const venus = await sankeyRemote(targets[where]!("bots"), SANKEY[5]![1]);
        expect(venus.links.some((l) => /^wmiprvse\.exe/i.test(venus.nodes[l.source]!.label) && /^powershell\.exe/i.test(venus.nodes[l.target]!.label))).toBe(true);
      }, 120_000);

      it("Sankey on ECS data (the regsvr32 events): ECS process events and field flows", async () => {
        for (const req of [{ mode: "process" }, { mode: "fields", source: "process.name", target: "destination.port" }, { mode: "fields", source: "event.category", target: "event.type" }] as SankeyRequest[]) {
          const got = await sankeyRemote(targets[where]!("regsvr"), req);
          expect(got).toEqual(regsvr.sankey(req));
          expect(got.events).toBeGreaterThan(0);
        }
      }, 60_000);

      it("pivots: the C2 address, a host, the account, processes: every count, order and recent event as locally", async () => {
        for (const [name, req] of PIVOT) {
          const { modes, opts } = recorder();
          const got = await pivotRemote(targets[where]!("bots"), req, opts);
          expect({ name, got }).toEqual({ name, got: bots.pivot(req) });
          expect({ name, modes: [...modes] }).toEqual({ name, modes: ["sql"] });
        }
        const c2 = await pivotRemote(targets[where]!("bots"), PIVOT[0]![1]);
        expect(c2.events).toBeGreaterThan(0);
        expect(c2.related.find((g) => g.title === "Destination ports")!.items.map((i) => i.value)).toContain("443");
        const pid = bots.processTree({ host: "venus" })!.nodes.find((n) => !n.inferred && n.pid !== null)!;
        const byPid: PivotRequest = { entity: { kind: "process", value: String(pid.pid), host: "venus" } };
        expect(await pivotRemote(targets[where]!("bots"), byPid)).toEqual(bots.pivot(byPid));
        const regsvrPivot: PivotRequest = { entity: { kind: "process", value: "regsvr32.exe" } };
        expect(await pivotRemote(targets[where]!("regsvr"), regsvrPivot)).toEqual(regsvr.pivot(regsvrPivot));
      }, 120_000);

      it("process trees: a host, a time range, a cut, and 'show in tree' for one event equal the local tree", async () => {
        for (const [name, req] of TREE) {
          const { modes, opts } = recorder();
          const got = await processTreeRemote(targets[where]!("bots"), req, opts);
          expect({ name, got }).toEqual({ name, got: bots.processTree(req) });
          expect({ name, fetched: modes.has("events") }).toEqual({ name, fetched: true });
        }
        const tree = bots.processTree({ host: "wrk-btun" })!;
        expect(tree.nodes.length).toBeGreaterThan(10);
        const leaf = tree.nodes.find((n) => !n.inferred && n.children.length === 0 && n.seq !== null)!;
        const conn = bots.processTree({})!.nodes.flatMap((n) => n.network)[0]!;
        for (const seq of [leaf.seq!, conn.seq, 99_999_999]) {
          expect(await processTreeRemote(targets[where]!("bots"), { seq })).toEqual(bots.processTree({ seq }));
        }
        expect(await processTreeRemote(targets[where]!("regsvr"), {})).toEqual(regsvr.processTree({}));
      }, 120_000);
    });
  }

  for (const where of ["one node", "two shards"]) {
    it(`edge cases (${where}): every view equals the local one`, async () => {
      const sankeys: SankeyRequest[] = [
        { mode: "process" },
        { mode: "process", host: "EDGE1", focus: "cmd" },
        { mode: "process", maxFlows: 2 },
        { mode: "fields", source: "host", target: "answers" },
        { mode: "fields", source: "src_ip", target: "dest_port" },
        { mode: "fields", source: "EventCode", target: "ProcessId" },
        { mode: "fields", source: "event.category", target: "event.type" },
      ];
      const pivots: PivotRequest[] = [
        { entity: { kind: "ip", value: "45.77.65.211" } },
        { entity: { kind: "ip", value: "10.0.0.1" } },
        { entity: { kind: "host", value: "kelvin" } },
        { entity: { kind: "host", value: "EDGE1" } },
        { entity: { kind: "user", value: "alice" } },
        { entity: { kind: "process", value: "cmd.exe" } },
        { entity: { kind: "process", value: "16", host: "edge1" } },
        { entity: { kind: "process", value: "17" } },
        { entity: { kind: "process", value: "32" } },
      ];
      const trees: ProcessTreeRequest[] = [{}, { host: "edge1" }, { host: "KELVIN" }, { host: "edge2", maxProcesses: 1 }];
      for (const [dataset, views] of [["edge", edge], ["edgemulti", edgeMulti]] as const) {
        const t = targets[where]!(dataset);
        for (const req of sankeys) expect({ dataset, req, got: await sankeyRemote(t, req) }).toEqual({ dataset, req, got: views.sankey(req) });
        for (const req of pivots) expect({ dataset, req, got: await pivotRemote(t, req) }).toEqual({ dataset, req, got: views.pivot(req) });
        for (const req of trees) expect({ dataset, req, got: await processTreeRemote(t, req) }).toEqual({ dataset, req, got: views.processTree(req) });
        const all = views.processTree({})!;
        for (const n of all.nodes) if (n.seq !== null) expect(await processTreeRemote(t, { seq: n.seq })).toEqual(views.processTree({ seq: n.seq }));
      }
      // The multi-value process name sends the process Sankey to the local view code; the plain data counts in SQL.
      const plain = recorder();
      await sankeyRemote(targets[where]!("edge"), { mode: "process" }, plain.opts);
      expect([...plain.modes]).toEqual(["sql"]);
      const multi = recorder();
      await sankeyRemote(targets[where]!("edgemulti"), { mode: "process" }, multi.opts);
      expect([...multi.modes]).toEqual(["events"]);
    }, 120_000);
  }

  it("a worker result handle is refused with a message; an unknown dataset is a clear error", async () => {
    await expect(sankeyRemote(targets["one node"]!("bots"), { mode: "process", view: { kind: "result", handle: 1 } })).rejects.toThrow(ViewRequestError);
    await expect(pivotRemote(targets["one node"]!("nope"), { entity: { kind: "ip", value: "1.2.3.4" } })).rejects.toThrow(/dataset "nope" does not exist/);
  });
});
