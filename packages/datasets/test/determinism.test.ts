import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { FILES, Rng, generate } from "../src/index.ts";
import { MemorySink } from "../src/node.ts";

function digests(events: number, seed: string): Map<string, string> {
  const sink = new MemorySink();
  generate({ events, seed }, sink);
  const out = new Map<string, string>();
  for (const name of sink.files.keys()) out.set(name, createHash("sha256").update(sink.bytes(name)).digest("hex"));
  return out;
}

describe("determinism", () => {
  it("the same seed gives byte-identical files", () => {
    const a = digests(4000, "frothly");
    const b = digests(4000, "frothly");
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    for (const [name, h] of a) expect(b.get(name), name).toBe(h);
    // Every source is present even in a small set.
    for (const f of FILES) expect(a.has(f.name), f.name).toBe(true);
  }, 60_000);

  it("a different seed gives different files", () => {
    const a = digests(4000, "frothly");
    const c = digests(4000, "frothly-2");
    let differing = 0;
    for (const [name, h] of a) if (c.get(name) !== h) differing++;
    // stream:smtp holds the single phishing mail whose values are fixed by the story.
    expect(differing).toBeGreaterThanOrEqual(a.size - 1);
  }, 60_000);

  it("the PRNG is a pure function of its seed", () => {
    const x = new Rng("s");
    const y = new Rng("s");
    const xs = Array.from({ length: 1000 }, () => x.u32());
    expect(Array.from({ length: 1000 }, () => y.u32())).toEqual(xs);
    expect(new Set(xs).size).toBeGreaterThan(995);
    const z = new Rng("t");
    expect(z.u32()).not.toBe(new Rng("s").u32());
    // Roughly uniform: mean of next() near 0.5.
    const r = new Rng("mean");
    let sum = 0;
    for (let i = 0; i < 20000; i++) sum += r.next();
    expect(sum / 20000).toBeGreaterThan(0.49);
    expect(sum / 20000).toBeLessThan(0.51);
  }, 60_000);

  it("rejects an event count below 1000 with a clear error", () => {
    expect(() => generate({ events: 10, seed: "x" }, new MemorySink())).toThrow(/at least 1000/);
  }, 60_000);

  it("writes through the sink in bounded chunks, never one whole file", () => {
    let largest = 0;
    let chunks = 0;
    generate({ events: 30000, seed: "chunks" }, { write: (_n, b) => { largest = Math.max(largest, b.length); chunks++; } });
    expect(chunks).toBeGreaterThan(FILES.length);
    // 256 Ki characters of text per flush, at most 3 bytes each in UTF-8, plus one event.
    expect(largest).toBeLessThan(256 * 1024 * 3 + 64 * 1024);
  }, 60_000);
});
