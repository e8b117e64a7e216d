import { describe, expect, it } from "vitest";
import { fieldSankey, processSankey, selectionFromEvents, type SankeyResult } from "../../src/index.ts";
import { load, proc, PS, sysmon, SYS32 } from "./fixtures.ts";

/** venus: svchost → WmiPrvSE → powershell → whoami, ftp ×2 (same pid), schtasks; mercury: the same pids for WmiPrvSE → powershell. */
const CHAIN = [
  proc("venus", "2017-08-24T04:00:00.000Z", 2000, SYS32 + "wbem\\WmiPrvSE.exe", 600, SYS32 + "svchost.exe"),
  proc("venus", "2017-08-24T04:00:01.000Z", 3000, PS, 2000, SYS32 + "wbem\\wmiprvse.exe"),
  proc("venus", "2017-08-24T04:00:02.000Z", 3100, SYS32 + "whoami.exe", 3000, PS),
  proc("venus", "2017-08-24T04:00:03.000Z", 3200, SYS32 + "ftp.exe", 3000, PS),
  proc("venus", "2017-08-24T04:00:04.000Z", 3200, SYS32 + "ftp.exe", 3000, PS),
  proc("venus", "2017-08-24T04:00:05.000Z", 3300, SYS32 + "schtasks.exe", 3000, PS),
  proc("mercury", "2017-08-24T04:00:06.000Z", 3000, PS, 2000, SYS32 + "wbem\\wmiprvse.exe"),
  // Not process creations: a network connection and a termination carry ProcessId but must not count.
  sysmon(3, "venus", "2017-08-24T04:00:07.000Z", { ProcessId: 3000, Image: PS, DestinationIp: "45.77.65.211", DestinationPort: 443, SourceIp: "10.0.1.101" }),
  sysmon(5, "venus", "2017-08-24T04:00:08.000Z", { ProcessId: 3100, Image: SYS32 + "whoami.exe" }),
].join("\n");

/** Flows as "host label → label = count" strings, for readable comparisons. */
function flows(r: SankeyResult): string[] {
  return r.links.map((l) => {
    const s = r.nodes[l.source];
    const t = r.nodes[l.target];
    const at = s.host ?? t.host ?? "-";
    return `${at} ${s.label} → ${t.label} = ${l.count}`;
  });
}

describe("processSankey: ParentProcessId → ProcessId", () => {
  const ds = load(["sysmon.xml", CHAIN]);

  it("counts every process creation once, keyed per host, labelled with names", () => {
    const r = processSankey(ds, {});
    expect(r.events).toBe(7);
    expect(r.flows).toBe(6);
    expect(r.nodes).toHaveLength(8);
    expect(r.note).toBeNull();
    expect(flows(r).sort()).toEqual(
      [
        "venus powershell.exe (3000) → ftp.exe (3200) = 2",
        "mercury WmiPrvSE.exe (2000) → powershell.exe (3000) = 1",
        "venus WmiPrvSE.exe (2000) → powershell.exe (3000) = 1",
        "venus powershell.exe (3000) → schtasks.exe (3300) = 1",
        "venus powershell.exe (3000) → whoami.exe (3100) = 1",
        "venus svchost.exe (600) → WmiPrvSE.exe (2000) = 1",
      ].sort(),
    );
    // The parent written as wmiprvse.exe and the child written WmiPrvSE.exe are one node.
    const wmi = r.nodes.filter((n) => n.name === "wmiprvse.exe" && n.host === "venus");
    expect(wmi).toHaveLength(1);
    expect(wmi[0]).toMatchObject({ pid: 2000, in: 1, out: 1, field: "process.pid", value: "2000" });
  });

  it("restricts to a host, case-insensitively", () => {
    const r = processSankey(ds, { host: "VENUS" });
    expect(r.events).toBe(6);
    expect(r.nodes.every((n) => n.host === "venus")).toBe(true);
  });

  it("restricts to a time range (inclusive earliest, exclusive latest)", () => {
    const r = processSankey(ds, { timeRange: { earliest: Date.UTC(2017, 7, 24, 4, 0, 2), latest: Date.UTC(2017, 7, 24, 4, 0, 5) } });
    expect(r.events).toBe(3);
    expect(flows(r).sort()).toEqual(["venus powershell.exe (3000) → ftp.exe (3200) = 2", "venus powershell.exe (3000) → whoami.exe (3100) = 1"]);
  });

  it("restricts to a selection of rows", () => {
    const seg = ds.segments[0];
    // Rows are in time order: rows 2 and 5 are whoami and schtasks.
    const r = processSankey(ds, { selection: new Map([[seg.id, Uint32Array.of(2, 5)]]) });
    expect(flows(r).sort()).toEqual(["venus powershell.exe (3000) → schtasks.exe (3300) = 1", "venus powershell.exe (3000) → whoami.exe (3100) = 1"]);
  });

  it("takes a selection from an event list in any order (a query result)", () => {
    const seg = ds.segments[0];
    const sel = selectionFromEvents(ds, { seg: [seg.id, seg.id], row: [5, 2], length: 2 });
    expect(sel.get(seg.id)).toEqual(Uint32Array.of(2, 5));
    expect(flows(processSankey(ds, { selection: sel })).sort()).toEqual(["venus powershell.exe (3000) → schtasks.exe (3300) = 1", "venus powershell.exe (3000) → whoami.exe (3100) = 1"]);
  });

  it("keeps the top flows, draws left-out flows between drawn nodes, folds the rest into other", () => {
    const r = processSankey(ds, {}, { maxFlows: 2 });
    // Top 2: ftp (2), then of the count-1 ties the first seen: svchost → WmiPrvSE. WmiPrvSE → powershell
    // joins two drawn nodes, so it is drawn; whoami and schtasks fold into "other targets"; mercury's flow has no drawn end.
    expect(flows(r)).toEqual([
      "venus powershell.exe (3000) → ftp.exe (3200) = 2",
      "venus svchost.exe (600) → WmiPrvSE.exe (2000) = 1",
      "venus WmiPrvSE.exe (2000) → powershell.exe (3000) = 1",
      "venus powershell.exe (3000) → other targets = 2",
      "- other sources → other targets = 1",
    ]);
    expect(r).toMatchObject({ shownFlows: 3, omittedFlows: 3, omittedEvents: 3 });
    expect(r.note).toMatch(/showing 3 of 6 flows; 3 flows \(3 events\)/);
  });

  it("focus keeps only the chains through matching processes", () => {
    const r = processSankey(ds, {}, { focus: "WHOAMI" });
    // whoami's ancestors on venus: powershell ← WmiPrvSE ← svchost; its siblings ftp/schtasks and mercury are dropped.
    expect(flows(r).sort()).toEqual(
      ["venus WmiPrvSE.exe (2000) → powershell.exe (3000) = 1", "venus powershell.exe (3000) → whoami.exe (3100) = 1", "venus svchost.exe (600) → WmiPrvSE.exe (2000) = 1"].sort(),
    );
    expect(r.events).toBe(3);
    const ps = processSankey(ds, {}, { focus: "powershell" });
    // Through powershell: both hosts' WmiPrvSE → powershell, and every child of venus's powershell.
    expect(ps.flows).toBe(6);
    expect(processSankey(ds, {}, { focus: "nothing-like-this" }).flows).toBe(0);
  });

  it("never draws a cycle when pids are reused", () => {
    const cyc = load([
      "cycle.xml",
      [
        proc("h", "2017-08-24T04:00:00.000Z", 10, "C:\\a.exe", 20, "C:\\b.exe"),
        proc("h", "2017-08-24T04:00:01.000Z", 20, "C:\\b.exe", 10, "C:\\a.exe"),
        proc("h", "2017-08-24T04:00:02.000Z", 20, "C:\\b.exe", 10, "C:\\a.exe"),
      ].join("\n"),
    ]);
    const r = processSankey(cyc, {});
    expect(r.flows).toBe(2);
    expect(r.cycleLinks).toBe(1);
    expect(flows(r)).toEqual(["h a.exe (10) → b.exe (20) = 2"]);
    expect(r.note).toMatch(/cycle/);
  });
});

describe("fieldSankey: any two fields", () => {
  const ndjson = [
    { "@timestamp": "2017-08-24T04:00:00Z", src_ip: "10.0.2.107", dest_ip: "45.77.65.211", dest_port: 443, app: "powershell.exe" },
    { "@timestamp": "2017-08-24T04:00:01Z", src_ip: "10.0.2.107", dest_ip: "45.77.65.211", dest_port: 443, app: "powershell.exe" },
    { "@timestamp": "2017-08-24T04:00:02Z", src_ip: "10.0.2.109", dest_ip: "45.77.65.211", dest_port: 443, app: "powershell.exe" },
    { "@timestamp": "2017-08-24T04:00:03Z", src_ip: "10.0.2.109", dest_ip: "160.153.91.7", dest_port: 21, app: "ftp.exe" },
    { "@timestamp": "2017-08-24T04:00:04Z", src_ip: "10.0.2.109", dest_port: 53 },
    { "@timestamp": "2017-08-24T04:00:05Z", dest_ip: "10.0.2.107", src_ip: "45.77.65.211", dest_port: 8080, app: "powershell.exe" },
  ]
    .map((o) => JSON.stringify(o))
    .join("\n");
  const ds = load(["flows.json", ndjson]);

  it("counts src → dest pairs, skipping events without both fields, sources and targets as separate columns", () => {
    const r = fieldSankey(ds, {}, "src_ip", "dest_ip");
    expect(r.events).toBe(5);
    expect(flows(r)).toEqual([
      "- 10.0.2.107 → 45.77.65.211 = 2",
      "- 10.0.2.109 → 45.77.65.211 = 1",
      "- 10.0.2.109 → 160.153.91.7 = 1",
      "- 45.77.65.211 → 10.0.2.107 = 1",
    ]);
    // 45.77.65.211 appears once on each side, as two nodes, so the diagram stays acyclic.
    expect(r.nodes.filter((n) => n.value === "45.77.65.211").map((n) => n.side).sort()).toEqual(["source", "target"]);
    expect(r.cycleLinks).toBe(0);
  });

  it("works on numeric columns (process → dest_port)", () => {
    const r = fieldSankey(ds, {}, "app", "dest_port");
    expect(flows(r)).toEqual(["- powershell.exe → 443 = 3", "- powershell.exe → 8080 = 1", "- ftp.exe → 21 = 1"]);
    expect(r.nodes.find((n) => n.value === "443")).toMatchObject({ field: "dest_port", side: "target", in: 3 });
  });

  it("multi-value fields flow from every value (events counted once)", () => {
    const dns = load([
      "dns.json",
      [
        { "@timestamp": "2017-08-26T06:50:56Z", src_ip: "10.0.1.101", answer: ["208.109.255.42", "216.69.185.42"] },
        { "@timestamp": "2017-08-26T06:50:57Z", src_ip: "10.0.1.101", answer: ["208.109.255.42"] },
        { "@timestamp": "2017-08-26T06:50:58Z", src_ip: "10.0.1.100" },
      ]
        .map((o) => JSON.stringify(o))
        .join("\n"),
    ]);
    const r = fieldSankey(dns, {}, "src_ip", "answer");
    expect(r.events).toBe(2);
    expect(flows(r)).toEqual(["- 10.0.1.101 → 208.109.255.42 = 2", "- 10.0.1.101 → 216.69.185.42 = 1"]);
  });

  it("gives an empty diagram for an unknown field", () => {
    const r = fieldSankey(ds, {}, "nope", "dest_ip");
    expect(r).toMatchObject({ events: 0, flows: 0, links: [], nodes: [] });
  });
});

describe("processSankey: events that name a parent only by pid", () => {
  it("merges 'pid N' into the one named process N of the host, and not when the pid was reused", () => {
    const ds = load([
      "nameless.xml",
      [
        proc("venus", "2017-08-24T04:00:00.000Z", 1124, SYS32 + "svchost.exe", 600, SYS32 + "services.exe"),
        // ParentImage empty: only the pid says who the parent is.
        proc("venus", "2017-08-24T04:00:01.000Z", 2000, SYS32 + "wbem\\WmiPrvSE.exe", 1124, ""),
        proc("venus", "2017-08-24T04:00:02.000Z", 2100, SYS32 + "taskhostw.exe", 1124, SYS32 + "svchost.exe"),
        // mercury reused pid 7 for two images: the nameless child of 7 stays apart.
        proc("mercury", "2017-08-24T04:00:03.000Z", 7, "C:\\a.exe", 1, "C:\\init.exe"),
        proc("mercury", "2017-08-24T04:00:04.000Z", 7, "C:\\b.exe", 1, "C:\\init.exe"),
        proc("mercury", "2017-08-24T04:00:05.000Z", 8, "C:\\c.exe", 7, ""),
      ].join("\n"),
    ]);
    const r = processSankey(ds, {});
    expect(flows(r).sort()).toEqual(
      [
        "venus services.exe (600) → svchost.exe (1124) = 1",
        "venus svchost.exe (1124) → WmiPrvSE.exe (2000) = 1",
        "venus svchost.exe (1124) → taskhostw.exe (2100) = 1",
        "mercury init.exe (1) → a.exe (7) = 1",
        "mercury init.exe (1) → b.exe (7) = 1",
        "mercury pid 7 → c.exe (8) = 1",
      ].sort(),
    );
  });
});
