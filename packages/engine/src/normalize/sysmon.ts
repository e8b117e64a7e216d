import type { ParsedEvent } from "../ingest/types.ts";
import { registerNormalizer } from "./index.ts";
import { basename, splitUser, text } from "./util.ts";

/** Sysmon EventID → ECS event.category and Splunk's EventDescription. */
const SYSMON_EVENTS: Record<string, [category: string | null, description: string]> = {
  "1": ["process", "Process Create"],
  "2": ["file", "File creation time changed"],
  "3": ["network", "Network connection detected"],
  "4": [null, "Sysmon service state changed"],
  "5": ["process", "Process terminated"],
  "6": ["driver", "Driver loaded"],
  "7": ["library", "Image loaded"],
  "8": ["process", "CreateRemoteThread detected"],
  "9": ["file", "RawAccessRead detected"],
  "10": ["process", "Process accessed"],
  "11": ["file", "File created"],
  "12": ["registry", "Registry object added or deleted"],
  "13": ["registry", "Registry value set"],
  "14": ["registry", "Registry object renamed"],
  "15": ["file", "File stream created"],
  "16": [null, "Sysmon config state changed"],
  "17": ["file", "Pipe Created"],
  "18": ["file", "Pipe Connected"],
  "19": ["process", "WmiEventFilter activity detected"],
  "20": ["process", "WmiEventConsumer activity detected"],
  "21": ["process", "WmiEventConsumerToFilter activity detected"],
  "22": ["dns", "Dns query"],
  "23": ["file", "File Delete archived"],
  "24": [null, "Clipboard changed"],
  "25": ["process", "Process Tampering"],
  "26": ["file", "File Delete logged"],
  "255": [null, "Error"],
};

/** ECS event.type for the process lifecycle, as EQL's `event.type` filters expect. */
const EVENT_TYPES: Record<string, string> = { "1": "start", "5": "end", "11": "creation", "23": "deletion", "26": "deletion" };

/**
 * Sysmon (XmlWinEventLog:Microsoft-Windows-Sysmon/Operational): raw Data names stay; ECS and CIM
 * names are aliases of them; computed values (category, basenames, user split) are derived.
 */
registerNormalizer({
  matches: (st) => st.toLowerCase().endsWith("microsoft-windows-sysmon/operational"),
  aliases: {
    "event.code": "EventID",
    // Splunk's name for the record number; an alias, so the nearly unique value is stored once.
    RecordNumber: "EventRecordID",
    "host.name": "Computer",
    // Kept whole (DOMAIN\user), as the views and Splunk's `user` show it; user.domain is split out.
    "user.name": "User",
    "process.executable": "Image",
    "process.pid": "ProcessId",
    "process.entity_id": "ProcessGuid",
    "process.command_line": "CommandLine",
    "process.working_directory": "CurrentDirectory",
    "process.parent.executable": "ParentImage",
    "process.parent.pid": "ParentProcessId",
    "process.parent.entity_id": "ParentProcessGuid",
    "process.parent.command_line": "ParentCommandLine",
    "dll.path": "ImageLoaded",
    "file.path": "TargetFilename",
    "registry.path": "TargetObject",
    "registry.data.strings": "Details",
    "dns.question.name": "QueryName",
    "source.ip": "SourceIp",
    "source.port": "SourcePort",
    "source.domain": "SourceHostname",
    "destination.ip": "DestinationIp",
    "destination.port": "DestinationPort",
    "destination.domain": "DestinationHostname",
    "network.transport": "Protocol",
    // The BOTSv2 hunt extracts the process basename with `rex field=app "\\\\(?<APP>...)"`: app is the full image path.
    app: "Image",
    process_path: "Image",
    process_id: "ProcessId",
    parent_process_id: "ParentProcessId",
    parent_process_path: "ParentImage",
    user: "User",
    dest: "Computer",
    src_ip: "SourceIp",
    src_port: "SourcePort",
    src_host: "SourceHostname",
    dest_ip: "DestinationIp",
    dest_port: "DestinationPort",
    dest_host: "DestinationHostname",
    transport: "Protocol",
    signature_id: "EventCode",
    query: "QueryName",
    file_path: "TargetFilename",
    registry_path: "TargetObject",
  },
  derive: deriveSysmon,
});

function deriveSysmon(e: ParsedEvent): void {
  const f = e.fields;
  const id = text(f.EventID);
  const known = id === null ? undefined : SYSMON_EVENTS[id];
  if (known) {
    if (known[0]) f["event.category"] = known[0];
    f.EventDescription = known[1];
    f.signature = known[1];
  }
  const type = id === null ? undefined : EVENT_TYPES[id];
  if (type) f["event.type"] = type;
  const image = text(f.Image);
  if (image) {
    const name = basename(image);
    f["process.name"] = name;
    f.process_name = name;
    f.process = name;
    f.process_exec = name;
  }
  const parent = text(f.ParentImage);
  if (parent) {
    const name = basename(parent);
    f["process.parent.name"] = name;
    f.parent_process_name = name;
    f.parent_process = name;
  }
  const loaded = text(f.ImageLoaded);
  if (loaded) f["dll.name"] = basename(loaded);
  const target = text(f.TargetFilename);
  if (target) f["file.name"] = basename(target);
  const user = text(f.User);
  if (user) {
    const u = splitUser(user);
    if (u.domain) f["user.domain"] = u.domain;
  }
}
