import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Dataset } from "../../src/index.ts";
import { EVTX_DIR, allEvents, evtxFiles, load } from "./helpers.ts";

/** One row of the table in evtx-attack-samples/PROVENANCE.md (counts made there with python-evtx). */
interface ProvenanceRow {
  file: string;
  events: number;
  byChannelEvent: Record<string, number>;
  computer: string;
  first: number;
  last: number;
}

/** `2019-03-19 23:35:07.524200` (UTC) → ms since the epoch, keeping the microseconds. */
function microsMs(text: string): number {
  const [secs, frac = "0"] = text.trim().split(".");
  return Date.parse(secs!.replace(" ", "T") + "Z") + Number(frac.padEnd(6, "0")) / 1000;
}

function provenance(): ProvenanceRow[] {
  const text = readFileSync(new URL("PROVENANCE.md", EVTX_DIR), "utf8");
  const rows: ProvenanceRow[] = [];
  for (const line of text.split("\n")) {
    const cells = line.split("|").map((c) => c.trim());
    if (cells.length < 8 || !cells[1]!.endsWith(".evtx")) continue;
    const byChannelEvent: Record<string, number> = {};
    for (const part of cells[4]!.split(";")) {
      const m = /^(.+):(\d+)x(\d+)$/.exec(part.trim());
      if (m) byChannelEvent[`${m[1]}:${m[2]}`] = Number(m[3]);
    }
    const [from, to] = cells[6]!.split("..");
    rows.push({
      file: cells[1]!,
      events: Number(cells[3]),
      byChannelEvent,
      computer: cells[5]!,
      first: microsMs(from!),
      last: microsMs(to!),
    });
  }
  return rows;
}

describe("evtx: the 15 EVTX-ATTACK-SAMPLES files", () => {
  const rows = provenance();

  it("PROVENANCE lists all 15 files with 830 events", () => {
    expect(rows.map((r) => r.file).sort()).toEqual(evtxFiles());
    expect(rows.reduce((n, r) => n + r.events, 0)).toBe(830);
  });

  for (const row of rows) {
    it(`${row.file}: ${row.events} events, channels, event ids, computer and time range as PROVENANCE states`, () => {
      const ds = new Dataset();
      const [summary] = load(ds, [row.file]);
      expect(summary!.format).toBe("evtx");
      expect(summary!.problems).toEqual([]);
      expect(summary!.events).toBe(row.events);
      const events = allEvents(ds);
      expect(events).toHaveLength(row.events);
      const counts: Record<string, number> = {};
      for (const e of events) {
        const key = `${e.fields.Channel as string}:${e.fields.EventID as string}`;
        counts[key] = (counts[key] ?? 0) + 1;
        expect(e.fields.Computer).toBe(row.computer);
        expect(e.fields.sourcetype).toBe(`XmlWinEventLog:${e.fields.Channel as string}`);
        expect(e.fields.host).toBe(row.computer.split(".")[0]);
      }
      expect(counts).toEqual(row.byChannelEvent);
      // python-evtx (which made PROVENANCE) converts FILETIME through a float and is off by up to ~3 µs.
      const times = events.map((e) => e.time);
      expect(Math.abs(Math.min(...times) - row.first)).toBeLessThan(0.004);
      expect(Math.abs(Math.max(...times) - row.last)).toBeLessThan(0.004);
    });
  }

  it("all 15 files together: 830 events in three sourcetypes, no problems", () => {
    const ds = new Dataset();
    const summaries = load(ds, evtxFiles());
    expect(summaries.reduce((n, s) => n + s.events, 0)).toBe(830);
    expect(summaries.reduce((n, s) => n + s.problemTotal, 0)).toBe(0);
    const sourcetypes: Record<string, number> = {};
    for (const s of summaries) for (const [k, v] of Object.entries(s.sourcetypes)) sourcetypes[k] = (sourcetypes[k] ?? 0) + v;
    expect(sourcetypes).toEqual({
      "XmlWinEventLog:Security": 133,
      "XmlWinEventLog:Microsoft-Windows-Sysmon/Operational": 696,
      "XmlWinEventLog:Microsoft-Windows-PowerShell/Operational": 1,
    });
  });
});
