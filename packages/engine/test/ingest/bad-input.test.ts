import { readFileSync } from "node:fs";
import { gzipSync, strToU8, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { Dataset, columnOf, ingestBytes, valueAt } from "../../src/index.ts";

/** Bad input: each case is reported with file, line or offset and reason, and the rest loads. */

const DATA = "../../../../../shared/datasets/";
const read = (rel: string) => new Uint8Array(readFileSync(new URL(DATA + rel, import.meta.url)));
const enc = (s: string) => new TextEncoder().encode(s);
const NDJSON = '{"a":1}\n'.repeat(2000) + '{"a":2}\n';

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

describe("bad input is reported, the rest loads", () => {
  it("invalid UTF-8 on line 2: reported with its line, all three events kept", () => {
    const bytes = concat(enc('{"a":"ok"}\n{"a":"'), new Uint8Array([0xc3, 0x28, 0xff]), enc('"}\n{"a":"ok too"}\n'));
    const ds = new Dataset();
    const s = ingestBytes(ds, "u.json", bytes, 4);
    expect(s.events).toBe(3);
    expect(s.problems).toEqual([expect.objectContaining({ file: "u.json", line: 2, reason: "invalid UTF-8: bytes replaced with U+FFFD" })]);
  });

  it("a 10 MB single line is reported as long and kept whole; the next line loads", () => {
    const ds = new Dataset();
    const s = ingestBytes(ds, "big.log", enc("x".repeat(10_000_000) + "\n2020-01-01T00:00:00Z hello\n"));
    expect(s.events).toBe(2);
    expect(s.problems).toEqual([expect.objectContaining({ line: 1, reason: "long line: 10000000 characters, kept as one event" })]);
    expect(ds.segments[0]!.raw.some((r) => r.length === 10_000_000)).toBe(true);
  });

  it("10,000-deep JSON nesting: reported, the deep part kept as text, other lines load", () => {
    const deep = '{"a":'.repeat(10_000) + "1" + "}".repeat(10_000);
    const ds = new Dataset();
    const s = ingestBytes(ds, "deep.json", enc(`{"b":0}\n${deep}\n{"b":2}\n`));
    expect(s.events).toBe(3);
    expect(s.problems).toEqual([expect.objectContaining({ line: 2, reason: "JSON nested too deeply: levels below 64 kept as JSON text" })]);
    const arr = ingestBytes(new Dataset(), "deep-array.json", enc(`[${deep},{"b":2}]`));
    expect(arr.events).toBe(2);
    expect(arr.problemCounts).toEqual({ "JSON nested too deeply": 1 });
  });

  it("an empty file, a blank file and a binary blob say so (the blob lists the supported formats)", () => {
    const ds = new Dataset();
    expect(ingestBytes(ds, "empty.log", new Uint8Array(0)).problems[0]).toMatchObject({ file: "empty.log", offset: 0, reason: "empty file: no events" });
    expect(ingestBytes(ds, "blank.log", enc("\n\n  \n")).problems[0]!.reason).toBe("empty file: no events");
    const blob = new Uint8Array(100_000).map((_, i) => (i * 7919 + (i >> 3)) % 256);
    const s = ingestBytes(ds, "blob.bin", blob);
    expect(s.events).toBe(0);
    expect(s.problems[0]!.reason).toMatch(/^unknown format: .*Windows event XML.*Zeek TSV.*PAN-OS.*\.gz and \.zip/);
    expect(ds.rowCount).toBe(0);
  });

  it("a file with headers but no records says so instead of passing silently", () => {
    const s = ingestBytes(new Dataset(), "conn.log", enc("#separator \\x09\n#path\tconn\n#fields\tts\tuid\n#types\ttime\tstring\n"));
    expect(s).toMatchObject({ format: "zeek-tsv", events: 0, problemTotal: 1 });
    expect(s.problems[0]).toMatchObject({ file: "conn.log", reason: "no events: the file holds no zeek-tsv records" });
  });

  it("bad gzip: reported with its offset, nothing invented", () => {
    const s = ingestBytes(new Dataset(), "bad.gz", new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
    expect(s.events).toBe(0);
    expect(s.problemTotal).toBe(1);
    expect(s.problems[0]!.reason).toMatch(/^bad gzip: /);
  });

  it("truncated gzip: everything unpacked before the cut loads, the cut is reported", () => {
    const gz = gzipSync(strToU8(NDJSON));
    const ds = new Dataset();
    const s = ingestBytes(ds, "cut.json.gz", gz.subarray(0, gz.length - 20), 100);
    expect(s.format).toBe("gzip+ndjson");
    expect(s.events).toBeGreaterThan(1000);
    expect(s.problemCounts["bad gzip"]).toBe(1);
    // The whole file, by contrast, loads completely.
    expect(ingestBytes(new Dataset(), "ok.json.gz", gz, 100)).toMatchObject({ events: 2001, problemTotal: 0 });
  });

  it("a broken line in the middle of a real Zeek log", () => {
    const conn = new TextDecoder().decode(read("zeek-btest-baselines/opt.basic__conn.log")).split("\n");
    conn.splice(12, 0, "garbage\tline");
    const s = ingestBytes(new Dataset(), "conn.log", enc(conn.join("\n")));
    expect(s.events).toBe(34);
    expect(s.problems).toEqual([expect.objectContaining({ line: 13, reason: "wrong field count: expected 22 fields (#fields), found 2" })]);
  });

  it("UTF-16LE with a byte-order mark (Windows exports) decodes", () => {
    const text = '{"a":"é"}\n{"a":"z"}\n';
    const bytes = new Uint8Array(2 + text.length * 2);
    bytes[0] = 0xff;
    bytes[1] = 0xfe;
    for (let i = 0; i < text.length; i++) {
      bytes[2 + i * 2] = text.charCodeAt(i) & 0xff;
      bytes[3 + i * 2] = text.charCodeAt(i) >> 8;
    }
    const ds = new Dataset();
    expect(ingestBytes(ds, "w.json", bytes)).toMatchObject({ format: "ndjson", events: 2, problemTotal: 0 });
    expect(valueAt(columnOf(ds.segments[0]!, "a"), 0)).toBe("é");
  });
});

describe("zip archives", () => {
  const members = {
    "logs/": {},
    "logs/eve.json": read("suricata-eve-beats-testdata/eve-small.log"),
    "logs/conn.log": read("zeek-btest-baselines/opt.basic__conn.log"),
    "pan.log": read("pan-traffic-beats-testdata/traffic_subset.log"),
    "sysmon.xml": read("splunk-attack-data-xmlwineventlog/T1003_test2_sysmon.log"),
    "inner.json.gz": gzipSync(strToU8(NDJSON)),
    "data.json": strToU8(NDJSON),
  };

  it("mixed formats: each member is its own file, archive.zip/member, with its own format", () => {
    const ds = new Dataset();
    const s = ingestBytes(ds, "case.zip", zipSync(members), 1000);
    expect(s.format).toBe("zip");
    expect(s.problemTotal).toBe(0);
    expect(s.members!.map((m) => [m.file, m.format, m.events])).toEqual([
      ["case.zip/logs/eve.json", "ndjson", 8],
      ["case.zip/logs/conn.log", "zeek-tsv", 34],
      ["case.zip/pan.log", "pan-csv", 14],
      ["case.zip/sysmon.xml", "xmlwineventlog", 5],
      ["case.zip/inner.json.gz", "gzip+ndjson", 2001],
      ["case.zip/data.json", "ndjson", 2001],
    ]);
    expect(s.events).toBe(8 + 34 + 14 + 5 + 2001 + 2001);
    expect(s.sourcetypes).toMatchObject({ suricata: 8, "bro:conn": 34, "pan:traffic": 14, _json: 4002 });
    const conn = ds.segments.find((seg) => seg.sourcetype === "bro:conn")!;
    expect(valueAt(columnOf(conn, "source"), 0)).toBe("case.zip/logs/conn.log");
    // Windows events keep their own source (the channel), as Splunk sets it.
    const sec = ds.segments.find((seg) => seg.sourcetype === "XmlWinEventLog:Security")!;
    expect(valueAt(columnOf(sec, "source"), 0)).toBe("XmlWinEventLog:Security");
  });

  it("a corrupt member is reported under its own name; the other members load", () => {
    const zip = zipSync(members);
    // Overwrite bytes inside data.json's deflate stream (after its local header).
    const name = strToU8("data.json");
    let at = -1;
    for (let i = 0; i + 30 < zip.length && at < 0; i++) {
      if (zip[i] !== 0x50 || zip[i + 1] !== 0x4b || zip[i + 2] !== 3 || zip[i + 3] !== 4) continue;
      const nameLength = zip[i + 26]! | (zip[i + 27]! << 8);
      const extraLength = zip[i + 28]! | (zip[i + 29]! << 8);
      const n = zip.subarray(i + 30, i + 30 + nameLength);
      if (n.length === name.length && n.every((b, k) => b === name[k])) at = i + 30 + nameLength + extraLength;
    }
    expect(at).toBeGreaterThan(0);
    for (let k = 2; k < 12; k++) zip[at + k] = 0xff;
    const s = ingestBytes(new Dataset(), "case.zip", zip, 1000);
    expect(s.problems.map((p) => [p.file, p.reason.split(":")[0]])).toEqual([["case.zip/data.json", "bad zip member"]]);
    expect(s.events).toBe(8 + 34 + 14 + 5 + 2001);
  });

  it("a truncated zip keeps the members before the cut and reports the cut", () => {
    const zip = zipSync(members);
    const s = ingestBytes(new Dataset(), "cut.zip", zip.subarray(0, 4000), 1000);
    expect(s.members![0]).toMatchObject({ file: "cut.zip/logs/eve.json", events: 8 });
    expect(s.problemTotal).toBeGreaterThan(0);
    expect(Object.keys(s.problemCounts).some((k) => k === "bad zip" || k === "truncated zip member")).toBe(true);
  });
});
