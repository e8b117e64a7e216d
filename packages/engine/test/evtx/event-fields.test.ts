import { describe, expect, it } from "vitest";
import { ChunkDecoder } from "../../src/ingest/evtx/binxml.ts";
import { hasChunkMagic, parseChunk } from "../../src/ingest/evtx/chunk.ts";
import { eventFromNodes } from "../../src/ingest/evtx/event-fields.ts";
import type { ParsedEvent } from "../../src/ingest/types.ts";
import { winEventFromXml } from "../../src/ingest/winevent.ts";
import { BinXmlWriter, le, wstr } from "./binxml-writer.ts";
import { evtxFiles, readSample } from "./helpers.ts";

/**
 * EVTX events take their fields from the BinXML nodes (event-fields.ts) instead of parsing the
 * rendered XML; whenever that walk answers, it must be exactly what parsing the XML gives (values,
 * multi-values, field order, time, sourcetype, host). Checked on every record of the sample files
 * and on random records built token by token with every construct BinXML has.
 */

function transcript(e: ParsedEvent): string {
  return JSON.stringify([e.time, e.raw, Object.entries(e.fields), e.sourcetype, e.source, e.host]);
}

/** The XML parser's answer, or its error. */
function parsed(xml: string): string {
  try {
    return transcript(winEventFromXml(xml));
  } catch (e) {
    return `error: ${(e as Error).message}`;
  }
}

describe("evtx: fields from the BinXML nodes", () => {
  it("equal the parsed XML for all 830 sample records, none left to the parser", () => {
    let records = 0;
    // Collected, not asserted in the callback: parseChunk reports what a record callback throws.
    const mismatches: string[] = [];
    const problems: string[] = [];
    for (const name of evtxFiles()) {
      const b = readSample(name);
      for (let base = 4096; base + 512 <= b.length; base += 0x10000) {
        const chunk = b.subarray(base, Math.min(b.length, base + 0x10000));
        // Preallocated space after the last chunk is not a chunk.
        if (!hasChunkMagic(chunk)) continue;
        parseChunk(chunk, base, {
          record(xml, offset, nodes) {
            records++;
            const event = eventFromNodes(nodes, xml);
            if (event === null || transcript(event) !== parsed(xml)) mismatches.push(`${name} @${offset}: ${event ? transcript(event) : "null"}`);
          },
          problem(offset, reason) {
            problems.push(`${name} @${offset}: ${reason}`);
          },
        });
      }
    }
    expect(records).toBe(830);
    expect(problems).toEqual([]);
    expect(mismatches).toEqual([]);
  });

  it("equal the parsed XML for random records with every construct, or leave them to the parser", () => {
    const rnd = prng(11);
    let answered = 0;
    let left = 0;
    for (let round = 0; round < 3000; round++) {
      const w = new BinXmlWriter();
      const start = w.pos;
      w.fragment();
      if (rnd() < 0.7) {
        const values: Array<[number, number[]]> = [];
        w.template((t) => {
          t.fragment();
          randomRecord(t, rnd, values);
          t.eof();
        }, values);
      } else {
        randomRecord(w, rnd, null);
      }
      w.eof();
      const decoder = new ChunkDecoder(w.bytes);
      let xml: string;
      try {
        xml = decoder.render(start, w.pos);
      } catch {
        continue;
      }
      const event = eventFromNodes(decoder.lastNodes, xml);
      if (event === null) {
        left++;
        continue;
      }
      answered++;
      expect(transcript(event), xml).toBe(parsed(xml));
    }
    // Both outcomes occur, so the comparison covered the walk's answers and its refusals.
    expect(answered).toBeGreaterThan(1000);
    expect(left).toBeGreaterThan(100);
  });

  it("a BinXML value (UserData) is walked in place", () => {
    const outer = (w: BinXmlWriter, inner: ArrayLike<number>) => {
      w.fragment();
      w.template(
        (t) => t.fragment().open("Event").closeStart().open("UserData").closeStart().subst(0, 0x21).end().end().eof(),
        [[0x21, inner]],
      );
      w.eof();
    };
    const dry = new BinXmlWriter();
    outer(dry, []);
    const valueAt = dry.pos - 1;
    const nested = new BinXmlWriter(valueAt);
    nested.fragment();
    nested.template(
      (t) =>
        t.fragment().open("LogFileCleared").closeStart().open("SubjectUserName").closeStart().subst(0, 0x01).end().open("N").closeEmpty().end().eof(),
      [[0x01, wstr("admin")]],
    );
    nested.eof();
    const w = new BinXmlWriter();
    const start = w.pos;
    outer(w, nested.bytes.slice(valueAt, nested.pos));
    const decoder = new ChunkDecoder(w.bytes);
    const xml = decoder.render(start, w.pos);
    const event = eventFromNodes(decoder.lastNodes, xml);
    expect(event?.fields).toEqual({ SubjectUserName: "admin", N: "" });
    expect(transcript(event!)).toBe(parsed(xml));
  });
});

function prng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) & 0x7fffffff;
    return s / 0x80000000;
  };
}

const TEXT_CHARS = ["a", "b", "Z", "0", " ", "&", "<", ">", "'", '"', ";", "#", "\u0001", "\u0000", "é", "]]>", "?>", "\n", "&amp;", "\t"];
const SYSTEM = ["Provider", "EventID", "Version", "Level", "TimeCreated", "EventRecordID", "Correlation", "Execution", "Channel", "Computer", "Security", "Keywords"];
const ATTRS = ["Name", "Guid", "SystemTime", "ProcessID", "ThreadID", "ActivityID", "UserID", "x", "a:b", "n m", "q=1", ""];
/** The attributes each System child is read by. */
const SYSTEM_ATTRS: Record<string, string[]> = {
  Provider: ["Name", "Guid", "EventSourceName"],
  TimeCreated: ["SystemTime"],
  Execution: ["ProcessID", "ThreadID"],
  Security: ["UserID"],
  Correlation: ["ActivityID", "RelatedActivityID"],
  EventID: ["Qualifiers"],
};
const OTHER = ["Data", "Foo", "Binary", "ns:Data", "Event", "a b", "x>y", "!x", "?p", "", "Leaf"];

function pick<T>(rnd: () => number, list: T[]): T {
  return list[Math.floor(rnd() * list.length)]!;
}

function randomText(rnd: () => number): string {
  let s = "";
  const n = Math.floor(rnd() * 6);
  for (let i = 0; i < n; i++) s += pick(rnd, TEXT_CHARS);
  return s;
}

/** A random value for a substitution: [type, bytes]. */
function randomValue(rnd: () => number): [number, number[]] {
  switch (Math.floor(rnd() * 8)) {
    case 0:
      return [0x00, []];
    case 1:
      return [0x08, le(Math.floor(rnd() * 100000), 4)];
    case 2:
      return [0x0f, Array.from({ length: 16 }, () => Math.floor(rnd() * 256))];
    case 3:
      return [0x81, [...wstr(randomText(rnd) || "x"), 0, 0, ...wstr(randomText(rnd)), 0, 0]];
    case 4:
      return [0x15, le(BigInt(Math.floor(rnd() * 1e9)), 8)];
    default: {
      const t = randomText(rnd);
      return [0x01, rnd() < 0.5 ? wstr(t) : [...wstr(t), 0, 0]];
    }
  }
}

/** Text-like content: text, character or entity reference, CDATA, processing instruction, or a substitution. */
function randomContent(w: BinXmlWriter, rnd: () => number, values: Array<[number, number[]]> | null, inAttr: boolean): void {
  const r = rnd();
  if (values && r < 0.35) {
    values.push(randomValue(rnd));
    w.subst(values.length - 1, values[values.length - 1]![0], rnd() < 0.3);
  } else if (r < 0.65) w.text(randomText(rnd));
  else if (r < 0.75) w.charRef(Math.floor(rnd() * 200));
  else if (r < 0.85) w.entityRef(pick(rnd, ["amp", "lt", "gt", "quot", "apos", "bogus", "a<b", "x'y", "lt;x", "abcdefghijklm"]));
  else if (!inAttr && r < 0.93) w.cdata(randomText(rnd));
  else if (!inAttr) w.pi(pick(rnd, ["xml-stylesheet", "p", "a?>b"]), randomText(rnd));
  else w.text(randomText(rnd));
}

function randomElement(w: BinXmlWriter, rnd: () => number, values: Array<[number, number[]]> | null, depth: number, section: string): void {
  let name: string;
  if (depth === 0) name = rnd() < 0.9 ? "Event" : pick(rnd, OTHER);
  else if (depth === 1) name = pick(rnd, ["System", "EventData", "UserData", "RenderingInfo", "ns:EventData"]);
  else if (depth === 2 && section === "System") name = pick(rnd, SYSTEM);
  else name = rnd() < 0.6 ? "Data" : pick(rnd, OTHER);
  const attrCount = rnd() < 0.5 ? 0 : 1 + Math.floor(rnd() * 2);
  // Template bodies carry dependency ids; elements written in a record may not.
  w.open(name, attrCount > 0, values !== null || rnd() < 0.5);
  for (let a = 0; a < attrCount; a++) {
    // Data Names in EventData and the attributes System children are read by, mostly.
    const attr =
      depth !== 2 || rnd() < 0.3 ? pick(rnd, ATTRS) : section === "System" ? pick(rnd, SYSTEM_ATTRS[name] ?? ATTRS) : "Name";
    w.attr(attr);
    if (values && rnd() < 0.4) {
      // One optional value, as Windows templates write most attributes: empty drops the attribute.
      values.push(rnd() < 0.5 ? [0x00, []] : randomValue(rnd));
      w.subst(values.length - 1, values[values.length - 1]![0], true);
      continue;
    }
    const parts = 1 + Math.floor(rnd() * 2);
    for (let k = 0; k < parts; k++) randomContent(w, rnd, values, true);
  }
  if (rnd() < 0.2) {
    w.closeEmpty();
    return;
  }
  w.closeStart();
  const children = Math.floor(rnd() * (depth < 2 ? 5 : 3));
  for (let c = 0; c < children; c++) {
    if (depth < 4 && rnd() < (depth < 2 ? 0.8 : 0.3)) randomElement(w, rnd, values, depth + 1, depth === 1 ? name : section);
    else randomContent(w, rnd, values, false);
  }
  w.end();
}

function randomRecord(w: BinXmlWriter, rnd: () => number, values: Array<[number, number[]]> | null): void {
  if (rnd() < 0.05) w.text(pick(rnd, [" ", "\n", "x", "&amp;"]));
  randomElement(w, rnd, values, 0, "");
  if (rnd() < 0.05) {
    if (rnd() < 0.5) w.text(pick(rnd, [" ", "x"]));
    else randomElement(w, rnd, values, 0, "");
  }
}
