import { describe, expect, it } from "vitest";
import {
  Dataset,
  columnOf,
  deserializeDataset,
  fieldStats,
  ingestBytes,
  materializeSlice,
  runEql,
  runSpl,
  serializeDataset,
  valueAt,
  type Segment,
} from "../../src/index.ts";

const enc = (s: string) => new TextEncoder().encode(s);

/**
 * NDJSON events with a near-unique long text (`session`, `stamp`), a repeated one (`user`), a
 * near-unique short number-like text (`pid`) and, every 50th session, one with a JSON escape
 * (so its text is not verbatim in `_raw`). Times are shuffled so the segment sort permutes rows.
 */
function ndjson(n: number): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const k = (i * 7919) % n;
    const t = Date.UTC(2017, 7, 24, 0, 0, 0) + k * 1000;
    // Every 20th event shares the previous one's session, so sequences by session exist.
    const j = i % 20 === 19 ? i - 1 : i;
    const sk = (j * 7919) % n;
    const session = j % 50 === 0 ? `sess"${sk}-quoted-value` : `sess-${sk.toString(16).padStart(8, "0")}-${(sk * 31) % 977}`;
    const ev: Record<string, unknown> = {
      "@timestamp": new Date(t).toISOString(),
      stamp: new Date(t).toISOString().replace("Z", "000Z"),
      session,
      user: `user${k % 7}`,
      pid: String(1000 + k),
    };
    if (i % 13 === 0) delete ev.session;
    lines.push(JSON.stringify(ev));
  }
  return lines.join("\n") + "\n";
}

function load(n: number): Dataset {
  const ds = new Dataset();
  const s = ingestBytes(ds, "events.json", enc(ndjson(n)));
  expect(s.problemTotal).toBe(0);
  return ds;
}

/** The same dataset with every slice column replaced by its dictionary form. */
function withoutSlices(ds: Dataset): Dataset {
  const copy = deserializeDataset(serializeDataset(ds));
  for (const seg of copy.segments) {
    for (const [name, col] of seg.columns) if (col.kind === "slice") seg.columns.set(name, materializeSlice(col));
  }
  return copy;
}

/** An answer without its timings. */
const answer = (r: unknown): unknown => JSON.parse(JSON.stringify(r, (k, v: unknown) => (k === "took" || k === "elapsedMs" ? undefined : v)));

const kinds = (seg: Segment) => Object.fromEntries([...seg.columns].map(([n, c]) => [n, c.kind]));

describe("slice columns (near-unique text kept as positions in _raw)", () => {
  it("slices long near-unique verbatim text, keeps repeated and short texts in the dictionary", () => {
    const ds = load(2000);
    expect(ds.segments).toHaveLength(1);
    const k = kinds(ds.segments[0]!);
    expect(k.session).toBe("slice");
    expect(k.stamp).toBe("slice");
    expect(k.user).toBe("str");
    expect(k.pid).toBe("str");
  });

  it("gives back every value exactly, after the time sort, including texts that are not verbatim in _raw", () => {
    const n = 2000;
    const ds = load(n);
    const seg = ds.segments[0]!;
    const col = columnOf(seg, "session")!;
    expect(col.kind).toBe("slice");
    let outside = 0;
    for (let r = 0; r < seg.rowCount; r++) {
      const ev = JSON.parse(seg.raw[r]!) as Record<string, unknown>;
      expect(valueAt(col, r)).toBe(ev.session ?? null);
      expect(valueAt(columnOf(seg, "stamp"), r)).toBe(ev.stamp);
      if (typeof ev.session === "string" && ev.session.includes('"')) outside++;
    }
    expect(outside).toBeGreaterThan(20);
    if (col.kind === "slice") expect(col.outside.size).toBe(outside);
  });

  it("turns into a dictionary or multi-value column when later values need it, keeping every value", () => {
    const lines = ndjson(600).trimEnd().split("\n");
    const evs = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    evs[400]!.session = ["first-of-two-values", "second-of-two"];
    evs[401]!.session = 12345;
    evs[402]!.stamp = true;
    const ds = new Dataset();
    ingestBytes(ds, "mixed.json", enc(evs.map((e) => JSON.stringify(e)).join("\n")));
    const seg = ds.segments[0]!;
    expect(kinds(seg).session).toBe("multi");
    expect(kinds(seg).stamp).toBe("slice");
    for (let r = 0; r < seg.rowCount; r++) {
      const ev = JSON.parse(seg.raw[r]!) as Record<string, unknown>;
      const want = (v: unknown) => (v === undefined ? null : typeof v === "number" || typeof v === "boolean" ? String(v) : v);
      // A multi-value column gives every row's values as a list.
      const session = want(ev.session);
      expect(valueAt(columnOf(seg, "session"), r)).toEqual(session === null || Array.isArray(session) ? session : [session]);
      expect(valueAt(columnOf(seg, "stamp"), r)).toEqual(want(ev.stamp));
    }
  });

  it("round-trips through serialisation", () => {
    const ds = load(1500);
    const back = deserializeDataset(serializeDataset(ds));
    const a = ds.segments[0]!;
    const b = back.segments[0]!;
    expect(kinds(b)).toEqual(kinds(a));
    for (const name of ["session", "stamp"]) {
      for (let r = 0; r < a.rowCount; r++) expect(valueAt(columnOf(b, name), r)).toBe(valueAt(columnOf(a, name), r));
    }
  });

  it("answers every query exactly as the dictionary form of the same data", () => {
    const ds = load(3000);
    const dict = withoutSlices(ds);
    expect(columnOf(ds.segments[0]!, "session")!.kind).toBe("slice");
    expect(columnOf(dict.segments[0]!, "session")!.kind).toBe("str");
    const some = valueAt(columnOf(ds.segments[0]!, "session"), 17) as string;
    const eql = [
      `any where session == "${some}"`,
      `any where session : "sess-00000*"`,
      `any where session like~ "SESS-0000001*"`,
      `any where stringContains(session, "quoted")`,
      `any where session regex "sess-0{6}[0-9a-f]{2}-.*"`,
      `any where session in ("${some}", "nope") or stamp : "2017-08-24T00:01*"`,
      `any where length(session) > 20 | tail 4`,
      `any where session != null and user == "user3" | head 5`,
      `sequence by session [any where true] [any where true]`,
      `sequence by session with maxspan=1h [any where user != null] [any where stamp != null]`,
    ];
    for (const q of eql) {
      const hits = runEql(ds, q, { size: 1000 }).hits;
      expect((hits.events ?? hits.sequences ?? []).length, q).toBeGreaterThan(0);
      for (const size of [10, 1000]) expect(answer(runEql(ds, q, { size })), q).toEqual(answer(runEql(dict, q, { size })));
    }
    // A text timestamp as the EQL order key.
    const byStamp = (d: Dataset) => answer(runEql(d, "any where true | head 20", { timestampField: "stamp", size: 20 }));
    expect(byStamp(ds)).toEqual(byStamp(dict));
    const spl = [
      "* | stats count by session | sort - count, session | head 5",
      "* | stats count, dc(session) as d, values(user) as u by user",
      "* | stats dc(session) as d, latest(session) as last",
      "* | top limit=3 session",
      "* | sort stamp | head 3 | table stamp, session",
      "* | sort - session | head 3 | table session",
      "* | timechart span=10m limit=3 count by session",
      "* | eval p=substr(session, 1, 6) | stats count by p",
      '* | where like(session, "sess-0000000%")',
      "* | dedup session | stats count",
      '* | rex field=session "^(?<prefix>sess.)" | stats count by prefix',
      "* | chart count over user by session limit=2",
      '* session="' + some + '" | table _time, session',
      "* | fillnull value=NONE session | stats count by session | sort - count | head 2",
    ];
    for (const q of spl) expect(runSpl(ds, q, { tz: "UTC" }).results.length, q).toBeGreaterThan(0);
    for (const q of spl) expect(answer(runSpl(ds, q, { tz: "UTC" })), q).toEqual(answer(runSpl(dict, q, { tz: "UTC" })));
    const stat = (d: Dataset) => fieldStats(d.segments.map((segment) => ({ segment, rows: null })));
    expect(stat(ds)).toEqual(stat(dict));
  });
});
