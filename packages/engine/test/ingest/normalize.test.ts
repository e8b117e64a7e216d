import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Dataset, columnOf, ingestBytes, valueAt } from "../../src/index.ts";
import type { Scalar } from "../../src/index.ts";

/** ECS and CIM names over Windows events: aliases where they rename, derived fields where they compute. */

const DATA = "../../../../../shared/datasets/";
const read = (rel: string) => readFileSync(new URL(DATA + rel, import.meta.url));
const SYSMON = "XmlWinEventLog:Microsoft-Windows-Sysmon/Operational";

function load(rel: string): Dataset {
  const ds = new Dataset();
  ingestBytes(ds, rel.split("/").pop()!, read(rel));
  return ds;
}

/** A reader of the first row (in time order) of `sourcetype` where `field` is `value`. */
function row(ds: Dataset, sourcetype: string, field: string, value: Scalar): (f: string) => unknown {
  for (const seg of ds.segments.filter((s) => s.sourcetype === sourcetype)) {
    const col = columnOf(seg, field);
    for (let r = 0; r < seg.rowCount; r++) {
      if (valueAt(col, r) === value) return (f) => valueAt(columnOf(seg, f), r);
    }
  }
  throw new Error(`no ${sourcetype} row with ${field}=${String(value)}`);
}

function countBy(ds: Dataset, sourcetype: string, field: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const seg of ds.segments.filter((s) => s.sourcetype === sourcetype)) {
    const col = columnOf(seg, field);
    for (let r = 0; r < seg.rowCount; r++) {
      const k = String(valueAt(col, r));
      out[k] = (out[k] ?? 0) + 1;
    }
  }
  return out;
}

describe("Sysmon", () => {
  const ds = load("evtx-derived-xmlwineventlog/sysmon_xmlwineventlog.log");

  it("event.category from EventID (counts from the file's EventIDs)", () => {
    // 1×550 + 5×3 + 10×11 + 19/20/21×2 each → process; 13×61 + 12×17 → registry; 7×17 library; 3×14 network; 11×13 + 18×1 file.
    expect(countBy(ds, SYSMON, "event.category")).toEqual({
      process: 550 + 3 + 11 + 6,
      registry: 78,
      library: 17,
      network: 14,
      file: 14,
      null: 3, // 4 (service state) and 16 (config change) have no category
    });
    expect(countBy(ds, SYSMON, "EventDescription")["Process Create"]).toBe(550);
  });

  it("process creation: ECS and CIM names, basenames, the parent pid", () => {
    const e = row(ds, SYSMON, "ProcessGuid", "{747f3d96-d6eb-5d31-0000-0010e0252500}");
    expect(e("EventCode")).toBe("1");
    expect(e("process.executable")).toBe("C:\\Windows\\System32\\consent.exe");
    expect(e("process.name")).toBe("consent.exe");
    expect(e("process_name")).toBe("consent.exe");
    expect(e("process.pid")).toBe("5828");
    expect(e("process.parent.pid")).toBe("4516");
    expect(e("parent_process_id")).toBe("4516");
    expect(e("process.parent.executable")).toBe("C:\\Windows\\System32\\svchost.exe");
    expect(e("process.parent.name")).toBe("svchost.exe");
    expect(e("process.command_line")).toBe("consent.exe 4516 288 0000023C0CA21C70");
    expect(e("user")).toBe("NT AUTHORITY\\SYSTEM");
    expect(e("user.name")).toBe("NT AUTHORITY\\SYSTEM");
    expect(e("user.domain")).toBe("NT AUTHORITY");
    expect(e("host.name")).toBe("MSEDGEWIN10");
    expect(e("dest")).toBe("MSEDGEWIN10");
    expect(e("event.type")).toBe("start");
    // Raw names stay queryable.
    expect(e("ParentProcessId")).toBe("4516");
  });

  it("network connection: source/destination in ECS and CIM", () => {
    const e = row(ds, SYSMON, "UtcTime", "2019-07-19 14:50:20.871");
    expect(e("event.category")).toBe("network");
    expect(e("source.ip")).toBe("10.0.2.15");
    expect(e("src_ip")).toBe("10.0.2.15");
    expect(e("source.port")).toBe("49727");
    expect(e("destination.ip")).toBe("172.217.17.132");
    expect(e("dest_port")).toBe("80");
    expect(e("network.transport")).toBe("tcp");
    // app is the image path (the BOTSv2 hunt extracts the basename from it with rex).
    expect(e("app")).toBe(e("Image"));
    expect(String(e("app"))).toMatch(/\\powershell\.exe$/i);
    expect(e("EventDescription")).toBe("Network connection detected");
  });

  it("image load: dll.path and dll.name", () => {
    const e = row(ds, SYSMON, "EventID", "7");
    expect(typeof e("dll.path")).toBe("string");
    expect(String(e("dll.path")).toLowerCase().endsWith(String(e("dll.name")).toLowerCase())).toBe(true);
    expect(e("event.category")).toBe("library");
  });
});

describe("Windows Security", () => {
  it("4688: hex NewProcessId/ProcessId become numeric pids; names from NewProcessName", () => {
    const ds = load("splunk-attack-data-xmlwineventlog/T1003_test2_sysmon.log");
    const e = row(ds, "XmlWinEventLog:Security", "NewProcessId", "0xe98");
    expect(e("process.pid")).toBe(0xe98);
    expect(e("process.parent.pid")).toBe(0x310);
    expect(e("process.executable")).toBe("C:\\Windows\\System32\\wbem\\WmiPrvSE.exe");
    expect(e("process.name")).toBe("WmiPrvSE.exe");
    expect(e("event.category")).toBe("process");
    expect(e("signature_id")).toBe("4688");
    expect(e("action")).toBe("success");
  });

  it("4624 logon: user is the target account, src_ip the client; 1102 names who cleared the log", () => {
    const ds = load("evtx-derived-xmlwineventlog/security_xmlwineventlog.log");
    const logon = row(ds, "XmlWinEventLog:Security", "IpAddress", "10.0.2.17");
    expect(logon("EventCode")).toBe("4624");
    expect(logon("user")).toBe("Administrator");
    expect(logon("src_ip")).toBe("10.0.2.17");
    expect(logon("src_port")).toBe("49244");
    expect(logon("event.category")).toBe("authentication");
    expect(logon("signature")).toBe("An account was successfully logged on");
    const cleared = row(ds, "XmlWinEventLog:Security", "EventCode", "1102");
    expect(["admin", "user01"]).toContain(cleared("user"));
    expect(cleared("signature")).toBe("The audit log was cleared");
  });
});

describe("ECS JSON", () => {
  it("CIM names resolve to the ECS fields of _json documents (regsvr32 data)", () => {
    const ds = load("atomic-regsvr32/normalized-T1117-AtomicRed-regsvr32.json");
    const e = row(ds, "_json", "event.category", "process");
    expect(e("process_name")).toBe(e("process.name"));
    expect(e("parent_process_path")).toBe("C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe");
    expect(e("process_id")).toBe(2012);
  });
});
