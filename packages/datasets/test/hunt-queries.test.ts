import { processSankey, runEql, runSpl } from "@quarry/engine";
import { describe, expect, it } from "vitest";
import { C2_IP } from "../src/index.ts";
import { loadGenerated } from "./load.ts";

/** The walkthrough's own searches (seed 001), run by the engine's SPL and EQL executors on a generated set. */
const { manifest, ds } = loadGenerated(20000, "botsv2");
const truth = manifest.groundTruth;
const SYSMON_ST = 'sourcetype="XmlWinEventLog:Microsoft-Windows-Sysmon/Operational"';
const spl = (q: string) => runSpl(ds, q, { tz: "America/Los_Angeles" }).results;

describe("the hunt's searches find the planted story", () => {
  it('ssl_issuer="C = US" sourcetype=stream:tcp | stats count by src_ip, dest_ip | sort - count', () => {
    const rows = spl('ssl_issuer="C = US" sourcetype=stream:tcp | stats count by src_ip, dest_ip | sort - count');
    expect(rows.map((r) => r.dest_ip)).toEqual(rows.map(() => C2_IP));
    expect(Object.fromEntries(rows.map((r) => [r.src_ip, r.count]))).toEqual(truth.c2.streamTcpBySrc);
    expect(rows[0]!.src_ip).toBe("10.0.2.107");
  });

  it("the walkthrough's first SSL search: values(ssl_*) by src, dest shows the Empire certificate from four hosts", () => {
    const rows = spl(
      'ssl_issuer_country=* sourcetype=stream:tcp | stats earliest(_time) as _time values(ssl_subject) as ssl_subject values(ssl_issuer) as ssl_issuer values(ssl_serial) as ssl_serial values(ssl_hash) as ssl_hash count by src, dest | where ssl_issuer="C = US" | table _time src dest ssl* count',
    );
    expect(rows.map((r) => r.src).sort()).toEqual(truth.compromisedHosts.map((h) => h.ip).sort());
    for (const r of rows) {
      expect({ dest: r.dest, subject: r.ssl_subject, serial: r.ssl_serial, hash: r.ssl_hash }).toEqual({
        dest: C2_IP, subject: "C = US", serial: truth.c2.sslSerial, hash: "671DFE1D4F15C5A05F21DDB66D3B7815",
      });
    }
    // First seen on the evening of Aug 23, Pacific (the hunt: "the activity started on 8/23").
    const first = Math.min(...rows.map((r) => Number(r._time)));
    expect(new Date(first * 1000).toISOString() >= "2017-08-24T03:30:00Z").toBe(true);
    expect(new Date(first * 1000).toISOString() < "2017-08-24T07:00:00Z").toBe(true);
  });

  it("Sysmon NetworkConnect by powershell.exe: the top dest_ip is the C2", () => {
    const rows = spl(`${SYSMON_ST} EventCode=3 process_name=powershell.exe | stats count by dest_ip | sort - count`);
    expect(rows[0]!.dest_ip).toBe(C2_IP);
  });

  it("(whoami.exe OR ftp.exe OR schtasks.exe): ftp and whoami only on the compromised hosts", () => {
    const rows = spl(`${SYSMON_ST} EventCode=1 (whoami.exe OR ftp.exe OR schtasks.exe) | stats count by host, process_exec`);
    const hostsOf = (exe: string) => new Set(rows.filter((r) => r.process_exec === exe).map((r) => r.host));
    expect(hostsOf("ftp.exe")).toEqual(new Set(["wrk-btun", "wrk-klagerf", "venus"]));
    expect(hostsOf("whoami.exe")).toEqual(new Set(["wrk-btun", "wrk-klagerf", "venus"]));
    for (const h of ["wrk-btun", "wrk-klagerf", "venus"]) expect(hostsOf("schtasks.exe").has(h)).toBe(true);
  });

  it("the ParentProcessId → ProcessId Sankey search on venus holds the Empire chain", () => {
    const rows = spl(
      `${SYSMON_ST} (CommandLine=*powershell*-enc* OR ParentCommandLine=*powershell*-enc*) host=venus | rex field=ParentImage "(?<cmd>[^\\\\\\\\]+$)" | rex field=Image "(?<APP>[^\\\\\\\\]+$)" | eval Parent=ParentProcessId."_".cmd, Child=ProcessId."_".APP | stats count by Parent Child`,
    );
    const links = rows.map((r) => `${String(r.Parent).replace(/^\d+_/, "")}→${String(r.Child).replace(/^\d+_/, "")}`.toLowerCase());
    expect(links).toContain("wmiprvse.exe→powershell.exe");
    for (const child of ["ftp.exe", "whoami.exe", "schtasks.exe"]) expect(links).toContain(`powershell.exe→${child}`);
    // The powershell that WmiPrvSE started is the parent of the children (same pid on both sides).
    const ps = rows.find((r) => String(r.Child).toLowerCase().endsWith("_powershell.exe"))!;
    const psPid = String(ps.Child).split("_")[0];
    expect(rows.filter((r) => String(r.Parent) === `${psPid}_powershell.exe`).length).toBeGreaterThanOrEqual(3);
  });

  it("the app's PPID→PID Sankey view on venus (Aug 23–26) draws WmiPrvSE → powershell → ftp, whoami, schtasks", () => {
    const sankey = processSankey(ds, { host: "venus", timeRange: { earliest: Date.UTC(2017, 7, 23, 7), latest: Date.UTC(2017, 7, 27, 7) } }, { maxFlows: 400 });
    const byId = new Map(sankey.nodes.map((n) => [n.id, n]));
    const name = (id: number) => byId.get(id)!.label.replace(/\s*\(\d+\)$/, "").toLowerCase();
    const links = sankey.links.filter((l) => !l.other).map((l) => ({ from: byId.get(l.source)!, to: byId.get(l.target)!, names: `${name(l.source)}→${name(l.target)}` }));
    const wmiPs = links.filter((l) => l.names === "wmiprvse.exe→powershell.exe");
    expect(wmiPs.length).toBeGreaterThan(0);
    // The children hang off the very powershell node that WmiPrvSE started.
    const children = new Set(links.filter((l) => wmiPs.some((w) => w.to.id === l.from.id)).map((l) => name(l.to.id)));
    for (const c of ["ftp.exe", "whoami.exe", "schtasks.exe"]) expect(children.has(c), c).toBe(true);
  });

  it('sourcetype="pan:traffic" dest=45.77.65.211 | eval uniq=src_ip." ".user | stats sum(bytes) by uniq', () => {
    const rows = spl(`sourcetype="pan:traffic" dest_ip=${C2_IP} | eval uniq=src_ip." ".src_user | stats sum(bytes) as bytes by uniq`);
    const keys = rows.map((r) => r.uniq);
    expect(keys).toContain("10.0.2.107 frothly\\service3");
    expect(keys).toContain("10.0.2.107 frothly\\billy.tun");
    expect(keys).toContain("10.0.1.101 frothly\\service3");
  });

  it("EQL: sequence by host [ftp] [whoami] [schtasks] finds exactly the three hosts that ran the TTP", () => {
    const r = runEql(
      ds,
      'sequence by host with maxspan=15m [process where process.name == "ftp.exe"] [process where process.name == "whoami.exe"] [process where process.name == "schtasks.exe"]',
      { size: 100 },
    );
    const hosts = new Set((r.hits.sequences ?? []).map((s) => String(s.join_keys[0])));
    expect(hosts).toEqual(new Set(Object.keys(truth.sequences).filter((h) => h !== "mercury")));
    expect(hosts).toEqual(new Set(["wrk-btun", "wrk-klagerf", "venus"]));
  });
});
