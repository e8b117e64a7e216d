import { describe, expect, it } from "vitest";
import { Dataset } from "../../src/index.ts";
import type { Scalar } from "../../src/index.ts";
import { DERIVED_DIR, allEvents, evtxFiles, load } from "./helpers.ts";
import type { StoredEvent } from "./helpers.ts";

/**
 * evtx-derived-xmlwineventlog holds the same 830 events rendered by python-evtx 0.6.1 as Splunk-style XML.
 * Both go through the engine (EVTX parser vs XmlWinEventLog parser) and must agree on every field, except
 * where python-evtx is known to differ from Windows, each handled below:
 * - FILETIME goes through a float in python-evtx, so its SystemTime is off by up to ~3 µs (ours is exact);
 * - python-evtx prints booleans as Python does (`True`), Windows and Quarry as `true`;
 * - python-evtx writes non-ASCII characters as numeric character references in the raw XML.
 */
const DERIVED = ["sysmon_xmlwineventlog.log", "security_xmlwineventlog.log", "powershell_operational_xmlwineventlog.log"];

function key(e: StoredEvent): string {
  return `${String(e.fields.Computer)}|${String(e.fields.Channel)}|${String(e.fields.EventRecordID)}`;
}

/** `2019-03-19T23:35:07.524202100Z` → nanoseconds within the day (enough to compare nearby instants). */
function nanosOfDay(t: string): number {
  const m = /T(\d\d):(\d\d):(\d\d)\.(\d+)Z$/.exec(t);
  if (!m) throw new Error(`not a SystemTime: ${t}`);
  return ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1e9 + Number(m[4]!.padEnd(9, "0").slice(0, 9));
}

/** A one-item multi-value equals its item: a column turns multi-value for a whole segment when one event
 * repeats a name (Sysmon 4 has both System `Version` and `<Data Name='Version'>`), and segments differ. */
function single(v: Scalar | Scalar[] | undefined): Scalar | Scalar[] | undefined {
  return Array.isArray(v) && v.length === 1 ? v[0] : v;
}

function sameValue(oursIn: Scalar | Scalar[] | undefined, theirsIn: Scalar | Scalar[] | undefined): boolean {
  const ours = single(oursIn);
  const theirs = single(theirsIn);
  if (Array.isArray(ours) || Array.isArray(theirs)) return JSON.stringify(ours) === JSON.stringify(theirs);
  if (ours === theirs) return true;
  return (theirs === "True" && ours === "true") || (theirs === "False" && ours === "false");
}

/** The derived raw XML with python-evtx's quirks mapped to Windows' rendering (see above). */
function normalizeTheirs(raw: string): string {
  return raw
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/>True</g, ">true<")
    .replace(/>False</g, ">false<")
    .replace(/SystemTime='[^']*'/, "SystemTime=''");
}

describe("evtx: field-by-field agreement with evtx-derived-xmlwineventlog", () => {
  const ours = new Dataset();
  const oursSummaries = load(ours, evtxFiles());
  const theirs = new Dataset();
  const theirsSummaries = load(theirs, DERIVED, DERIVED_DIR);
  const oursByKey = new Map(allEvents(ours).map((e) => [key(e), e]));
  const theirsEvents = allEvents(theirs);

  it("both sides load 830 events without problems, each (Computer, Channel, EventRecordID) once", () => {
    expect(oursSummaries.reduce((n, s) => n + s.events + s.problemTotal, 0)).toBe(830);
    expect(theirsSummaries.map((s) => s.format)).toEqual(["xmlwineventlog", "xmlwineventlog", "xmlwineventlog"]);
    expect(theirsSummaries.reduce((n, s) => n + s.events + s.problemTotal, 0)).toBe(830);
    expect(oursByKey.size).toBe(830);
    expect(new Set(theirsEvents.map(key)).size).toBe(830);
  });

  it("every field of every event agrees", () => {
    let compared = 0;
    const mismatches: string[] = [];
    for (const t of theirsEvents) {
      const o = oursByKey.get(key(t));
      if (!o) {
        mismatches.push(`${key(t)}: missing from the EVTX side`);
        continue;
      }
      const names = new Set([...Object.keys(o.fields), ...Object.keys(t.fields)]);
      for (const name of names) {
        compared++;
        const a = o.fields[name];
        const b = t.fields[name];
        if (name === "SystemTime") {
          const diff = Math.abs(nanosOfDay(String(a)) - nanosOfDay(String(b)));
          if (diff > 4000) mismatches.push(`${key(t)} SystemTime: ${String(a)} vs ${String(b)}`);
          continue;
        }
        if (!sameValue(a, b)) mismatches.push(`${key(t)} ${name}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
      }
      if (Math.abs(o.time - t.time) > 0.004) mismatches.push(`${key(t)} time: ${o.time} vs ${t.time}`);
    }
    expect(mismatches.slice(0, 20)).toEqual([]);
    // ~40 fields per event (System, EventData, sourcetype/source/host and normaliser fields).
    expect(compared).toBeGreaterThan(830 * 20);
  });

  it("the rendered XML has the shape of the derived XML", () => {
    const mismatches: string[] = [];
    for (const t of theirsEvents) {
      const o = oursByKey.get(key(t))!;
      const mine = o.raw.replace(/SystemTime='[^']*'/, "SystemTime=''");
      if (mine !== normalizeTheirs(t.raw)) mismatches.push(key(t));
    }
    expect(mismatches).toEqual([]);
  });

  it("spot checks against values read off the derived file by hand", () => {
    const ps = oursByKey.get("DESKTOP-RIPCLIP|Microsoft-Windows-PowerShell/Operational|683")!;
    expect(ps.fields.ScriptBlockId).toBe("fdd51159-9602-40cb-839d-c31039ebbc3a");
    expect(ps.fields.ActivityID).toBe("{ccad9034-7b61-0001-83cf-adcc617bd601}");
    expect(ps.fields.UserID).toBe("S-1-5-21-2895499743-3664716236-3399808827-1001");
    expect(String(ps.fields.ScriptBlockText)).toContain("&('ne'+'w-'+'item')");
    const sysmon = oursByKey.get("MSEDGEWIN10|Microsoft-Windows-Sysmon/Operational|3572")!;
    expect(sysmon.fields.Product).toBe("Microsoft® Windows® Operating System");
    expect(sysmon.fields.LogonId).toBe("0x00000000000003e7");
    expect(sysmon.fields.Keywords).toBe("0x8000000000000000");
    expect(sysmon.fields.ProviderGuid).toBe("{5770385f-c22a-43e0-bf4c-06f5698ffbd9}");
    expect(sysmon.fields.ParentProcessId).toBe("4516");
    const cleared = oursByKey.get("PC01.example.corp|Security|452811")!;
    // UserData (not EventData) leaves become fields by element name.
    expect(cleared.fields.SubjectUserName).toBe("user01");
    expect(cleared.fields.SubjectLogonId).toBe("0x0000000000017dad");
    // The record holds FILETIME 0x01d4deac62e10425 (at file offset 6129) = 23:35:07 + 5242021 ticks;
    // python-evtx's float conversion gives .524200.
    expect(cleared.fields.SystemTime).toBe("2019-03-19T23:35:07.524202100Z");
  });
});
