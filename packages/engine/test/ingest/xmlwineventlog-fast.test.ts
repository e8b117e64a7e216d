import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { ParsedEvent, ParseProblem } from "../../src/ingest/types.ts";
import { openXmlWinEventParser, type XmlReadCounts } from "../../src/ingest/xmlwineventlog.ts";

/**
 * The XmlWinEventLog parser reads most events by fast paths (learned shapes, the tokenizer in
 * place); every event and problem must be exactly what the exact path (cut at the first
 * `</Event>`, parse the slice) gives. Real files, and the same files damaged at random places
 * with markup, entities, quotes, nested or broken events, cut into random chunks.
 */

const DATA = new URL("../../../../../shared/datasets/", import.meta.url);

function files(): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const dir of ["splunk-attack-data-xmlwineventlog", "evtx-derived-xmlwineventlog"]) {
    for (const f of readdirSync(new URL(dir, DATA))) {
      if (!f.endsWith(".md")) out.push([`${dir}/${f}`, readFileSync(new URL(`${dir}/${f}`, DATA), "utf8")]);
    }
  }
  return out;
}

/** Everything a parser reports, in order, with field order kept. */
function transcript(fast: boolean, chunks: string[]): { lines: string[]; counts: XmlReadCounts } {
  const lines: string[] = [];
  const parser = openXmlWinEventParser(
    {
      event: (e: ParsedEvent) => lines.push(JSON.stringify([e.time, e.raw, Object.entries(e.fields), e.sourcetype, e.source, e.host])),
      problem: (p: ParseProblem) => lines.push("problem " + JSON.stringify(p)),
    },
    fast,
  );
  for (const c of chunks) parser.write(c);
  parser.end();
  return { lines, counts: parser.counts };
}

function prng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) & 0x7fffffff;
    return s / 0x80000000;
  };
}

const DAMAGE = [
  "<!-- c -->", "<!-- </Event> -->", "<![CDATA[x<y]]>", "<![CDATA[</Event>]]>", "<?pi x?>", "<!DOCTYPE x>",
  "&amp;", "&lt;", "&#65;", "&#x42;", "&bogus;", "&", "<Event>", "<Event/>", "</Event>", "<Event xmlns='a'>",
  "</Event >", "< Event>", "<Data Name='Z'>q</Data>", "<Data>u</Data>", "<Data/>", '<Data Name="dq">d</Data>',
  "<a:b x='1'>t</a:b>", "<x y='<Event>'/>", "<x y='a<b'>c</x>", "\n", " ", "\r\n", "<", ">", "'", '"', "=", "/",
  "<Data Name='&lt;n'>v</Data>", "<EventX>", "</Data>", "<UserData><A><B>1</B></A></UserData>",
  "<Data Name='Channel'>dup</Data>", "<Data Name='Image'>again</Data>", "</System>", "<Event\t", "<Event/", "x",
  "\u0000", "é", "<Events>", "</Events>", "<?xml version='1.0'?>", "<Correlation ActivityID=''/>",
];

function damage(text: string, rnd: () => number): string {
  let t = text;
  const edits = 1 + Math.floor(rnd() * 4);
  for (let j = 0; j < edits; j++) {
    const at = Math.floor(rnd() * (t.length + 1));
    const r = rnd();
    if (r < 0.6) t = t.slice(0, at) + DAMAGE[Math.floor(rnd() * DAMAGE.length)] + t.slice(at);
    else if (r < 0.85) t = t.slice(0, at) + t.slice(at + 1 + Math.floor(rnd() * 20));
    else t = t.slice(0, at) + t.slice(at, at + 30) + t.slice(at);
  }
  return t;
}

function chunked(text: string, rnd: () => number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; ) {
    const n = 1 + Math.floor(rnd() * (rnd() < 0.3 ? 50 : 5000));
    out.push(text.slice(i, i + n));
    i += n;
  }
  return out;
}

describe("XmlWinEventLog fast paths", () => {
  const all = files();

  it("read the dataset files exactly as the exact path, mostly by learned shapes", () => {
    const rnd = prng(1);
    for (const [name, text] of all) {
      const chunks = chunked(text, rnd);
      const fast = transcript(true, chunks);
      const exact = transcript(false, chunks);
      expect(fast.lines, name).toEqual(exact.lines);
      expect(exact.counts.shape + exact.counts.inText).toBe(0);
      if (exact.counts.exact > 20) expect(fast.counts.shape, name).toBeGreaterThan(fast.counts.exact + fast.counts.inText);
    }
  });

  it("agree with the exact path on damaged text, event by event and problem by problem", () => {
    const rnd = prng(7);
    const totals: XmlReadCounts = { shape: 0, inText: 0, exact: 0 };
    for (let round = 0; round < 400; round++) {
      const [, text] = all[Math.floor(rnd() * all.length)]!;
      // A window of whole and partial events around a damaged spot; the shapes are learned from
      // the undamaged events before it.
      const from = Math.floor(rnd() * Math.max(1, text.length - 20000));
      const window = text.slice(from, from + 2000 + Math.floor(rnd() * 15000));
      const start = text.indexOf("<Event", from);
      const input = (start >= 0 ? text.slice(start, start + 6000) : "") + damage(window, rnd);
      const chunks = chunked(input, rnd);
      const fast = transcript(true, chunks);
      expect(fast.lines, `round ${round}`).toEqual(transcript(false, chunks).lines);
      totals.shape += fast.counts.shape;
      totals.inText += fast.counts.inText;
      totals.exact += fast.counts.exact;
    }
    // All three paths were taken, so each was compared.
    expect(totals.shape).toBeGreaterThan(1000);
    expect(totals.inText).toBeGreaterThan(100);
    expect(totals.exact).toBeGreaterThan(100);
  });
});
