import type { ParsedEvent } from "../ingest/types.ts";
import { registerNormalizer } from "./index.ts";
import { basename, splitUser, text, toNumber } from "./util.ts";

/** Security EventCode → [ECS category, CIM signature]. */
const SECURITY_EVENTS: Record<string, [category: string, signature: string]> = {
  "1102": ["iam", "The audit log was cleared"],
  "4624": ["authentication", "An account was successfully logged on"],
  "4625": ["authentication", "An account failed to log on"],
  "4634": ["authentication", "An account was logged off"],
  "4647": ["authentication", "User initiated logoff"],
  "4648": ["authentication", "A logon was attempted using explicit credentials"],
  "4672": ["iam", "Special privileges assigned to new logon"],
  "4688": ["process", "A new process has been created"],
  "4689": ["process", "A process has exited"],
  "4698": ["configuration", "A scheduled task was created"],
  "4699": ["configuration", "A scheduled task was deleted"],
  "4702": ["configuration", "A scheduled task was updated"],
  "4720": ["iam", "A user account was created"],
  "4722": ["iam", "A user account was enabled"],
  "4724": ["iam", "An attempt was made to reset an account's password"],
  "4726": ["iam", "A user account was deleted"],
  "4728": ["iam", "A member was added to a security-enabled global group"],
  "4732": ["iam", "A member was added to a security-enabled local group"],
  "4738": ["iam", "A user account was changed"],
  "4740": ["iam", "A user account was locked out"],
  "4768": ["authentication", "A Kerberos authentication ticket (TGT) was requested"],
  "4769": ["authentication", "A Kerberos service ticket was requested"],
  "4776": ["authentication", "The computer attempted to validate the credentials for an account"],
  "5140": ["network", "A network share object was accessed"],
  "5145": ["network", "A network share object was checked to see whether client can be granted desired access"],
  "7045": ["configuration", "A service was installed in the system"],
};

/** Events whose CIM `user` is the target account (the one logging on, created, changed…), not the subject. */
const TARGET_USER = new Set(["4624", "4625", "4634", "4647", "4648", "4720", "4722", "4724", "4726", "4738", "4740", "4768", "4769", "4776"]);

/** Aliases every Windows channel shares. */
const COMMON: Record<string, string> = {
  "event.code": "EventID",
  "host.name": "Computer",
  "winlog.channel": "Channel",
  "winlog.provider_name": "Provider",
  "winlog.record_id": "EventRecordID",
  // Splunk's name for the record number; an alias, so the nearly unique value is stored once.
  RecordNumber: "EventRecordID",
  dest: "Computer",
  signature_id: "EventCode",
};

/** Where each value lives: XML Data names or the classic text's labels. */
interface SecurityNames {
  eventCode: string;
  newPid: string;
  creatorPid: string;
  exitPid: string;
  newName: string;
  exitName: string;
  parentName: string;
}

const XML_NAMES: SecurityNames = {
  eventCode: "EventID",
  newPid: "NewProcessId",
  creatorPid: "ProcessId",
  exitPid: "ProcessId",
  newName: "NewProcessName",
  exitName: "ProcessName",
  parentName: "ParentProcessName",
};

const TEXT_NAMES: SecurityNames = {
  eventCode: "EventCode",
  newPid: "New_Process_ID",
  creatorPid: "Creator_Process_ID",
  exitPid: "Process_ID",
  newName: "New_Process_Name",
  exitName: "Process_Name",
  parentName: "Creator_Process_Name",
};

/**
 * Windows Security as XML (XmlWinEventLog:Security): 4688's hex `NewProcessId`/`ProcessId`
 * become numeric `process.pid`/`process.parent.pid`; `user`, `action`, `signature` are computed
 * per EventCode; the rest (`src_ip`, `process.executable`, `process.command_line`…) are aliases.
 */
registerNormalizer({
  matches: (st) => st.toLowerCase() === "xmlwineventlog:security",
  aliases: {
    ...COMMON,
    "process.executable": "NewProcessName",
    "process.command_line": "CommandLine",
    "process.parent.executable": "ParentProcessName",
    "source.ip": "IpAddress",
    "source.port": "IpPort",
    "user.target.name": "TargetUserName",
    "user.domain": "SubjectDomainName",
    "winlog.logon.type": "LogonType",
    src_ip: "IpAddress",
    src: "IpAddress",
    src_port: "IpPort",
    src_user: "SubjectUserName",
    process_path: "NewProcessName",
    parent_process_path: "ParentProcessName",
    logon_type: "LogonType",
  },
  derive(e) {
    const f = e.fields;
    const id = text(f.EventID) ?? text(f.EventCode);
    const user = id !== null && TARGET_USER.has(id) ? text(f.TargetUserName) : text(f.SubjectUserName);
    deriveSecurity(e, XML_NAMES, user ?? text(f.TargetUserName) ?? text(f.SubjectUserName));
  },
});

/**
 * Classic Windows event text (WinEventLog:Security, as BOTSv2 indexed it): Splunk's label names
 * (`New_Process_Name`, `Account_Name` with subject then target, `Source_Network_Address`).
 */
registerNormalizer({
  matches: (st) => {
    const s = st.toLowerCase();
    return s === "wineventlog:security" || s === "wineventlog";
  },
  aliases: {
    "event.code": "EventCode",
    "host.name": "ComputerName",
    "winlog.channel": "LogName",
    "winlog.record_id": "RecordNumber",
    dest: "ComputerName",
    signature_id: "EventCode",
    "process.executable": "New_Process_Name",
    "process.command_line": "Process_Command_Line",
    "process.parent.executable": "Creator_Process_Name",
    "source.ip": "Source_Network_Address",
    "source.port": "Source_Port",
    "winlog.logon.type": "Logon_Type",
    src_ip: "Source_Network_Address",
    src: "Source_Network_Address",
    src_port: "Source_Port",
    process_path: "New_Process_Name",
    parent_process_path: "Creator_Process_Name",
    logon_type: "Logon_Type",
  },
  derive(e) {
    const f = e.fields;
    const id = text(f.EventCode);
    const accounts = Array.isArray(f.Account_Name) ? f.Account_Name.map(String) : text(f.Account_Name) ? [String(f.Account_Name)] : [];
    // Splunk's mvindex(Account_Name, 1) is the target account; [0] the subject.
    if (accounts.length > 0) f.src_user = accounts[0]!;
    const user = id !== null && TARGET_USER.has(id) && accounts.length > 1 ? accounts[1]! : (accounts[0] ?? null);
    deriveSecurity(e, TEXT_NAMES, user);
  },
});

function deriveSecurity(e: ParsedEvent, names: SecurityNames, user: string | null): void {
  const f = e.fields;
  const id = text(f[names.eventCode]) ?? text(f.EventCode);
  const known = id === null ? undefined : SECURITY_EVENTS[id];
  if (known) {
    f["event.category"] = known[0];
    f.signature = known[1];
  }
  if (id === "4688" || id === "4689") {
    const pid = toNumber(id === "4688" ? f[names.newPid] : f[names.exitPid]);
    if (pid !== null) {
      f["process.pid"] = pid;
      f.process_id = pid;
    }
    if (id === "4688") {
      const ppid = toNumber(f[names.creatorPid]);
      if (ppid !== null) {
        f["process.parent.pid"] = ppid;
        f.parent_process_id = ppid;
      }
      f["event.type"] = "start";
    } else {
      f["event.type"] = "end";
    }
    const image = text(id === "4688" ? f[names.newName] : f[names.exitName]);
    if (image) {
      const name = basename(image);
      f["process.name"] = name;
      f.process_name = name;
      f.process = name;
    }
    const parent = text(f[names.parentName]);
    if (parent) {
      f["process.parent.name"] = basename(parent);
      f.parent_process_name = basename(parent);
    }
  }
  if (user && user !== "-") {
    f.user = user;
    f["user.name"] = splitUser(user).name;
  }
  const action = auditAction(f.Keywords, id);
  if (action) {
    f.action = action;
    f["event.outcome"] = action;
  }
}

/** Audit success/failure from the Keywords bits (0x0020… success, 0x0010… failure). */
function auditAction(keywords: unknown, id: string | null): string | null {
  if (typeof keywords === "string" && /^0x[0-9a-f]{16}$/i.test(keywords)) {
    const high = parseInt(keywords.slice(2, 6), 16);
    if (high & 0x0010) return "failure";
    if (high & 0x0020) return "success";
  }
  if (keywords === "Audit Failure" || id === "4625") return "failure";
  if (keywords === "Audit Success") return "success";
  return null;
}

/** Every other Windows channel (PowerShell, System, …): the shared aliases and the ECS category. */
registerNormalizer({
  matches: (st) => {
    const s = st.toLowerCase();
    return s.startsWith("xmlwineventlog") || s.startsWith("wineventlog");
  },
  aliases: {
    ...COMMON,
    "powershell.file.script_block_text": "ScriptBlockText",
    "powershell.file.script_block_id": "ScriptBlockId",
  },
  derive(e) {
    const f = e.fields;
    const user = text(f.SubjectUserName) ?? text(f.UserID);
    if (user) f.user = user;
  },
});
