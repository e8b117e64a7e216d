import { siteCert } from "./certs.ts";
import { accessLine } from "./formats/access.ts";
import type { Cert, Wire } from "./network.ts";
import type { Emitter } from "./output.ts";
import type { Rng } from "./prng.ts";
import type { Scheduler } from "./scheduler.ts";
import { HOUR, MINUTE, SECOND, officeWeight, serverWeight } from "./time.ts";
import type { HostState } from "./windows.ts";
import {
  BREWERTALK, BROWSER_UAS, DNS_SERVER, DOMAIN_CONTROLLER, FIREWALL_PUBLIC, FROTHLY_WEB, INTERNET_UAS, OTHER_INTERNAL, SITES, UPSTREAM_DNS, USERS, type Site,
} from "./world.ts";

const SYS32 = "C:\\Windows\\System32\\";

/** A user-started program: image, command line, lifetime range (ms). */
interface App {
  image: string;
  cmd: string;
  life: [number, number];
}

const USER_APPS: { app: App; w: number }[] = [
  { app: { image: SYS32 + "notepad.exe", cmd: '"C:\\Windows\\system32\\notepad.exe" ', life: [20 * SECOND, 40 * MINUTE] }, w: 4 },
  { app: { image: "C:\\Program Files (x86)\\Microsoft Office\\root\\Office16\\EXCEL.EXE", cmd: '"C:\\Program Files (x86)\\Microsoft Office\\root\\Office16\\EXCEL.EXE" ', life: [2 * MINUTE, 2 * HOUR] }, w: 5 },
  { app: { image: "C:\\Program Files (x86)\\Microsoft Office\\root\\Office16\\WINWORD.EXE", cmd: '"C:\\Program Files (x86)\\Microsoft Office\\root\\Office16\\WINWORD.EXE" ', life: [2 * MINUTE, 2 * HOUR] }, w: 4 },
  { app: { image: SYS32 + "calc.exe", cmd: '"C:\\Windows\\system32\\calc.exe" ', life: [10 * SECOND, 10 * MINUTE] }, w: 1 },
  { app: { image: SYS32 + "mspaint.exe", cmd: '"C:\\Windows\\system32\\mspaint.exe" ', life: [30 * SECOND, 20 * MINUTE] }, w: 1 },
  { app: { image: "C:\\Program Files (x86)\\Adobe\\Acrobat Reader DC\\Reader\\AcroRd32.exe", cmd: '"C:\\Program Files (x86)\\Adobe\\Acrobat Reader DC\\Reader\\AcroRd32.exe" ', life: [30 * SECOND, 30 * MINUTE] }, w: 2 },
  { app: { image: SYS32 + "SnippingTool.exe", cmd: '"C:\\Windows\\system32\\SnippingTool.exe" ', life: [10 * SECOND, 5 * MINUTE] }, w: 1 },
];

const CMD_TOOLS = [
  "ipconfig /all", "ipconfig /flushdns", "ping -n 4 gacrux", "nslookup www.froth.ly", "net use", "gpupdate /force", "tasklist", "netstat -ano", "hostname", "systeminfo",
];

const SYSTEM_TASKS: App[] = [
  { image: SYS32 + "taskhostw.exe", cmd: "taskhostw.exe SYSTEM", life: [5 * SECOND, 2 * MINUTE] },
  { image: "C:\\Program Files (x86)\\Google\\Update\\GoogleUpdate.exe", cmd: '"C:\\Program Files (x86)\\Google\\Update\\GoogleUpdate.exe" /ua /installsource scheduler', life: [3 * SECOND, 40 * SECOND] },
  { image: SYS32 + "SearchProtocolHost.exe", cmd: '"C:\\Windows\\system32\\SearchProtocolHost.exe" Global\\UsGthrFltPipeMssGthrPipe1_ Global\\UsGthrCtrlFltPipeMssGthrPipe1 1 -2147483646 "Software\\Microsoft\\Windows Search" "Mozilla/4.0 (compatible; MSIE 6.0; Windows NT; MS Search 4.0 Robot)" "C:\\ProgramData\\Microsoft\\Search\\Data\\Temp\\usgthrsvc" "DownLevelDaemon" ', life: [10 * SECOND, 3 * MINUTE] },
  { image: SYS32 + "wbem\\WmiPrvSE.exe", cmd: "C:\\Windows\\system32\\wbem\\wmiprvse.exe -secured -Embedding", life: [20 * SECOND, 5 * MINUTE] },
  { image: SYS32 + "backgroundTaskHost.exe", cmd: '"C:\\Windows\\system32\\backgroundTaskHost.exe" -ServerName:BackgroundTaskHost.WebAccountProvider', life: [2 * SECOND, 30 * SECOND] },
  { image: SYS32 + "MpCmdRun.exe", cmd: '"C:\\Program Files\\Windows Defender\\MpCmdRun.exe" -IdleTask -TaskName WdCacheMaintenance', life: [5 * SECOND, 90 * SECOND] },
];

/** Relative weights per host of the benign `schtasks /query` an inventory script runs (wrk-aturing runs it often, as in the hunt). */
const SCHTASKS_WEIGHT: Record<string, number> = { "wrk-aturing": 1 };

/** The Frothly background: office work, services, web browsing, logons, the public web servers and internet noise. */
export class Background {
  private readonly certs = new Map<string, Cert>();
  private readonly forumUsers: string[] = [];
  readonly counts = { benignPowershellExternal: 0, benignSchtasks: 0 };

  constructor(
    private readonly rng: Rng,
    private readonly hosts: HostState[],
    private readonly wire: Wire,
    private readonly sched: Scheduler,
    private readonly em: Emitter,
  ) {
    for (const s of SITES) this.certs.set(s.name, siteCert(rng, s.name));
    this.certs.set(FROTHLY_WEB.host, siteCert(rng, FROTHLY_WEB.host));
    for (let i = 0; i < 400; i++) this.forumUsers.push(internetIp(rng));
  }

  /** Generates one randomly chosen activity at a random time in [t0, t1). */
  activity(t0: number, t1: number): void {
    const rng = this.rng;
    const t = t0 + Math.floor(rng.next() * (t1 - t0));
    const office = officeWeight(t);
    const server = serverWeight(t);
    const kind = rng.weighted(
      ["browse", "userProc", "sysProc", "logon", "forum", "edge", "serverNet", "froth", "dnsOnly"] as const,
      [office * 30, office * 10, 9, office * 4 + 1.5, server * 9, server * 5, server * 3, server * 3, office * 6 + 1],
    );
    switch (kind) {
      case "browse": return this.browse(t, this.pickWorkstation());
      case "userProc": return this.userProcess(t, this.pickWorkstation());
      case "sysProc": return this.systemProcess(t, rng.pick(this.hosts));
      case "logon": return this.logon(t);
      case "forum": return this.forumVisit(t);
      case "edge": return this.edgeNoise(t);
      case "serverNet": return this.serverNet(t);
      case "froth": return this.frothlyWeb(t);
      case "dnsOnly": return this.dnsLookup(t);
    }
  }

  private pickWorkstation(): HostState {
    const ws = this.hosts.filter((h) => h.host.kind === "workstation");
    return this.rng.pick(ws);
  }

  private panUser(h: HostState): string | undefined {
    return h.host.owner ? `frothly\\${h.host.owner.name}` : undefined;
  }

  /** Name lookup, then one to three connections to the site, seen by Stream, PAN and Suricata. */
  private browse(t: number, h: HostState): void {
    const rng = this.rng;
    const site = rng.pick(SITES);
    this.wire.dns(t, h.host.ip, site.name, [site.ip], { suricata: rng.chance(0.2) });
    const n = rng.int(1, 3);
    let at = t + rng.int(20, 300);
    for (let i = 0; i < n; i++) {
      this.connect(at, h, site);
      at += rng.int(200, 20 * SECOND);
    }
  }

  private connect(t: number, h: HostState, site: Site): void {
    const rng = this.rng;
    const srcPort = this.wire.ephemeral(h.host.ip);
    const dur = rng.int(80, 90 * SECOND);
    const bytesIn = rng.int(800, 400000);
    const bytesOut = rng.int(300, 6000);
    if (!site.https) {
      const path = rng.pick(["/", "/index.html", "/news", "/images/logo.png", "/css/site.css", "/js/app.js", "/favicon.ico"]);
      this.wire.http({
        t, src: h.host.ip, srcPort, dest: site.ip, destPort: 80, site: site.name, method: "GET", uri: path, status: rng.chance(0.93) ? 200 : 304,
        ua: BROWSER_UAS[h.host.ip.length % BROWSER_UAS.length]!, bytesIn, bytesOut, contentType: path.endsWith(".png") ? "image/png" : "text/html",
      });
    }
    this.wire.flow({
      start: t, end: t + dur, src: h.host.ip, srcPort, dest: site.ip, destPort: site.https ? 443 : 80, transport: "tcp", bytesIn, bytesOut,
      app: site.https ? "ssl" : "http", viaFirewall: true, panUser: this.panUser(h), panApp: site.app, panCategory: site.category,
      ...(site.https ? { cert: this.certs.get(site.name)!, sni: site.name, suricataTls: rng.chance(0.25) } : {}),
      streamTcp: site.https || rng.chance(0.3), suricataFlow: rng.chance(0.5), streamIp: rng.chance(0.1),
    });
  }

  /** A DNS lookup with no connection we log (internal names, failed lookups). */
  private dnsLookup(t: number): void {
    const rng = this.rng;
    const h = rng.pick(this.hosts);
    const internal = rng.chance(0.6);
    if (internal) {
      const target = rng.pick([...this.hosts.map((x) => ({ name: x.fqdn, ip: x.host.ip })), ...OTHER_INTERNAL.map((o) => ({ name: o.name + ".frothly.local", ip: o.ip }))]);
      this.wire.dns(t, h.host.ip, target.name, [target.ip]);
    } else {
      const name = rng.pick(["wpad.frothly.local", "isatap.frothly.local", "teredo.ipv6.microsoft.com", "settings-win.data.microsoft.com", "ocsp.digicert.com"]);
      const nx = name.startsWith("wpad") || name.startsWith("isatap");
      this.wire.dns(t, h.host.ip, name, nx ? [] : [internetIp(rng)]);
    }
  }

  /** The workstation owner starts a program (sometimes a console tool under cmd.exe). */
  private userProcess(t: number, h: HostState): void {
    const rng = this.rng;
    const explorer = h.procs.explorer;
    if (!explorer) return;
    if (rng.chance(0.2)) {
      const cmd = h.spawn(t, explorer, SYS32 + "cmd.exe", '"C:\\Windows\\system32\\cmd.exe" ', { cwd: `C:\\Users\\${h.host.owner!.name}\\` });
      const con = h.spawn(t + rng.int(5, 40), cmd, SYS32 + "conhost.exe", "\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1");
      let at = t + rng.int(3, 60) * SECOND;
      const n = rng.int(1, 4);
      for (let i = 0; i < n; i++) {
        const tool = rng.pick(CMD_TOOLS);
        const exe = tool.split(" ")[0]!;
        const p = h.spawn(at, cmd, SYS32 + exe + ".exe", tool);
        const end = at + rng.int(200, 20 * SECOND);
        this.sched.at(end, (x) => h.exit(x, p));
        at = end + rng.int(2, 120) * SECOND;
      }
      this.sched.at(at + rng.int(1, 300) * SECOND, (x) => {
        h.exit(x, con);
        h.exit(x + rng.int(1, 30), cmd);
      });
      return;
    }
    const app = rng.weighted(USER_APPS.map((a) => a.app), USER_APPS.map((a) => a.w));
    const p = h.spawn(t, explorer, app.image, app.cmd, { cwd: `C:\\Users\\${h.host.owner!.name}\\Documents\\` });
    this.sched.at(t + rng.int(app.life[0], app.life[1]), (x) => h.exit(x, p));
  }

  /** Service and scheduled-task processes, an inventory script's schtasks, server admin scripts. */
  private systemProcess(t: number, h: HostState): void {
    const rng = this.rng;
    const w = SCHTASKS_WEIGHT[h.host.name] ?? 0.04;
    if (rng.chance(w * 0.05)) {
      // The IT inventory script that lists scheduled tasks (benign schtasks.exe, parent cmd.exe).
      const cmd = h.spawn(t, h.procs.netsvcs!, SYS32 + "cmd.exe", 'C:\\Windows\\system32\\cmd.exe /c "C:\\ProgramData\\Frothly\\inventory.cmd"', { session: h.system, cwd: "C:\\Windows\\system32\\" });
      const st = h.spawn(t + rng.int(50, 900), cmd, SYS32 + "schtasks.exe", "schtasks.exe /query /fo csv /v");
      this.counts.benignSchtasks++;
      const e = t + rng.int(2, 8) * SECOND;
      this.sched.at(e, (x) => {
        h.exit(x, st);
        h.exit(x + rng.int(20, 400), cmd);
      });
      return;
    }
    if (h.host.kind === "server" && rng.chance(0.08)) return this.adminScript(t, h);
    const task = rng.pick(SYSTEM_TASKS);
    const parent = task.image.endsWith("WmiPrvSE.exe") ? h.procs.dcomlaunch! : h.procs.netsvcs!;
    const p = h.spawn(t, parent, task.image, task.cmd, { session: h.system, cwd: "C:\\Windows\\system32\\" });
    this.sched.at(t + rng.int(task.life[0], task.life[1]), (x) => h.exit(x, p));
  }

  /** A scheduled admin PowerShell script on a server; now and then it checks the PowerShell Gallery. */
  private adminScript(t: number, h: HostState): void {
    const rng = this.rng;
    const admin = h.newSession(USERS.administrator, 0, "High");
    const script = rng.pick(["C:\\Scripts\\backup-config.ps1", "C:\\Scripts\\disk-report.ps1", "C:\\Scripts\\rotate-logs.ps1"]);
    const ps = h.spawn(t, h.procs.netsvcs!, SYS32 + "WindowsPowerShell\\v1.0\\powershell.exe", `"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe" -NoProfile -ExecutionPolicy Bypass -File ${script}`, { session: admin, cwd: "C:\\Scripts\\" });
    const end = t + rng.int(5, 120) * SECOND;
    if (rng.chance(0.05)) {
      const site = SITES.find((s) => s.name === "www.powershellgallery.com")!;
      const at = t + rng.int(500, 4000);
      const srcPort = this.wire.ephemeral(h.host.ip);
      this.wire.dns(at - 30, h.host.ip, site.name, [site.ip]);
      h.connect(at, ps, { srcPort, destIp: site.ip, destHost: site.name, destPort: 443 });
      this.counts.benignPowershellExternal++;
      this.wire.flow({
        start: at, end: at + rng.int(300, 4000), src: h.host.ip, srcPort, dest: site.ip, destPort: 443, transport: "tcp", bytesIn: rng.int(4000, 90000), bytesOut: rng.int(500, 3000),
        app: "ssl", viaFirewall: true, panApp: "ssl", panCategory: site.category, cert: this.certs.get(site.name)!, sni: site.name, streamTcp: true, suricataFlow: true,
      });
    }
    this.sched.at(end, (x) => h.exit(x, ps));
  }

  /** Logons: workstation unlocks, file-share network logons on servers, computer accounts at the DC. */
  private logon(t: number): void {
    const rng = this.rng;
    const r = rng.next();
    if (r < 0.45) {
      const h = this.pickWorkstation();
      const owner = h.host.owner!;
      const s = h.newSession(owner, 1, "Medium");
      h.logon(t, s, 7, { ip: "127.0.0.1", port: 0, workstation: h.host.name.toUpperCase() });
      this.sched.at(t + rng.int(1, 20) * SECOND, (x) => h.logoff(x, s, 7));
      return;
    }
    const servers = this.hosts.filter((x) => x.host.kind === "server");
    const target = rng.pick(servers);
    if (r < 0.8) {
      const from = this.pickWorkstation();
      const s = target.newSession(from.host.owner!, 0, "Medium");
      target.logon(t, s, 3, { ip: from.host.ip, port: this.wire.ephemeral(from.host.ip), workstation: from.host.name.toUpperCase() });
      this.sched.at(t + rng.int(5, 600) * SECOND, (x) => target.logoff(x, s, 3));
      return;
    }
    const dc = this.hosts.find((x) => x.host.ip === DOMAIN_CONTROLLER) ?? target;
    const from = rng.pick(this.hosts);
    const machine = { name: from.host.name.toUpperCase() + "$", sid: `S-1-5-21-1652283549-2716233254-3853186373-${2000 + from.host.ip.length * 7 + from.host.name.length}`, email: "" };
    const s = dc.newSession(machine, 0, "System");
    dc.logon(t, s, 3, { ip: from.host.ip, port: 0, workstation: "" });
    this.sched.at(t + rng.int(1, 5) * SECOND, (x) => dc.logoff(x, s, 3));
  }

  /** An internet visitor reads the brewertalk.com forum: Apache access log + Stream HTTP. */
  private forumVisit(t: number): void {
    const rng = this.rng;
    const ip = rng.pick(this.forumUsers);
    const ua = INTERNET_UAS[(ip.charCodeAt(ip.length - 1) + ip.length) % INTERNET_UAS.length]!;
    const pages = ["/index.php", "/forumdisplay.php?fid=2", "/forumdisplay.php?fid=4", `/showthread.php?tid=${rng.int(1, 180)}`, `/member.php?action=profile&uid=${rng.int(1, 90)}`, "/search.php", "/portal.php"];
    let at = t;
    const n = rng.int(1, 4);
    let referer = rng.pick(["-", "https://www.google.com/", "http://www.brewertalk.com/"]);
    for (let i = 0; i < n; i++) {
      const uri = rng.pick(pages);
      this.webRequest(at, ip, rng.int(40000, 65000), "GET", uri, 200, rng.int(3000, 40000), referer, ua);
      if (rng.chance(0.5)) this.webRequest(at + rng.int(50, 400), ip, rng.int(40000, 65000), "GET", rng.pick(["/images/logo.png", "/cache/themes/theme1/global.css", "/jscripts/jquery.js"]), rng.chance(0.7) ? 200 : 304, rng.int(900, 90000), "http://www.brewertalk.com" + uri, ua);
      referer = "http://www.brewertalk.com" + uri;
      at += rng.int(3, 120) * SECOND;
    }
  }

  /** One request to brewertalk.com, in the web server's log and on the wire. */
  webRequest(t: number, ip: string, port: number, method: string, uri: string, status: number, bytes: number, referer: string, ua: string, formData?: string): void {
    const line = accessLine({ t, clientIp: ip, method, uri, status, bytes: status === 304 ? 0 : bytes, referer, userAgent: ua });
    this.em.emit(t, "access_combined", () => line);
    this.wire.http({
      t, src: ip, srcPort: port, dest: BREWERTALK.ip, destPort: 80, site: BREWERTALK.host, method, uri, status, ua,
      ...(referer !== "-" ? { referrer: referer } : {}), bytesIn: bytes, bytesOut: 300 + uri.length + (formData?.length ?? 0), ...(formData ? { formData } : {}),
    });
  }

  /** Scanners knocking on the firewall; Suricata alerts on some of them. */
  private edgeNoise(t: number): void {
    const rng = this.rng;
    const src = internetIp(rng);
    const port = rng.pick([22, 23, 445, 1433, 3389, 5900, 8080, 2323, 7547]);
    const country = rng.pick(["China", "Russian Federation", "Netherlands", "United States", "Brazil", "Viet Nam", "Korea Republic of"]);
    this.wire.denied(t, src, FIREWALL_PUBLIC, port, "tcp", country);
    if (rng.chance(0.35)) {
      const sig = rng.pick([
        { sid: 2001219, signature: "ET SCAN Potential SSH Scan", category: "Attempted Information Leak", severity: 2 },
        { sid: 2010935, signature: "ET SCAN Suspicious inbound to MSSQL port 1433", category: "Potentially Bad Traffic", severity: 2 },
        { sid: 2010937, signature: "ET SCAN Suspicious inbound to mySQL port 3306", category: "Potentially Bad Traffic", severity: 2 },
        { sid: 2002910, signature: "ET SCAN Potential VNC Scan 5800-5820", category: "Attempted Information Leak", severity: 2 },
        { sid: 2023753, signature: "ET SCAN MS Terminal Server Traffic on Non-standard Port", category: "Attempted Information Leak", severity: 2 },
      ]);
      this.wire.alert(t + rng.int(0, 20), { src, srcPort: rng.int(1024, 65000), dest: FIREWALL_PUBLIC, destPort: port, proto: "TCP", ...sig });
    }
    if (rng.chance(0.15)) {
      this.wire.flow({ start: t, end: t + rng.int(1, 900), src: FIREWALL_PUBLIC, srcPort: 0, dest: src, destPort: 0, transport: "udp", bytesIn: 84, bytesOut: 84, app: "icmp", viaFirewall: false, streamIp: true });
    }
  }

  /** Servers: Windows Update, mercury's upstream DNS, NTP. */
  private serverNet(t: number): void {
    const rng = this.rng;
    const servers = this.hosts.filter((x) => x.host.kind === "server");
    const h = rng.pick(servers);
    const r = rng.next();
    if (r < 0.45 && h.host.ip === DNS_SERVER) {
      const site = rng.pick(SITES);
      this.wire.dns(t, DNS_SERVER, site.name, [site.ip], { server: rng.pick(UPSTREAM_DNS) });
      return;
    }
    if (r < 0.7) {
      const site = SITES.find((s) => s.name === "ctldl.windowsupdate.com")!;
      const srcPort = this.wire.ephemeral(h.host.ip);
      this.wire.dns(t, h.host.ip, site.name, [site.ip]);
      const at = t + rng.int(20, 400);
      h.connect(at, h.procs.netsvcs!, { srcPort, destIp: site.ip, destHost: site.name, destPort: 80 });
      this.wire.http({ t: at, src: h.host.ip, srcPort, dest: site.ip, destPort: 80, site: site.name, method: "GET", uri: `/msdownload/update/v3/static/trustedr/en/disallowedcertstl.cab?${rng.hex(16)}`, status: 200, ua: "Microsoft-CryptoAPI/10.0", bytesIn: rng.int(1000, 9000), bytesOut: 220, contentType: "application/vnd.ms-cab-compressed" });
      this.wire.flow({ start: at, end: at + rng.int(100, 3000), src: h.host.ip, srcPort, dest: site.ip, destPort: 80, transport: "tcp", bytesIn: rng.int(1000, 9000), bytesOut: 400, app: "http", viaFirewall: true, panApp: "ms-update", panCategory: site.category, streamTcp: true, suricataFlow: rng.chance(0.5) });
      return;
    }
    const srcPort = 123;
    this.wire.flow({ start: t, end: t + rng.int(10, 200), src: h.host.ip, srcPort, dest: rng.pick(["129.6.15.28", "132.163.96.1", "216.239.35.0"]), destPort: 123, transport: "udp", bytesIn: 90, bytesOut: 90, app: "ntp", viaFirewall: true, panApp: "ntp", panCategory: "computer-and-internet-info", streamIp: true, suricataFlow: rng.chance(0.3) });
  }

  /** Visitors of www.froth.ly (Stream HTTP at the AWS sensor). */
  private frothlyWeb(t: number): void {
    const rng = this.rng;
    const ip = rng.pick(this.forumUsers);
    const uri = rng.pick(["/", "/beers", "/about", "/taproom", "/shop", "/shop/cart", "/images/frothly-logo.png", "/contact"]);
    this.wire.http({ t, src: ip, srcPort: rng.int(40000, 65000), dest: FROTHLY_WEB.ip, destPort: 80, site: FROTHLY_WEB.host, method: "GET", uri, status: 200, ua: rng.pick(INTERNET_UAS), bytesIn: rng.int(2000, 60000), bytesOut: rng.int(300, 900) });
  }
}

/** A random public (non-private, non-reserved) IPv4 address. */
export function internetIp(rng: Rng): string {
  const first = rng.pick([23, 24, 31, 37, 46, 50, 62, 64, 66, 68, 73, 76, 77, 81, 89, 91, 94, 98, 99, 104, 107, 108, 109, 112, 118, 121, 151, 174, 176, 182, 184, 185, 195, 199, 203, 207, 212, 217]);
  return `${first}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
}

