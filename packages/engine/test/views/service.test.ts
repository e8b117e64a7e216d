import { describe, expect, it } from "vitest";
import { EngineCore } from "../../src/index.ts";
import { engineHandlers, type CallContext } from "../../src/worker/handlers.ts";
import { proc, PS, SYS32 } from "./fixtures.ts";

const ctx: CallContext<never> = { progress: () => {}, cancelled: false, yield: async () => {} };
const enc = (s: string) => new TextEncoder().encode(s);
const psEncode = (script: string) => Buffer.from(script, "utf16le").toString("base64");

describe("views through the worker protocol handlers", () => {
  const core = new EngineCore();
  const job = core.beginIngest("sysmon.xml");
  job.write(
    enc(
      [
        proc("venus", "2017-08-24T04:00:00.000Z", 3000, PS, 2000, SYS32 + "wbem\\WmiPrvSE.exe", { CommandLine: `powershell -enc ${psEncode("whoami /all")}` }),
        proc("venus", "2017-08-24T04:10:00.000Z", 3100, SYS32 + "whoami.exe", 3000, PS),
        proc("mercury", "2017-08-24T04:11:00.000Z", 3100, SYS32 + "whoami.exe", 3000, PS),
      ].join("\n"),
    ),
  );
  core.finishIngest(job);
  const h = engineHandlers(core);

  it("sankey: a host's process chain, and the result of a query", async () => {
    const all = await h.sankey({ mode: "process", host: "venus" }, ctx);
    expect(all.links.map((l) => `${all.nodes[l.source].label} → ${all.nodes[l.target].label}`)).toEqual(["WmiPrvSE.exe (2000) → powershell.exe (3000)", "powershell.exe (3000) → whoami.exe (3100)"]);
    const q = await h.query({ lang: "spl", text: "host=mercury" }, ctx);
    const res = await h.sankey({ mode: "fields", source: "host", target: "Image", view: { kind: "result", handle: q.handle } }, ctx);
    expect(res.links.map((l) => `${res.nodes[l.source].value} → ${res.nodes[l.target].value} = ${l.count}`)).toEqual([`mercury → ${SYS32}whoami.exe = 1`]);
  });

  it("sankey over a filter expression (the plan's Expr), alone and intersected with a result", async () => {
    const where = { kind: "compare" as const, op: "==" as const, left: { kind: "field" as const, name: "host" }, right: { kind: "literal" as const, value: "mercury" }, caseInsensitive: false };
    const r = await h.sankey({ mode: "process", where }, ctx);
    expect(r.links.map((l) => `${r.nodes[l.source].host}:${r.nodes[l.source].label} → ${r.nodes[l.target].label}`)).toEqual(["mercury:powershell.exe (3000) → whoami.exe (3100)"]);
    const q = await h.query({ lang: "spl", text: "host=venus" }, ctx);
    const none = await h.sankey({ mode: "process", where, view: { kind: "result", handle: q.handle } }, ctx);
    expect(none.events).toBe(0);
  });

  it("process tree with the decoded command line, and show-in-tree by seq", async () => {
    const t = (await h.processTree({ host: "venus" }, ctx))!;
    expect(t.nodes.map((n) => n.name)).toEqual(["WmiPrvSE.exe", "powershell.exe", "whoami.exe"]);
    expect(t.nodes[1].decodedCommandLine).toBe("powershell -enc whoami /all");
    const one = (await h.processTree({ seq: 2 }, ctx))!;
    expect(one.nodes.map((n) => `${n.host}:${n.name}`)).toEqual(["mercury:powershell.exe", "mercury:whoami.exe"]);
  });

  it("lookups enrich pivots and enrich calls; decode decodes", async () => {
    const tables = await h.lookups({ add: { name: "assets.csv", csv: "nt_host,ip,owner\nvenus,10.0.1.101,Alice\n" } }, ctx);
    expect(tables).toEqual([{ name: "assets.csv", role: "asset", fields: ["nt_host", "ip", "owner"], rows: 1, problems: [] }]);
    const p = await h.pivot({ entity: { kind: "host", value: "venus" } }, ctx);
    expect(p.events).toBe(2);
    expect(p.enrichment?.fields.owner).toBe("Alice");
    const e = await h.enrich({ hosts: ["venus", "mars"], ips: ["10.0.1.101"] }, ctx);
    expect(Object.keys(e.hosts)).toEqual(["venus"]);
    expect(e.ips["10.0.1.101"].fields.nt_host).toBe("venus");
    const d = await h.decode({ text: `powershell -enc ${psEncode("Get-Process")}` }, ctx);
    expect(d[0].text).toBe("Get-Process");
    // SPL sees the same table.
    const q = await h.query({ lang: "spl", text: "| inputlookup assets.csv" }, ctx);
    expect(q).toMatchObject({ kind: "table", total: 1 });
    expect((await h.table({ handle: q.handle, offset: 0, limit: 10 }, ctx)).rows).toEqual([{ nt_host: "venus", ip: "10.0.1.101", owner: "Alice" }]);
    expect(await h.lookups({ remove: "assets.csv" }, ctx)).toEqual([]);
    await expect(async () => h.query({ lang: "spl", text: "| inputlookup assets.csv" }, ctx)).rejects.toThrow(/assets/);
  });

  it("a cancelled call stops with CancelledError", () => {
    expect(() => h.sankey({ mode: "process" }, { ...ctx, cancelled: true })).toThrow(/cancel/);
  });
});
