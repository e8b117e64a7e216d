import { describe, expect, it } from "vitest";
import { C2_IP, EMPIRE_UA, EMPIRE_URIS, EXFIL_DOMAIN, FTP_IP, LAUNCHER_MARKER, W3AF_UA, shannon } from "../src/index.ts";
import { SECURITY, SYSMON, eachRow, exe, isPrivate, loadGenerated, str } from "./load.ts";

/**
 * The manifest's answers, checked by reading the loaded store the way the hunt's searches do:
 * scans over the columns the engine built from the raw files, never the generator's variables.
 */
const { manifest, ds } = loadGenerated(20000, "botsv2");
const truth = manifest.groundTruth;

interface ProcEvent {
  time: number;
  host: string;
  guid: string;
  pid: string;
  image: string;
  cmd: string;
  user: string;
  parentGuid: string;
  ppid: string;
  parentImage: string;
  parentCmd: string;
}

const creates: ProcEvent[] = [];
const exits = new Map<string, number>();
eachRow(ds, SYSMON, (get, time) => {
  const code = str(get("EventCode"));
  if (code === "1") {
    creates.push({
      time, host: str(get("host")), guid: str(get("ProcessGuid")), pid: str(get("ProcessId")), image: str(get("Image")), cmd: str(get("CommandLine")),
      user: str(get("User")), parentGuid: str(get("ParentProcessGuid")), ppid: str(get("ParentProcessId")), parentImage: str(get("ParentImage")), parentCmd: str(get("ParentCommandLine")),
    });
  } else if (code === "5") exits.set(str(get("host")) + str(get("ProcessGuid")), time);
});
creates.sort((a, b) => a.time - b.time);

/** Decodes the base64 UTF-16LE argument of `-enc` in a command line. */
function decodeEnc(cmd: string): string {
  const m = /-enc\s+([A-Za-z0-9+/=]+)/.exec(cmd);
  if (!m) return "";
  const bytes = Buffer.from(m[1]!, "base64");
  return bytes.toString("utf16le");
}

describe("the planted intrusion, found through the engine", () => {
  it("the C2 is the top external destination of powershell.exe (Sysmon NetworkConnect)", () => {
    const byDest = new Map<string, number>();
    const byHost = new Map<string, number>();
    eachRow(ds, SYSMON, (get) => {
      if (str(get("EventCode")) !== "3" || exe(str(get("Image"))) !== "powershell.exe") return;
      const dest = str(get("DestinationIp"));
      if (isPrivate(dest)) return;
      byDest.set(dest, (byDest.get(dest) ?? 0) + 1);
      if (dest === C2_IP) byHost.set(str(get("host")), (byHost.get(str(get("host"))) ?? 0) + 1);
    });
    const ranked = [...byDest].sort((a, b) => b[1] - a[1]);
    expect(ranked[0]![0]).toBe(truth.c2.ip);
    expect(ranked[0]![0]).toBe(C2_IP);
    expect(Object.fromEntries(byHost)).toEqual(truth.c2.sysmonPowershellByHost);
    // venus is the host that shows the C2 in Sysmon (the hunt's "PowerShell everywhere" step).
    expect(byHost.get("venus")).toBeGreaterThan(0);
  });

  it('stream:tcp ssl_issuer="C = US" | stats count by src_ip gives the four compromised hosts, all to the C2', () => {
    const bySrc: Record<string, number> = {};
    eachRow(ds, "stream:tcp", (get) => {
      if (get("ssl_issuer") !== "C = US") return;
      expect(get("dest_ip")).toBe(C2_IP);
      expect(str(get("ssl_subject"))).toBe("C = US");
      const src = str(get("src_ip"));
      bySrc[src] = (bySrc[src] ?? 0) + 1;
    });
    expect(bySrc).toEqual(truth.c2.streamTcpBySrc);
    expect(Object.keys(bySrc).sort()).toEqual(truth.compromisedHosts.map((h) => h.ip).sort());
    // Billy's workstation is the top talker, then Kevin's, as in the walkthrough.
    const ranked = Object.entries(bySrc).sort((a, b) => b[1] - a[1]).map(([ip]) => ip);
    expect(ranked.slice(0, 2)).toEqual(["10.0.2.107", "10.0.2.109"]);
  });

  it('suricata shows the same certificate as tls.issuerdn "C=US"', () => {
    let n = 0;
    eachRow(ds, "suricata", (get) => {
      if (get("tls.issuerdn") !== "C=US") return;
      expect(get("dest_ip")).toBe(C2_IP);
      n++;
    });
    expect(n).toBeGreaterThan(0);
  });

  it("pan:traffic shows the C2 sessions, with service3 from wrk-btun and venus", () => {
    const users = new Map<string, Set<string>>();
    eachRow(ds, "pan:traffic", (get) => {
      if (get("dest_ip") !== C2_IP) return;
      const src = str(get("src_ip"));
      if (!users.has(src)) users.set(src, new Set());
      users.get(src)!.add(str(get("src_user")));
    });
    const service3 = [...users].filter(([, u]) => u.has("frothly\\service3")).map(([ip]) => ip).sort();
    expect(service3).toEqual([...truth.c2.panService3Src].sort());
    expect(service3).toContain("10.0.2.107");
  });

  it("the decoded launcher names the C2 URL, the Empire user agent and URIs; the Empire user agent and URIs appear on the wire", () => {
    const launchers = creates.filter((p) => /powershell\s+-noP\s+-sta\s+-w\s+1\s+-enc/i.test(p.cmd));
    expect(launchers.map((p) => `${p.host} ${new Date(p.time).toISOString()}`).sort()).toEqual(truth.encodedPowershell.map((e) => `${e.host} ${e.time}`).sort());
    expect(new Set(launchers.map((p) => p.host))).toEqual(new Set(["wrk-btun", "wrk-klagerf", "venus", "mercury"]));
    for (const p of launchers) {
      const text = decodeEnc(p.cmd);
      expect(text).toContain(`https://${C2_IP}:443`);
      expect(text).toContain(EMPIRE_UA);
      expect(p.cmd.split(/\s+/).pop()!.startsWith(LAUNCHER_MARKER)).toBe(true);
      // Inert: no download or invocation primitives in the decoded text.
      expect(text).not.toMatch(/DownloadData|DownloadString|Invoke-Expression|IEX|WebClient/i);
    }
    const uris = new Set<string>();
    eachRow(ds, "stream:http", (get) => {
      if (get("dest_ip") === C2_IP && get("http_user_agent") === EMPIRE_UA) uris.add(str(get("uri")));
    });
    for (const u of uris) expect(EMPIRE_URIS as readonly string[]).toContain(u);
    expect(uris.size).toBeGreaterThan(0);
  });

  it("every process's ParentProcessId/Guid is a live process on the same host", () => {
    const byGuid = new Map<string, ProcEvent>();
    let checked = 0;
    const parentSeen = new Map<string, string>();
    for (const p of creates) {
      const key = p.host + p.parentGuid;
      const parent = byGuid.get(key);
      if (parent) {
        expect(p.ppid, `${p.host} ${p.image}`).toBe(parent.pid);
        expect(p.parentImage).toBe(parent.image);
        expect(p.parentCmd).toBe(parent.cmd);
        const ended = exits.get(key);
        if (ended !== undefined) expect(ended, `${p.host} ${parent.image} exited before ${p.image} started`).toBeGreaterThanOrEqual(p.time);
        checked++;
      }
      // Parents started before the month are never created in the data, but stay consistent.
      const sig = `${p.ppid}|${p.parentImage}|${p.parentCmd}`;
      const prev = parentSeen.get(key);
      if (prev !== undefined) expect(sig).toBe(prev);
      parentSeen.set(key, sig);
      byGuid.set(p.host + p.guid, p);
    }
    expect(checked).toBeGreaterThan(50);
    // A pid is never held by two live processes of one host at once.
    const live = new Map<string, { guid: string; end: number }>();
    for (const p of creates) {
      const k = p.host + ":" + p.pid;
      const held = live.get(k);
      if (held) expect(held.end, `${k} reused while ${held.guid} runs`).toBeLessThanOrEqual(p.time);
      live.set(k, { guid: p.guid, end: exits.get(p.host + p.guid) ?? Number.POSITIVE_INFINITY });
    }
  });

  it("on venus the ParentProcessId → ProcessId chain is WmiPrvSE → encoded powershell → ftp, whoami, schtasks", () => {
    const venus = creates.filter((p) => p.host === "venus");
    const ps = venus.find((p) => exe(p.image) === "powershell.exe" && /-enc/.test(p.cmd) && exe(p.parentImage) === "wmiprvse.exe")!;
    expect(ps).toBeDefined();
    const wmi = venus.find((p) => p.guid === ps.parentGuid)!;
    expect(wmi.pid).toBe(ps.ppid);
    expect(exe(wmi.parentImage)).toBe("svchost.exe");
    expect(wmi.parentCmd).toContain("DcomLaunch");
    expect(ps.user).toBe("FROTHLY\\service3");
    const children = venus.filter((p) => p.parentGuid === ps.guid && p.ppid === ps.pid).map((p) => exe(p.image));
    for (const name of ["ftp.exe", "whoami.exe", "schtasks.exe", "cscript.exe", "msiexec.exe", "python.exe"]) expect(children).toContain(name);
  });

  it("ftp → whoami → schtasks run in the story's order on wrk-btun, wrk-klagerf and venus", () => {
    for (const host of ["wrk-btun", "wrk-klagerf", "venus"]) {
      const seq = creates.filter((p) => p.host === host && ["ftp.exe", "whoami.exe", "schtasks.exe"].includes(exe(p.image)) && /-enc/.test(p.parentCmd));
      const first = (name: string) => seq.find((p) => exe(p.image) === name)!;
      expect(first("ftp.exe").time, host).toBeLessThan(first("whoami.exe").time);
      expect(first("whoami.exe").time, host).toBeLessThan(first("schtasks.exe").time);
      expect(first("schtasks.exe").cmd).toMatch(/\/Create .*\/TN Updater/);
      expect(first("ftp.exe").cmd).toMatch(/ftp\.exe"? -i -s:winsys32\.dll/);
      const planted = truth.sequences[host]!.map((p) => `${p.time} ${exe(p.image)} ${p.commandLine}`);
      expect(seq.map((p) => `${new Date(p.time).toISOString()} ${exe(p.image)} ${p.cmd}`)).toEqual(planted);
    }
    // Story times (Pacific): wrk-klagerf schtasks 21:04:26 on Aug 23 = 04:04:26Z on Aug 24.
    const k = creates.find((p) => p.host === "wrk-klagerf" && exe(p.image) === "schtasks.exe" && /Updater/.test(p.cmd))!;
    expect(new Date(k.time).toISOString()).toBe("2017-08-24T04:04:26.000Z");
    expect(k.cmd).toContain("/ST 10:39");
  });

  it("wrk-btun's first command group: netsh firewall off, csc.exe and net share under the phishing launcher", () => {
    const btun = creates.filter((p) => p.host === "wrk-btun" && /-enc/.test(p.parentCmd));
    const cmds = btun.map((p) => p.cmd);
    expect(cmds).toContain("C:\\Windows\\system32\\netsh.exe advfirewall set allprofiles state off");
    expect(cmds).toContain("C:\\Windows\\system32\\net.exe share");
    expect(btun.some((p) => exe(p.image) === "csc.exe")).toBe(true);
    const launcher = creates.find((p) => p.host === "wrk-btun" && /-enc/.test(p.cmd) && exe(p.parentImage) === "winword.exe");
    expect(launcher?.parentCmd).toContain("invoice.doc");
  });

  it("service3: network logons (4624 type 3) on the targets and explicit-credential logons (4648)", () => {
    const type3 = new Set<string>();
    const explicit: string[] = [];
    eachRow(ds, SECURITY, (get) => {
      const code = str(get("EventCode"));
      if (code === "4624" && str(get("TargetUserName")) === "service3" && str(get("LogonType")) === "3") type3.add(str(get("host")));
      if (code === "4648" && str(get("TargetUserName")) === "service3") explicit.push(str(get("host")));
    });
    expect([...type3].sort()).toEqual(truth.networkLogons.map((l) => l.host).sort());
    expect([...type3]).toEqual(expect.arrayContaining(["venus", "wrk-klagerf"]));
    expect(explicit.sort()).toEqual(truth.explicitLogons.map((l) => l.host).sort());
    expect(explicit).toContain("venus");
  });

  it("svcvnc is created (4720) on wrk-btun and wrk-klagerf", () => {
    const created: string[] = [];
    eachRow(ds, SECURITY, (get) => {
      if (str(get("EventCode")) === "4720") created.push(`${str(get("host"))}:${str(get("SamAccountName"))}`);
    });
    expect(created.sort()).toEqual(truth.accountCreated.map((a) => `${a.host}:${a.name}`).sort());
    expect(created.sort()).toEqual(["wrk-btun:svcvnc", "wrk-klagerf:svcvnc"]);
  });

  it("log clearing on wrk-klagerf: wevtutil cl in Sysmon and 4688, and Security 1102 by service3", () => {
    let sysmonCl = 0;
    for (const p of creates) if (p.host === "wrk-klagerf" && exe(p.image) === "wevtutil.exe" && / cl /.test(p.cmd)) sysmonCl++;
    let secCl = 0;
    const cleared: string[] = [];
    eachRow(ds, SECURITY, (get, time) => {
      const code = str(get("EventCode"));
      if (code === "4688" && exe(str(get("NewProcessName"))) === "wevtutil.exe" && / cl /.test(str(get("CommandLine")))) secCl++;
      if (code === "1102") cleared.push(`${str(get("host"))}:${str(get("SubjectUserName"))}:${new Date(time).toISOString()}`);
    });
    expect(sysmonCl).toBe(truth.logClearing.wevtutilCl);
    expect(secCl).toBe(truth.logClearing.wevtutilCl);
    expect(cleared).toEqual([`wrk-klagerf:service3:${truth.logClearing.time}`]);
  });

  it("FTP exfiltration to 160.153.91.7 (hildegardsfarm.com), resolved before the connection", () => {
    let pan = 0;
    eachRow(ds, "pan:traffic", (get) => {
      if (get("dest_ip") === FTP_IP) pan++;
    });
    expect(pan).toBe(truth.ftpExfil.panFlows);
    const ftp: { method: string; file: string; time: number }[] = [];
    eachRow(ds, "stream:ftp", (get, time) => ftp.push({ method: str(get("method")), file: str(get("filename")), time }));
    expect(ftp.length).toBe(truth.ftpExfil.streamFtpEvents);
    const hwp = ftp.find((f) => f.method === "RETR")!;
    expect(hwp.file).toBe("나는_데이비드를_사랑한다.hwp");
    expect(new Date(hwp.time).toISOString()).toBe(truth.ftpExfil.retrHwp);
    // DNS before connections: each ftp.exe start is followed by a lookup of the domain from that host before any FTP flow.
    const lookups: { src: string; time: number }[] = [];
    eachRow(ds, "stream:dns", (get, time) => {
      if (str(get("query")) === EXFIL_DOMAIN) lookups.push({ src: str(get("src_ip")), time });
    });
    const firstFlow = new Map<string, number>();
    eachRow(ds, "stream:tcp", (get, time) => {
      if (get("dest_ip") === FTP_IP && get("dest_port") === 21) {
        const src = str(get("src_ip"));
        if (!firstFlow.has(src)) firstFlow.set(src, time);
      }
    });
    expect(firstFlow.size).toBe(3);
    for (const [src, t] of firstFlow) expect(lookups.some((l) => l.src === src && l.time < t), src).toBe(true);
  });

  it("DNS exfiltration: long random subdomains of hildegardsfarm.com from venus, average entropy near 3.6", () => {
    let n = 0;
    let entropy = 0;
    const servers = new Set<string>();
    eachRow(ds, "stream:dns", (get) => {
      const q = str(get("query"));
      if (!q.endsWith("." + EXFIL_DOMAIN)) return;
      const src = str(get("src_ip"));
      if (src === "10.0.1.101") {
        n++;
        entropy += shannon(q.slice(0, -EXFIL_DOMAIN.length - 1));
      } else {
        expect(src).toBe("10.0.1.100");
        servers.add(str(get("dest_ip")));
      }
    });
    expect(n).toBe(truth.dnsExfil.queries);
    expect(Math.round((entropy / n) * 1000) / 1000).toBe(truth.dnsExfil.averageEntropy);
    expect(truth.dnsExfil.averageEntropy).toBeGreaterThan(3.3);
    expect(truth.dnsExfil.averageEntropy).toBeLessThan(3.95);
    expect([...servers].sort()).toEqual([...truth.dnsExfil.nameservers].sort());
  });

  it("brewertalk.com: w3af scan and updatexml SQL injection from the C2 address; script payloads kept as text", () => {
    let fromC2 = 0;
    let w3af = 0;
    let sqli = 0;
    let script = 0;
    eachRow(ds, "access_combined", (get, _t, seg, row) => {
      if (get("clientip") !== C2_IP) return;
      fromC2++;
      if (get("useragent") === W3AF_UA) w3af++;
      if (/updatexml/.test(str(get("uri")))) sqli++;
      if (seg.raw[row]!.includes("<script>")) script++;
    });
    expect(fromC2).toBe(truth.web.accessRequests);
    expect(w3af / fromC2).toBeGreaterThan(0.9);
    expect(sqli).toBe(truth.web.sqlInjection);
    expect(script).toBeGreaterThan(0);
    let img = 0;
    eachRow(ds, "stream:http", (get) => {
      if (str(get("form_data")).includes("<img src=x onerror=alert(1)>")) img++;
    });
    expect(img).toBeGreaterThan(0);
    let xss = "";
    eachRow(ds, "access_combined", (get, t) => {
      if (get("clientip") === "71.39.18.125" && str(get("uri")).includes("<script>document.location")) xss = new Date(t).toISOString();
    });
    expect(xss).toBe(truth.web.xssPayloadTime);
  });

  it("DNS precedes connections: every outbound stream:tcp flow to a named site follows a lookup that answered its address", () => {
    const answered = new Map<string, number>();
    const flows: { key: string; time: number }[] = [];
    // Collect both, then compare times: segments are per sourcetype, so order of scanning is not time order.
    eachRow(ds, "stream:dns", (get, time) => {
      for (const ip of [get("host_addr")].flat()) {
        if (ip === null) continue;
        const key = `${str(get("src_ip"))}>${String(ip)}`;
        if (!answered.has(key) || answered.get(key)! > time) answered.set(key, time);
      }
    });
    eachRow(ds, "stream:tcp", (get, time) => {
      const src = str(get("src_ip"));
      const dest = str(get("dest_ip"));
      if (!isPrivate(src) || isPrivate(dest) || dest === C2_IP) return;
      flows.push({ key: `${src}>${dest}`, time });
    });
    expect(flows.length).toBeGreaterThan(500);
    for (const f of flows) {
      const first = answered.get(f.key);
      expect(first !== undefined && first < f.time, f.key).toBe(true);
    }
  });

  it("Zeek sees the same intrusion: conn.log ssl sessions to the C2 from the four hosts, dns.log exfil queries", () => {
    const c2 = new Set<string>();
    eachRow(ds, "bro:conn", (get) => {
      if (get("id.resp_h") === C2_IP && get("id.resp_p") === 443) {
        expect(get("service")).toBe("ssl");
        c2.add(str(get("id.orig_h")));
      }
    });
    expect([...c2].sort()).toEqual(truth.compromisedHosts.map((h) => h.ip).sort());
    let exfil = 0;
    eachRow(ds, "bro:dns", (get) => {
      if (get("id.orig_h") === "10.0.1.101" && str(get("query")).endsWith("." + EXFIL_DOMAIN)) {
        expect(get("qtype_name")).toBe("TXT");
        exfil++;
      }
    });
    expect(exfil).toBe(truth.dnsExfil.queries);
  });

  it("the phishing mail carries invoice.zip to four Frothly recipients", () => {
    const mails: { att: string; to: string }[] = [];
    eachRow(ds, "stream:smtp", (get) => mails.push({ att: str(get("attach_filename")), to: str(get("receiver")) }));
    expect(mails).toEqual([{ att: truth.phishing.attachment, to: truth.phishing.recipients.join(",") }]);
  });
});
