/**
 * Hand-written event fixtures for the view tests: Sysmon events as Splunk XmlWinEventLog text
 * (the real ingest parses them), plus NDJSON lines. Every test computes its answers by hand.
 */
import { Dataset, ingestBytes } from "../../src/index.ts";

/** One Sysmon event as XmlWinEventLog text (single quotes, no newlines, as EvtRender writes it). */
export function sysmon(eventId: number, host: string, utc: string, data: Record<string, string | number>): string {
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/'/g, "&apos;");
  const fields = Object.entries(data)
    .map(([k, v]) => `<Data Name='${k}'>${esc(String(v))}</Data>`)
    .join("");
  return (
    `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Sysmon' Guid='{5770385f-c22a-43e0-bf4c-06f5698ffbd9}'/>` +
    `<EventID>${eventId}</EventID><Version>5</Version><Level>4</Level><Task>${eventId}</Task><Opcode>0</Opcode><Keywords>0x8000000000000000</Keywords>` +
    `<TimeCreated SystemTime='${utc}'/><EventRecordID>1</EventRecordID><Correlation/><Execution ProcessID='2480' ThreadID='3748'/>` +
    `<Channel>Microsoft-Windows-Sysmon/Operational</Channel><Computer>${host}.frothly.local</Computer><Security UserID='S-1-5-18'/></System>` +
    `<EventData><Data Name='UtcTime'>${utc.replace("T", " ").replace("Z", "")}</Data>${fields}</EventData></Event>`
  );
}

/** A Sysmon process creation (event 1). */
export function proc(host: string, utc: string, pid: number, image: string, ppid: number, parentImage: string, extra: Record<string, string> = {}): string {
  return sysmon(1, host, utc, {
    ProcessGuid: extra.ProcessGuid ?? `{g-${host}-${pid}}`,
    ProcessId: pid,
    Image: image,
    CommandLine: extra.CommandLine ?? image,
    User: extra.User ?? "FROTHLY\\service3",
    ParentProcessGuid: extra.ParentProcessGuid ?? `{g-${host}-${ppid}}`,
    ParentProcessId: ppid,
    ParentImage: parentImage,
    ParentCommandLine: extra.ParentCommandLine ?? parentImage,
  });
}

/** Loads text through the real ingest into a new dataset. */
export function load(...files: Array<[name: string, text: string]>): Dataset {
  const ds = new Dataset();
  for (const [name, text] of files) {
    const s = ingestBytes(ds, name, new TextEncoder().encode(text));
    if (s.problemTotal > 0) throw new Error(`fixture ${name} did not load cleanly: ${JSON.stringify(s.problems)}`);
  }
  return ds;
}

export const SYS32 = "C:\\Windows\\System32\\";
export const PS = "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe";

/** A Windows Security 4688 (process creation) event as XmlWinEventLog text: pids in hex, the creator's pid in ProcessId. */
export function security4688(host: string, utc: string, newPid: number, image: string, creatorPid: number, parentImage: string, user: string, commandLine: string): string {
  const data: Record<string, string> = {
    SubjectUserSid: "S-1-5-21-1-2-3-1105",
    SubjectUserName: user,
    SubjectDomainName: "FROTHLY",
    SubjectLogonId: "0x171491a",
    NewProcessId: "0x" + newPid.toString(16),
    NewProcessName: image,
    TokenElevationType: "%%1936",
    ProcessId: "0x" + creatorPid.toString(16),
    CommandLine: commandLine,
    ParentProcessName: parentImage,
  };
  const fields = Object.entries(data)
    .map(([k, v]) => `<Data Name='${k}'>${v.replace(/&/g, "&amp;").replace(/</g, "&lt;")}</Data>`)
    .join("");
  return (
    `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Security-Auditing' Guid='{54849625-5478-4994-a5ba-3e3b0328c30d}'/>` +
    `<EventID>4688</EventID><Version>2</Version><Level>0</Level><Task>13312</Task><Opcode>0</Opcode><Keywords>0x8020000000000000</Keywords>` +
    `<TimeCreated SystemTime='${utc}'/><EventRecordID>7</EventRecordID><Correlation/><Execution ProcessID='4' ThreadID='8'/>` +
    `<Channel>Security</Channel><Computer>${host}.frothly.local</Computer><Security/></System><EventData>${fields}</EventData></Event>`
  );
}
