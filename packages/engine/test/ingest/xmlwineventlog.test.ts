import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Dataset, columnOf, ingestBytes, valueAt } from "../../src/index.ts";
import type { Segment } from "../../src/index.ts";
import { winEventFromXml } from "../../src/ingest/winevent.ts";

const DATA = "../../../../../shared/datasets/";
const read = (rel: string) => readFileSync(new URL(DATA + rel, import.meta.url));
const enc = (s: string) => new TextEncoder().encode(s);

/** Every row's value of a field across the segments of a sourcetype. */
function values(ds: Dataset, sourcetype: string, field: string): unknown[] {
  const out: unknown[] = [];
  for (const seg of ds.segments.filter((s: Segment) => s.sourcetype === sourcetype)) {
    const col = columnOf(seg, field);
    for (let r = 0; r < seg.rowCount; r++) out.push(valueAt(col, r));
  }
  return out;
}

function count(list: unknown[], v: unknown): number {
  return list.filter((x) => x === v).length;
}

const ATTACK_DATA: Array<[string, number, number, number, number]> = [
  // file, events, Sysmon 1, Sysmon 22, Security 4688 (PROVENANCE.md)
  ["T1003_test_sysmon.log", 5, 3, 0, 2],
  ["T1003_test2_sysmon.log", 5, 1, 1, 3],
  ["T1003_test3_sysmon.log", 5, 3, 0, 2],
  ["T1003_test4_sysmon.log", 5, 2, 0, 3],
  ["T1003_test5_sysmon.log", 10, 5, 1, 4],
  ["T1003.002_atomic_sysmon.log", 10, 4, 1, 5],
];

describe("XmlWinEventLog: splunk/attack_data samples", () => {
  for (const [file, events, s1, s22, s4688] of ATTACK_DATA) {
    it(`${file}: ${events} events with the stated EventID mix`, () => {
      const ds = new Dataset();
      const sum = ingestBytes(ds, file, read("splunk-attack-data-xmlwineventlog/" + file));
      expect(sum.format).toBe("xmlwineventlog");
      expect(sum.events).toBe(events);
      const sysmon = "XmlWinEventLog:Microsoft-Windows-Sysmon/Operational";
      const ids = values(ds, sysmon, "EventCode");
      expect(count(ids, "1")).toBe(s1);
      expect(count(ids, "22")).toBe(s22);
      expect(count(values(ds, "XmlWinEventLog:Security", "EventCode"), "4688")).toBe(s4688);
      expect(sum.sourcetypes["XmlWinEventLog:Security"]).toBe(s4688);
      if (file === "T1003_test_sysmon.log") {
        // The JSON-quoted file: reported once, every event loaded, backslashes un-doubled.
        expect(sum.problemTotal).toBe(1);
        expect(sum.problems[0]).toMatchObject({ file, line: 1 });
        expect(sum.problems[0]!.reason).toMatch(/^JSON-quoted XML/);
        expect(values(ds, sysmon, "Image")).toContain("C:\\Program Files\\SplunkUniversalForwarder\\bin\\splunk-netmon.exe");
      } else {
        expect(sum.problemTotal).toBe(0);
      }
    });
  }

  it("reads System, EventData, host and time of a Sysmon process event", () => {
    const ds = new Dataset();
    ingestBytes(ds, "t2.log", read("splunk-attack-data-xmlwineventlog/T1003_test2_sysmon.log"));
    const seg = ds.segments.find((s) => s.sourcetype.endsWith("Sysmon/Operational"))!;
    const row = [...Array(seg.rowCount).keys()].find((r) => valueAt(columnOf(seg, "EventID"), r) === "1")!;
    const v = (f: string) => valueAt(columnOf(seg, f), row);
    expect(v("host")).toBe("ar-win-1");
    expect(v("Computer")).toBe("ar-win-1");
    expect(v("source")).toBe("XmlWinEventLog:Microsoft-Windows-Sysmon/Operational");
    expect(v("Provider")).toBe("Microsoft-Windows-Sysmon");
    expect(v("UserID")).toBe("S-1-5-18");
    expect(Math.floor(seg.time[row]!)).toBe(Date.parse(String(v("SystemTime")).slice(0, 23) + "Z"));
    expect(seg.raw[row]!.startsWith("<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'>")).toBe(true);
  });
});

describe("XmlWinEventLog: events derived from EVTX-ATTACK-SAMPLES", () => {
  it("sysmon: 696 events", () => {
    const ds = new Dataset();
    const sum = ingestBytes(ds, "sysmon.log", read("evtx-derived-xmlwineventlog/sysmon_xmlwineventlog.log"), 4096);
    expect(sum.events).toBe(696);
    expect(sum.problemTotal).toBe(0);
    // Entities decoded: &#174; is ®.
    expect(values(ds, "XmlWinEventLog:Microsoft-Windows-Sysmon/Operational", "Product")).toContain(
      "Microsoft® Windows® Operating System",
    );
  });

  it("security: 133 events over 359 lines, with CR/LF inside values and UserData (1102)", () => {
    const ds = new Dataset();
    const sum = ingestBytes(ds, "security.log", read("evtx-derived-xmlwineventlog/security_xmlwineventlog.log"), 1000);
    expect(sum.events).toBe(133);
    expect(sum.problemTotal).toBe(0);
    const ids = values(ds, "XmlWinEventLog:Security", "EventID");
    const users = values(ds, "XmlWinEventLog:Security", "SubjectUserName");
    const cleared = ids.map((id, i) => (id === "1102" ? users[i] : undefined)).filter((u) => u !== undefined);
    expect(cleared).toEqual(expect.arrayContaining(["admin", "user01"]));
    expect(values(ds, "XmlWinEventLog:Security", "AccessList")).toContain("%%4432\r\n\t\t\t\t");
  });

  it("powershell: 1 event (4104)", () => {
    const ds = new Dataset();
    const sum = ingestBytes(ds, "ps.log", read("evtx-derived-xmlwineventlog/powershell_operational_xmlwineventlog.log"));
    expect(sum.events).toBe(1);
    expect(sum.sourcetypes).toEqual({ "XmlWinEventLog:Microsoft-Windows-PowerShell/Operational": 1 });
  });
});

describe("winEventFromXml", () => {
  it("double quotes, unnamed Data, entities, FQDN host, ActivityID", () => {
    const e = winEventFromXml(
      '<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="P" Guid="{g}"/>' +
        '<EventID Qualifiers="0">7045</EventID><TimeCreated SystemTime="2017-08-24T03:45:03.1234567Z"/>' +
        '<Correlation ActivityID="{a}"/><Channel>System</Channel><Computer>wrk-btun.frothly.local</Computer></System>' +
        "<EventData><Data>one</Data><Data>a &amp; b &lt;c&gt; &#x41;</Data></EventData></Event>",
    );
    expect(e.host).toBe("wrk-btun");
    expect(e.sourcetype).toBe("XmlWinEventLog:System");
    expect(e.fields.EventCode).toBe("7045");
    expect(e.fields.ActivityID).toBe("{a}");
    expect(e.fields.Data).toEqual(["one", "a & b <c> A"]);
    expect(e.time).toBeCloseTo(Date.UTC(2017, 7, 24, 3, 45, 3) + 123.4567, 3);
  });

  it("throws positioned errors on malformed XML", () => {
    expect(() => winEventFromXml("<Event><System><EventID>1</System></Event>")).toThrow(/offset \d+: expected <\/EventID>/);
    expect(() => winEventFromXml("<Event><System>")).toThrow(/not closed/);
    expect(() => winEventFromXml("<Foo/>")).toThrow(/root element/);
    expect(() => winEventFromXml("<Event><Data Name=x>1</Data></Event>")).toThrow(/not quoted/);
  });

  it("a broken event in a file is reported with its line; the others load", () => {
    const good = (n: number) =>
      `<Event xmlns='x'><System><EventID>${n}</EventID><Channel>Security</Channel><Computer>h</Computer></System></Event>`;
    const text = [good(1), "<Event xmlns='x'><System><EventID>2</EventID>", good(3), "garbage line", good(4), ""].join("\n");
    const ds = new Dataset();
    const sum = ingestBytes(ds, "b.log", enc(text), 7);
    expect(sum.events).toBe(3);
    expect(sum.problems.map((p) => [p.line, p.reason.split(":")[0]])).toEqual([
      [2, "truncated event"],
      [4, "text outside events"],
    ]);
  });
});

describe("winEventFromXml time", () => {
  it("falls back to Sysmon UtcTime when TimeCreated is missing", () => {
    const e = winEventFromXml(
      "<Event><System><EventID>1</EventID><Channel>Microsoft-Windows-Sysmon/Operational</Channel></System>" +
        "<EventData><Data Name='UtcTime'>2017-08-24 03:45:03.121</Data></EventData></Event>",
    );
    expect(e.time).toBe(Date.UTC(2017, 7, 24, 3, 45, 3, 121));
    expect(e.host).toBeUndefined();
  });
});
