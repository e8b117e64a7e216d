import { winEventXml, type SystemHeader } from "./formats/winxml.ts";
import { sysmonHashes } from "./hashes.ts";
import type { Emitter } from "./output.ts";
import type { Rng } from "./prng.ts";
import { sysmonUtc, systemTime } from "./time.ts";
import { DOMAIN, FQDN_SUFFIX, type User, type WinHost } from "./world.ts";

const SYSMON_PROVIDER = { provider: "Microsoft-Windows-Sysmon", providerGuid: "{5770385f-c22a-43e0-bf4c-06f5698ffbd9}" };
const SECURITY_PROVIDER = { provider: "Microsoft-Windows-Security-Auditing", providerGuid: "{54849625-5478-4994-a5ba-3e3b0328c30d}" };
const EVENTLOG_PROVIDER = { provider: "Microsoft-Windows-Eventlog", providerGuid: "{fc65ddd8-d6ef-4962-83d5-6e5cfe9ce148}" };
const SYSMON_CHANNEL = "Microsoft-Windows-Sysmon/Operational";

/** A logon session: who, and the ids Windows stamps on everything it starts. */
export interface Session {
  /** `DOMAIN\name` as Sysmon's User shows it. */
  user: string;
  account: string;
  domain: string;
  sid: string;
  logonId: string;
  logonGuid: string;
  terminal: number;
  integrity: "System" | "High" | "Medium" | "Low";
}

/** A running process on one host. */
export interface Proc {
  pid: number;
  guid: string;
  image: string;
  cmd: string;
  cwd: string;
  session: Session;
  parent: Proc | null;
  /** Set when the process has exited (its pid may be reused). */
  ended: boolean;
}

/** Timestamp sub-millisecond digits: Windows writes 7–9 fractional digits. */
function sub(rng: Rng): number {
  return rng.int(0, 999999);
}

function basename(path: string): string {
  const i = path.lastIndexOf("\\");
  return i >= 0 ? path.slice(i + 1) : path;
}

/**
 * One Windows machine: its live processes (so every new process has a live parent with a
 * consistent pid and GUID), logon sessions, and record counters for Sysmon and Security.
 */
export class HostState {
  readonly fqdn: string;
  private readonly live = new Map<number, Proc>();
  private guidCounter = 0x1000;
  private logonCounter: number;
  private sysmonRecord: number;
  private securityRecord: number;
  readonly system: Session;
  /** Long-lived processes started before the month (never created in the data). */
  readonly procs: Record<string, Proc> = {};
  /** Interactive session of the workstation owner. */
  readonly ownerSession: Session | null;
  sysmonPid = 0;
  lsassPid = 0;
  eventlogPid = 0;

  constructor(
    readonly host: WinHost,
    private readonly rng: Rng,
    private readonly em: Emitter,
    /** Whether this host's Sysmon config logs NetworkConnect (servers only at Frothly). */
    readonly logsNetwork: boolean,
    /** Whether the audit policy logs process creation (Security 4688). */
    readonly auditsProcesses = true,
  ) {
    this.fqdn = host.name + FQDN_SUFFIX;
    this.logonCounter = 0x3a000 + rng.int(0, 0xfff) * 16;
    this.sysmonRecord = rng.int(20000, 900000);
    this.securityRecord = rng.int(100000, 4000000);
    this.system = {
      user: "NT AUTHORITY\\SYSTEM", account: host.name.toUpperCase() + "$", domain: DOMAIN, sid: "S-1-5-18",
      logonId: "0x3e7", logonGuid: `{${host.guidPrefix}-0000-0000-0000-0000e7030000}`, terminal: 0, integrity: "System",
    };
    this.boot();
    this.ownerSession = host.owner ? this.newSession(host.owner, 1, "Medium") : null;
    if (this.ownerSession) this.bootDesktop(this.ownerSession);
  }

  /** A new logon session for a domain user (ids unique on this host). */
  newSession(user: User, terminal: number, integrity: Session["integrity"]): Session {
    this.logonCounter += this.rng.int(0x80, 0x4000);
    const id = this.logonCounter;
    return {
      user: `${DOMAIN}\\${user.name}`, account: user.name, domain: DOMAIN, sid: user.sid,
      logonId: "0x" + id.toString(16), logonGuid: `{${this.host.guidPrefix}-${this.rng.hex(4)}-${this.rng.hex(4)}-0000-0020${id.toString(16).padStart(8, "0").slice(-8)}}`,
      terminal, integrity,
    };
  }

  private pid(): number {
    for (;;) {
      const p = this.rng.int(64, 3000) * 4;
      if (!this.live.has(p)) return p;
    }
  }

  private guid(t: number): string {
    this.guidCounter++;
    const secs = Math.floor(t / 1000);
    return `{${this.host.guidPrefix}-${(secs & 0xffff).toString(16).padStart(4, "0")}-${((secs >>> 16) & 0xffff).toString(16).padStart(4, "0")}-0000-0010${this.guidCounter.toString(16).padStart(8, "0")}}`;
  }

  private bootProc(image: string, cmd: string, parent: Proc | null, session: Session): Proc {
    const p: Proc = { pid: this.pid(), guid: this.guid(Date.UTC(2017, 6, 28, 14)), image, cmd, cwd: "C:\\Windows\\system32\\", session, parent, ended: false };
    this.live.set(p.pid, p);
    return p;
  }

  /** Processes that were already running when the month began. */
  private boot(): void {
    const s = this.system;
    const sys32 = "C:\\Windows\\System32\\";
    const smss = this.bootProc(sys32 + "smss.exe", "\\SystemRoot\\System32\\smss.exe", null, s);
    const wininit = this.bootProc(sys32 + "wininit.exe", "wininit.exe", smss, s);
    const services = this.bootProc(sys32 + "services.exe", "C:\\Windows\\system32\\services.exe", wininit, s);
    const lsass = this.bootProc(sys32 + "lsass.exe", "C:\\Windows\\system32\\lsass.exe", wininit, s);
    this.lsassPid = lsass.pid;
    this.procs.services = services;
    this.procs.dcomlaunch = this.bootProc(sys32 + "svchost.exe", "C:\\Windows\\system32\\svchost.exe -k DcomLaunch", services, s);
    this.procs.netsvcs = this.bootProc(sys32 + "svchost.exe", "C:\\Windows\\system32\\svchost.exe -k netsvcs", services, s);
    this.procs.localservice = this.bootProc(sys32 + "svchost.exe", "C:\\Windows\\system32\\svchost.exe -k LocalServiceNetworkRestricted", services, s);
    this.eventlogPid = this.procs.localservice.pid;
    this.procs.spoolsv = this.bootProc(sys32 + "spoolsv.exe", "C:\\Windows\\System32\\spoolsv.exe", services, s);
    this.procs.sysmon = this.bootProc("C:\\Windows\\Sysmon.exe", "C:\\Windows\\Sysmon.exe", services, s);
    this.sysmonPid = this.procs.sysmon.pid;
    this.procs.splunkd = this.bootProc("C:\\Program Files\\SplunkUniversalForwarder\\bin\\splunkd.exe", '"C:\\Program Files\\SplunkUniversalForwarder\\bin\\splunkd.exe" service', services, s);
    if (this.host.name === "mercury") this.procs.dns = this.bootProc(sys32 + "dns.exe", "C:\\Windows\\system32\\dns.exe", services, s);
    if (this.host.kind === "server") this.procs.taskhost = this.bootProc(sys32 + "taskhostw.exe", "taskhostw.exe", this.procs.netsvcs, s);
  }

  /** Explorer and the user's long-running apps on a workstation. */
  private bootDesktop(u: Session): void {
    const explorer = this.bootProc("C:\\Windows\\explorer.exe", "C:\\Windows\\Explorer.EXE", null, u);
    this.procs.explorer = explorer;
    this.procs.outlook = this.bootProc("C:\\Program Files (x86)\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE", '"C:\\Program Files (x86)\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE" ', explorer, u);
    this.procs.chrome = this.bootProc("C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe", '"C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe" ', explorer, u);
  }

  /** Whether a process is still running. */
  isLive(p: Proc): boolean {
    return !p.ended && this.live.get(p.pid) === p;
  }

  private header(eventId: number, t: number, channel: "sysmon" | "security", extra: Partial<SystemHeader> = {}): () => SystemHeader {
    const st = systemTime(t, sub(this.rng), channel === "sysmon" ? 7 : 9);
    const tid = this.rng.int(100, 6000) * 4;
    return () => {
      const sysmon = channel === "sysmon";
      const recordId = sysmon ? ++this.sysmonRecord : ++this.securityRecord;
      return {
        ...(sysmon ? SYSMON_PROVIDER : SECURITY_PROVIDER),
        eventId, version: 5, level: sysmon ? 4 : 0, task: 0,
        keywords: sysmon ? "0x8000000000000000" : "0x8020000000000000",
        systemTime: st, recordId, processId: sysmon ? this.sysmonPid : this.lsassPid, threadId: tid,
        channel: sysmon ? SYSMON_CHANNEL : "Security", computer: this.fqdn,
        ...(sysmon ? { userId: "S-1-5-18" } : {}),
        ...extra,
      };
    };
  }

  /** Starts a process: Sysmon 1 and Security 4688. Returns it live; call `exit` (or schedule it) later. */
  spawn(t: number, parent: Proc, image: string, cmd: string, opts: { session?: Session; cwd?: string } = {}): Proc {
    if (!this.isLive(parent)) throw new Error(`${this.host.name}: parent ${parent.image} (${parent.pid}) is not running at ${new Date(t).toISOString()}`);
    const session = opts.session ?? parent.session;
    const p: Proc = { pid: this.pid(), guid: this.guid(t), image, cmd, cwd: opts.cwd ?? parent.cwd, session, parent, ended: false };
    this.live.set(p.pid, p);
    const head = this.header(1, t, "sysmon", { version: 5, task: 1 });
    const utc = sysmonUtc(t);
    this.em.emit(t, "sysmon", () =>
      winEventXml(head(), [
        ["UtcTime", utc], ["ProcessGuid", p.guid], ["ProcessId", String(p.pid)], ["Image", image], ["CommandLine", cmd],
        ["CurrentDirectory", p.cwd], ["User", session.user], ["LogonGuid", session.logonGuid], ["LogonId", session.logonId],
        ["TerminalSessionId", String(session.terminal)], ["IntegrityLevel", session.integrity], ["Hashes", sysmonHashes(image)],
        ["ParentProcessGuid", parent.guid], ["ParentProcessId", String(parent.pid)], ["ParentImage", parent.image], ["ParentCommandLine", parent.cmd],
      ]),
    );
    if (!this.auditsProcesses) return p;
    const t2 = t + this.rng.int(0, 3);
    const head2 = this.header(4688, t2, "security", { version: 1, task: 13312 });
    const hex = (n: number) => "0x" + n.toString(16);
    this.em.emit(t2, "security", () =>
      winEventXml(head2(), [
        ["SubjectUserSid", session.sid], ["SubjectUserName", session.account], ["SubjectDomainName", session.domain],
        ["SubjectLogonId", session.logonId], ["NewProcessId", hex(p.pid)], ["NewProcessName", image],
        ["TokenElevationType", session.integrity === "Medium" ? "%%1938" : "%%1936"], ["ProcessId", hex(parent.pid)], ["CommandLine", cmd],
      ]),
    );
    return p;
  }

  /** Ends a process: Sysmon 5; its pid becomes free. */
  exit(t: number, p: Proc): void {
    if (p.ended) return;
    p.ended = true;
    if (this.live.get(p.pid) === p) this.live.delete(p.pid);
    const head = this.header(5, t, "sysmon", { version: 3, task: 5 });
    const utc = sysmonUtc(t);
    this.em.emit(t, "sysmon", () =>
      winEventXml(head(), [["UtcTime", utc], ["ProcessGuid", p.guid], ["ProcessId", String(p.pid)], ["Image", p.image]]),
    );
  }

  /** Sysmon 3 NetworkConnect, when this host logs it. */
  connect(t: number, p: Proc, c: { srcPort: number; destIp: string; destHost: string; destPort: number; proto?: "tcp" | "udp" }): void {
    if (!this.logsNetwork) return;
    const head = this.header(3, t, "sysmon", { version: 5, task: 3 });
    const utc = sysmonUtc(t - this.rng.int(5, 900));
    const portName = c.destPort === 443 ? "https" : c.destPort === 80 ? "http" : c.destPort === 21 ? "ftp" : c.destPort === 53 ? "domain" : "";
    this.em.emit(t, "sysmon", () =>
      winEventXml(head(), [
        ["UtcTime", utc], ["ProcessGuid", p.guid], ["ProcessId", String(p.pid)], ["Image", p.image], ["User", p.session.user],
        ["Protocol", c.proto ?? "tcp"], ["Initiated", "true"], ["SourceIsIpv6", "false"], ["SourceIp", this.host.ip],
        ["SourceHostname", this.fqdn], ["SourcePort", String(c.srcPort)], ["SourcePortName", ""], ["DestinationIsIpv6", "false"],
        ["DestinationIp", c.destIp], ["DestinationHostname", c.destHost], ["DestinationPort", String(c.destPort)], ["DestinationPortName", portName],
      ]),
    );
  }

  /** Sysmon 11 FileCreate. */
  fileCreate(t: number, p: Proc, target: string): void {
    const head = this.header(11, t, "sysmon", { version: 2, task: 11 });
    const utc = sysmonUtc(t);
    this.em.emit(t, "sysmon", () =>
      winEventXml(head(), [["UtcTime", utc], ["ProcessGuid", p.guid], ["ProcessId", String(p.pid)], ["Image", p.image], ["TargetFilename", target], ["CreationUtcTime", utc]]),
    );
  }

  /** Sysmon 13 registry value set. */
  registrySet(t: number, p: Proc, target: string, details: string): void {
    const head = this.header(13, t, "sysmon", { version: 2, task: 13 });
    const utc = sysmonUtc(t);
    this.em.emit(t, "sysmon", () =>
      winEventXml(head(), [["EventType", "SetValue"], ["UtcTime", utc], ["ProcessGuid", p.guid], ["ProcessId", String(p.pid)], ["Image", p.image], ["TargetObject", target], ["Details", details]]),
    );
  }

  /** Security 4624 (and 4672 for privileged accounts): a successful logon. */
  logon(t: number, s: Session, logonType: number, src: { ip: string; port: number; workstation: string }, opts: { privileged?: boolean; process?: string } = {}): void {
    const head = this.header(4624, t, "security", { version: 1, task: 12544 });
    const process = opts.process ?? (logonType === 3 ? "-" : "C:\\Windows\\System32\\winlogon.exe");
    const ntlm = logonType === 3 && this.rng.chance(0.5);
    this.em.emit(t, "security", () =>
      winEventXml(head(), [
        ["SubjectUserSid", logonType === 3 ? "S-1-0-0" : "S-1-5-18"], ["SubjectUserName", logonType === 3 ? "-" : this.host.name.toUpperCase() + "$"],
        ["SubjectDomainName", logonType === 3 ? "-" : DOMAIN], ["SubjectLogonId", logonType === 3 ? "0x0" : "0x3e7"],
        ["TargetUserSid", s.sid], ["TargetUserName", s.account], ["TargetDomainName", s.domain], ["TargetLogonId", s.logonId],
        ["LogonType", String(logonType)], ["LogonProcessName", ntlm ? "NtLmSsp " : logonType === 3 ? "Kerberos" : "User32 "],
        ["AuthenticationPackageName", ntlm ? "NTLM" : logonType === 3 ? "Kerberos" : "Negotiate"], ["WorkstationName", src.workstation],
        ["LogonGuid", s.logonGuid], ["TransmittedServices", "-"], ["LmPackageName", ntlm ? "NTLM V2" : "-"], ["KeyLength", ntlm ? "128" : "0"],
        ["ProcessId", process === "-" ? "0x0" : "0x" + (this.lsassPid + 124).toString(16)], ["ProcessName", process],
        ["IpAddress", src.ip], ["IpPort", String(src.port)], ["ImpersonationLevel", "%%1833"],
      ]),
    );
    if (opts.privileged) {
      const head2 = this.header(4672, t, "security", { version: 0, task: 12548 });
      this.em.emit(t, "security", () =>
        winEventXml(head2(), [
          ["SubjectUserSid", s.sid], ["SubjectUserName", s.account], ["SubjectDomainName", s.domain], ["SubjectLogonId", s.logonId],
          ["PrivilegeList", "SeSecurityPrivilege\r\n\t\t\tSeBackupPrivilege\r\n\t\t\tSeRestorePrivilege\r\n\t\t\tSeTakeOwnershipPrivilege\r\n\t\t\tSeDebugPrivilege"],
        ]),
      );
    }
  }

  /** Security 4634: a logoff. */
  logoff(t: number, s: Session, logonType: number): void {
    const head = this.header(4634, t, "security", { version: 0, task: 12545 });
    this.em.emit(t, "security", () =>
      winEventXml(head(), [["TargetUserSid", s.sid], ["TargetUserName", s.account], ["TargetDomainName", s.domain], ["TargetLogonId", s.logonId], ["LogonType", String(logonType)]]),
    );
  }

  /** Security 4648: a logon with explicit credentials, made from this host's process `p`. */
  explicitLogon(t: number, s: Session, as: { account: string; domain: string }, target: { server: string; ip: string }, p: Proc): void {
    const head = this.header(4648, t, "security", { version: 0, task: 12544 });
    this.em.emit(t, "security", () =>
      winEventXml(head(), [
        ["SubjectUserSid", s.sid], ["SubjectUserName", s.account], ["SubjectDomainName", s.domain], ["SubjectLogonId", s.logonId],
        ["LogonGuid", "{00000000-0000-0000-0000-000000000000}"], ["TargetUserName", as.account], ["TargetDomainName", as.domain],
        ["TargetLogonGuid", "{00000000-0000-0000-0000-000000000000}"], ["TargetServerName", target.server], ["TargetInfo", target.server],
        ["ProcessId", "0x" + p.pid.toString(16)], ["ProcessName", p.image], ["IpAddress", target.ip], ["IpPort", "0"],
      ]),
    );
  }

  /** Security 4720: a user account was created. */
  accountCreated(t: number, s: Session, name: string, rid: number): void {
    const head = this.header(4720, t, "security", { version: 0, task: 13824 });
    const sid = `S-1-5-21-2349812013-1853340117-3297311962-${rid}`;
    this.em.emit(t, "security", () =>
      winEventXml(head(), [
        ["TargetUserName", name], ["TargetDomainName", this.host.name.toUpperCase()], ["TargetSid", sid],
        ["SubjectUserSid", s.sid], ["SubjectUserName", s.account], ["SubjectDomainName", s.domain], ["SubjectLogonId", s.logonId],
        ["PrivilegeList", "-"], ["SamAccountName", name], ["DisplayName", "%%1793"], ["UserPrincipalName", "-"], ["HomeDirectory", "%%1793"],
        ["HomePath", "%%1793"], ["ScriptPath", "%%1793"], ["ProfilePath", "%%1793"], ["UserWorkstations", "%%1793"], ["PasswordLastSet", "%%1794"],
        ["AccountExpires", "%%1794"], ["PrimaryGroupId", "513"], ["AllowedToDelegateTo", "-"], ["OldUacValue", "0x0"], ["NewUacValue", "0x15"],
        ["UserAccountControl", "\r\n\t\t%%2080\r\n\t\t%%2082\r\n\t\t%%2084"], ["UserParameters", "%%1793"], ["SidHistory", "-"], ["LogonHours", "%%1797"],
      ]),
    );
  }

  /** Security 4698: a scheduled task was created. */
  taskCreated(t: number, s: Session, name: string, command: string, args: string): void {
    const head = this.header(4698, t, "security", { version: 0, task: 12804 });
    const content =
      `<?xml version="1.0" encoding="UTF-16"?>\r\n<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">\r\n` +
      `  <Triggers>\r\n    <CalendarTrigger>\r\n      <Enabled>true</Enabled>\r\n      <ScheduleByDay>\r\n        <DaysInterval>1</DaysInterval>\r\n      </ScheduleByDay>\r\n    </CalendarTrigger>\r\n  </Triggers>\r\n` +
      `  <Principals>\r\n    <Principal id="Author">\r\n      <UserId>S-1-5-18</UserId>\r\n      <RunLevel>LeastPrivilege</RunLevel>\r\n    </Principal>\r\n  </Principals>\r\n` +
      `  <Actions Context="Author">\r\n    <Exec>\r\n      <Command>${command}</Command>\r\n      <Arguments>${args}</Arguments>\r\n    </Exec>\r\n  </Actions>\r\n</Task>`;
    this.em.emit(t, "security", () =>
      winEventXml(head(), [["SubjectUserSid", s.sid], ["SubjectUserName", s.account], ["SubjectDomainName", s.domain], ["SubjectLogonId", s.logonId], ["TaskName", "\\" + name], ["TaskContent", content]]),
    );
  }

  /** Security 1102: the audit log was cleared (UserData, Eventlog provider). */
  logCleared(t: number, s: Session): void {
    const head = this.header(1102, t, "security", { ...EVENTLOG_PROVIDER, version: 0, level: 4, task: 104, keywords: "0x4020000000000000" });
    const pid = this.eventlogPid;
    this.em.emit(t, "security", () =>
      winEventXml({ ...head(), processId: pid }, [["SubjectUserSid", s.sid], ["SubjectUserName", s.account], ["SubjectDomainName", s.domain], ["SubjectLogonId", s.logonId]], {
        element: "LogFileCleared",
        xmlns: "http://manifests.microsoft.com/win/2004/08/windows/eventlog",
      }),
    );
  }

  /** The image's file name, e.g. `powershell.exe`. */
  static exe(p: Proc): string {
    return basename(p.image);
  }
}
