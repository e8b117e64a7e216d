import { beforeAll, describe, expect, it } from "vitest";
import { parseSpl, runSpl, strftimeForTest, type SplResult } from "./helpers.ts";
import { bump, generated, hasTerm, scan, text, type Generated } from "./generated.ts";
import { SEED_001 } from "./seed-001-queries.ts";

/**
 * Seed 001 (BOTSv2 "Hunting an APT"): every SPL search of the walkthrough, verbatim, runs on the
 * generated BOTSv2-style data and tells the same story. Expected values come from the generator's
 * manifest (ground truth) or from a direct scan of the store that does not use the SPL engine.
 */

const TZ = "America/Los_Angeles";
const SYSMON = "XmlWinEventLog:Microsoft-Windows-Sysmon/Operational";
let g: Generated;
const run = (q: string): SplResult => runSpl(g.ds, q, { tz: TZ });
const num = (v: unknown): number => Number(Array.isArray(v) ? v[0] : v);

beforeAll(() => {
  g = generated();
}, 120_000);

describe("seed 001: every search parses", () => {
  for (const [name, q] of Object.entries(SEED_001)) {
    it(name, () => {
      expect(() => parseSpl(q, { tz: TZ })).not.toThrow();
    });
  }
});

describe("seed 001: what kinds of events do we have", () => {
  it("metadata type=sourcetypes: counts and times per sourcetype, sorted by totalCount", () => {
    const r = run(SEED_001.metadata);
    const perSt: Record<string, number> = {};
    for (const f of g.manifest.files) bump(perSt, f.sourcetype, f.events);
    expect(r.results.map((x) => x.sourcetype).sort()).toEqual(Object.keys(perSt).sort());
    for (const row of r.results) expect(num(row.totalCount)).toBe(perSt[String(row.sourcetype)]);
    const counts = r.results.map((x) => num(x.totalCount));
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    // eventstats adds the number of sourcetypes and the overall first/last time to every row.
    expect(new Set(r.results.map((x) => x.Total_source))).toEqual(new Set([Object.keys(perSt).length]));
    const firsts = r.results.map((x) => String(x.firstTime)).sort();
    expect(r.results[0]!.first).toBe(firsts[0]);
    expect(String(r.results[0]!.firstTime)).toMatch(/^2017-08-\d\d \d\d:\d\d:\d\d$/);
    expect(r.fields).toEqual(["firstTime", "lastTime", "recentTime", "sourcetype", "totalCount", "type", "Total_source", "first", "last"]);
  });

  it("tstats | timechart | untable | xyseries | addtotals | sort - Total: one row per sourcetype, one column per day", () => {
    const r = run(SEED_001.tstatsReshape);
    const perSt: Record<string, number> = {};
    for (const f of g.manifest.files) bump(perSt, f.sourcetype, f.events);
    expect(r.fields[0]).toBe("log");
    expect(r.fields[r.fields.length - 1]).toBe("Total");
    const days = r.fields.slice(1, -1);
    for (const d of days) expect(d).toMatch(/^2017-0[89]-\d\d$/);
    // Days are in Pacific time: the data spans 2017-08-01 00:00 to 08-31 23:59 local.
    expect(days[0]).toBe("2017-08-01");
    expect(days).toContain("2017-08-31");
    expect(r.results.length).toBe(Object.keys(perSt).length);
    for (const row of r.results) {
      expect(num(row.Total)).toBe(perSt[String(row.log)]);
      const sum = days.reduce((a, d) => a + (row[d] === undefined ? 0 : num(row[d])), 0);
      expect(sum).toBe(num(row.Total));
    }
    const totals = r.results.map((x) => num(x.Total));
    expect(totals).toEqual([...totals].sort((a, b) => b - a));
  });
});

describe("seed 001: PowerShell Empire SSL searches", () => {
  it("stats earliest/values ... by src, dest finds the C = US certificate on the C2 flows", () => {
    const r = run(SEED_001.sslBySrcDest);
    expect(r.fields).toEqual(["_time", "src", "dest", "ssl_subject", "ssl_issuer", "ssl_serial", "ssl_hash", "count"]);
    const c2 = g.manifest.groundTruth.c2;
    const rows = r.results.filter((x) => x.dest === c2.ip);
    expect(rows.map((x) => x.src).sort()).toEqual(Object.keys(c2.streamTcpBySrc).sort());
    for (const row of rows) {
      expect(row.ssl_issuer).toBe(c2.sslIssuer);
      expect(row.ssl_subject).toBe(c2.sslIssuer);
      expect(row.ssl_serial).toBe(c2.sslSerial);
      expect(num(row.count)).toBe(c2.streamTcpBySrc[String(row.src)]);
      expect(num(row._time) * 1000).toBeGreaterThanOrEqual(Date.parse(c2.firstSeen) - 1000);
    }
  });

  it('ssl_issuer="C = US" | stats count earliest latest by src_ip, dest_ip | sort - count', () => {
    const r = run(SEED_001.sslIssuerCUS);
    const c2 = g.manifest.groundTruth.c2;
    const expected = Object.entries(c2.streamTcpBySrc).sort((a, b) => b[1] - a[1]);
    expect(r.results.map((x) => [x.src_ip, num(x.count)])).toEqual(expected);
    for (const row of r.results) {
      expect(row.dest_ip).toBe("45.77.65.211");
      expect(String(row.firstTime)).toMatch(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) Aug [ 23]\d \d\d:\d\d:\d\d 2017$/);
    }
    // In Pacific time the certificate traffic starts on Aug 23 (the walkthrough's 8/23).
    expect(r.results.some((x) => String(x.firstTime).startsWith("Wed Aug 23"))).toBe(true);
    expect(String(r.results[0]!.firstTime)).toBe(strftimeForTest(r, g, c2.ip, String(r.results[0]!.src_ip)));
  });
});

/** Independent per-event oracle for the service3 searches. */
function service3(filter: (st: string) => boolean, fn: (get: (f: string) => unknown, raw: string, t: number, st: string) => void): void {
  scan(g.ds, (get, raw, t, st) => {
    if (filter(st) && hasTerm(raw, "service3")) fn(get, raw, t, st);
  });
}
const sysOrPan = (st: string) => st === SYSMON || st === "pan:traffic";

describe("seed 001: investigating service3", () => {
  it("timechart count by action over allowed service3 traffic", () => {
    const r = run(SEED_001.trafficByAction);
    let n = 0;
    scan(g.ds, (get, raw) => {
      if (hasTerm(raw, "service3") && text(get("action")).toLowerCase() === "allowed") n++;
    });
    expect(n).toBeGreaterThan(0);
    expect(r.fields).toEqual(["_time", "allowed"]);
    expect(r.results.reduce((a, x) => a + num(x.allowed ?? 0), 0)).toBe(n);
  });

  it("timechart count(eval(searchmatch(...))) and count(eval(dest_port==443))", () => {
    const r = run(SEED_001.trafficByProtocol);
    const want = { tcp: 0, udp: 0, https: 0 };
    service3(sysOrPan, (get, raw) => {
      if (hasTerm(raw, "tcp")) want.tcp++;
      if (hasTerm(raw, "udp")) want.udp++;
      if (text(get("dest_port") as never) === "443") want.https++;
    });
    expect(r.fields).toEqual(["_time", "tcp", "udp", "https"]);
    const sum = (f: string) => r.results.reduce((a, x) => a + num(x[f] ?? 0), 0);
    expect({ tcp: sum("tcp"), udp: sum("udp"), https: sum("https") }).toEqual(want);
    expect(want.https).toBeGreaterThan(0);
  });

  it("eval APP=coalesce(app,Image) | stats count by APP", () => {
    const want: Record<string, number> = {};
    service3(sysOrPan, (get) => {
      const app = text(get("app") as never) || text(get("Image") as never);
      if (app) bump(want, app);
    });
    const r = run(SEED_001.trafficByApp);
    expect(Object.fromEntries(r.results.map((x) => [x.APP, num(x.count)]))).toEqual(want);
    expect(Object.keys(want).some((k) => /\\powershell\.exe$/i.test(k) && want[k]! > 0)).toBe(true);
  });

  it("stats count by dest_port", () => {
    const want: Record<string, number> = {};
    service3(sysOrPan, (get) => {
      const p = text(get("dest_port") as never);
      if (p) bump(want, p);
    });
    const r = run(SEED_001.trafficByDestPort);
    expect(Object.fromEntries(r.results.map((x) => [String(x.dest_port), num(x.count)]))).toEqual(want);
    expect(Object.entries(want).sort((a, b) => b[1] - a[1])[0]![0]).toBe("443");
  });

  it('eval APP_destPort = APP."_".dest_port | stats count by APP_destPort', () => {
    const want: Record<string, number> = {};
    service3(sysOrPan, (get) => {
      const app = text(get("app") as never) || text(get("Image") as never);
      const p = text(get("dest_port") as never);
      if (app && p) bump(want, `${app}_${p}`);
    });
    const r = run(SEED_001.trafficByAppPort);
    expect(Object.fromEntries(r.results.map((x) => [x.APP_destPort, num(x.count)]))).toEqual(want);
    expect(Object.keys(want).some((k) => /\\powershell\.exe_443$/i.test(k) && want[k]! > 0)).toBe(true);
  });

  it("timechart count by process_exec: the service3 processes, ftp/whoami/schtasks among them", () => {
    const want: Record<string, number> = {};
    service3((st) => st === SYSMON, (get) => {
      const p = text(get("process_exec") as never);
      if (p) bump(want, p);
    });
    const r = run(SEED_001.processesOverTime);
    const got: Record<string, number> = {};
    for (const row of r.results) for (const f of r.fields.slice(1)) bump(got, f, num(row[f] ?? 0));
    // limit=10 default: compare when there are at most 10 series.
    if (Object.keys(want).length <= 10) expect(got).toEqual(want);
    for (const exe of ["ftp.exe", "whoami.exe", "schtasks.exe"]) expect(got[exe]).toBeGreaterThan(0);
  });

  it("timechart count by Computer: venus and Kevin's workstation", () => {
    const r = run(SEED_001.processesBySystem);
    expect(r.fields).toContain("venus.frothly.local");
    expect(r.fields).toContain("wrk-klagerf.frothly.local");
  });

  it("table _time process_exec process_name user dest dest_port transport, newest first", () => {
    let n = 0;
    service3((st) => st === SYSMON, () => n++);
    const r = run(SEED_001.applicationState);
    expect(r.fields).toEqual(["_time", "process_exec", "process_name", "user", "dest", "dest_port", "transport"]);
    expect(r.results.length).toBe(n);
    const times = r.results.map((x) => num(x._time));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(r.results.every((x) => String(x.user).toLowerCase().includes("service3"))).toBe(true);
  });
});

describe("seed 001: where else can we see these values", () => {
  it("eventstats | chart usenull=f ... over host by process_exec | foreach | fields - total*", () => {
    const counts: Record<string, Record<string, number>> = {};
    const totals: Record<string, number> = {};
    scan(g.ds, (get, raw) => {
      if (!(hasTerm(raw, "whoami.exe") || hasTerm(raw, "ftp.exe") || hasTerm(raw, "schtasks.exe"))) return;
      const p = text(get("process_exec") as never);
      const h = text(get("host") as never);
      if (!p) return;
      bump(totals, p);
      if (!h) return;
      counts[h] ??= {};
      bump(counts[h]!, p);
    });
    const exes = Object.keys(totals).sort();
    const r = run(SEED_001.whereElse);
    expect(r.fields).toEqual(["host", ...exes.map((e) => `count: ${e}`), ...exes.map((e) => `perc_ ${e}`)]);
    expect(r.results.map((x) => x.host)).toEqual(Object.keys(counts).sort());
    for (const row of r.results) {
      for (const e of exes) {
        const c = counts[String(row.host)]![e] ?? 0;
        expect(num(row[`count: ${e}`])).toBe(c);
        if (c > 0) expect(num(row[`perc_ ${e}`])).toBe(Math.round((c / totals[e]!) * 100 * 100) / 100);
        else expect(row[`perc_ ${e}`]).toBeUndefined();
      }
    }
    // The three executables run together only on the compromised hosts of the story.
    const allThree = r.results.filter((x) => ["ftp.exe", "whoami.exe", "schtasks.exe"].every((e) => num(x[`count: ${e}`] ?? 0) > 0)).map((x) => x.host);
    for (const h of Object.keys(g.manifest.groundTruth.sequences)) expect(allThree).toContain(h);
  });
});

describe("seed 001: encoded PowerShell parent/child", () => {
  it("the verbatim search (rex field=app) gives the same pairs as rex field=Image: app is the image path", () => {
    const verbatim = run(SEED_001.parentChild);
    const viaImage = run(SEED_001.parentChild.replace("rex field=app", "rex field=Image"));
    expect(verbatim.fields).toEqual(["Parent", "Child", "count"]);
    expect(verbatim.results.length).toBeGreaterThan(0);
    expect(verbatim.results).toEqual(viaImage.results);
  });

  it("with Image for app, Parent/Child pairs are the manifest's PPID_powershell → PID_exe links", () => {
    const q = SEED_001.parentChild.replace("rex field=app", "rex field=Image");
    const r = run(q);
    const pairs = new Set(r.results.map((x) => `${x.Parent}>${x.Child}`));
    const planted = g.manifest.groundTruth.processes.filter(
      (p) => (p.host === "wrk-btun" || p.host === "mercury") && p.parentImage.toLowerCase().endsWith("powershell.exe") && /ftp|whoami|schtasks/.test(p.image),
    );
    expect(planted.length).toBeGreaterThan(0);
    for (const p of planted) {
      const launcher = g.manifest.groundTruth.encodedPowershell.find((e) => e.host === p.host);
      if (!launcher || !launcher.commandLine.startsWith("powershell")) continue;
      expect(pairs).toContain(`${p.parentProcessId}_powershell>${p.processId}_${p.image.split("\\").pop()}`);
    }
  });

  it("ftp → whoami → schtasks: the ParentCommandLine search, tabled and reversed, lists them in order on each host", () => {
    const gt = g.manifest.groundTruth;
    for (const [host, seq] of Object.entries(gt.sequences)) {
      const q = `index=botsv2 sourcetype=XmlWinEventLog:Microsoft-Windows-Sysmon/Operational host=${host} ParentCommandLine=*${gt.launcherMarker}* (ftp.exe OR whoami.exe OR schtasks.exe) | table _time host user CommandLine | reverse`;
      const r = run(q);
      expect(r.fields).toEqual(["_time", "host", "user", "CommandLine"]);
      const got = r.results.map((x) => String(x.CommandLine));
      const planted = seq.filter((p) => /ftp|whoami|schtasks/i.test(p.image));
      expect(got.slice(0, planted.length)).toEqual(planted.map((p) => p.commandLine));
      expect(r.results.slice(0, planted.length).map((x) => x.user)).toEqual(planted.map((p) => p.user));
      const firstOf = (exe: string) => got.findIndex((c) => c.toLowerCase().includes(exe));
      expect(firstOf("ftp.exe")).toBeGreaterThanOrEqual(0);
      expect(firstOf("ftp.exe")).toBeLessThan(firstOf("whoami.exe"));
      expect(firstOf("whoami.exe")).toBeLessThan(firstOf("schtasks.exe"));
    }
  });

  it('base64decode(..., "utf-16le") decodes the -enc launcher to the C2 URL and user agent', () => {
    const gt = g.manifest.groundTruth;
    const r = run(
      `sourcetype=XmlWinEventLog:Microsoft-Windows-Sysmon/Operational ParentCommandLine=*-enc* | eval enc=mvindex(split(ParentCommandLine, " "), -1) | eval decoded=base64decode(enc, "utf-16le") | where like(decoded, "%45.77.65.211%") | stats count by host`,
    );
    expect(r.results.length).toBeGreaterThan(0);
    const one = run(`sourcetype=XmlWinEventLog:Microsoft-Windows-Sysmon/Operational ParentCommandLine=*-enc* | head 1 | eval decoded=base64decode(mvindex(split(ParentCommandLine, " "), -1), "utf-16le") | table decoded`);
    const decoded = String(one.results[0]!.decoded);
    expect(decoded).toContain(`https://${gt.c2.ip}:${gt.c2.port}`);
    expect(decoded).toContain(gt.c2.userAgent);
  });
});

describe("seed 001: which systems share the same ParentCommandLine", () => {
  it('ParentCommandLine="*<launcher tail>" | stats count by host (any = escaped as \\=)', () => {
    const gt = g.manifest.groundTruth;
    const launcher = gt.encodedPowershell.find((e) => e.host === "venus") ?? gt.encodedPowershell[0]!;
    const tail = launcher.commandLine.slice(-40);
    const q = `index=botsv2 sourcetype=XmlWinEventLog:Microsoft-Windows-Sysmon/Operational ParentCommandLine="*${tail.replace(/=/g, "\\=")}" | stats count by host`;
    const want: Record<string, number> = {};
    scan(g.ds, (get, _raw, _t, st) => {
      if (st === SYSMON && text(get("ParentCommandLine")).endsWith(tail)) bump(want, text(get("host")));
    });
    expect(Object.keys(want).length).toBeGreaterThan(0);
    expect(Object.fromEntries(run(q).results.map((r) => [r.host, num(r.count)]))).toEqual(want);
  });
});
