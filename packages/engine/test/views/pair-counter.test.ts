/**
 * PairCounter keeps pairs in first-seen order whatever its starting size (so a counter sized up
 * front and one grown from small, as the ClickHouse replay builds it, list the same flows in the
 * same order), with the counts of every add.
 */
import { describe, expect, it } from "vitest";
import { PairCounter } from "../../src/views/pair-counter.ts";
import { rng } from "../support/rng.ts";

const cols = (c: PairCounter) => {
  const { a, b, count } = c.columns();
  return { a: Array.from(a), b: Array.from(b), count: Array.from(count) };
};

describe("PairCounter", () => {
  it("lists pairs in first-seen order, the same for a small counter that grew and a large one", () => {
    const rand = rng(1);
    const small = new PairCounter(4);
    const large = new PairCounter(1 << 16);
    const seen = new Map<string, number>();
    for (let i = 0; i < 20000; i++) {
      const a = Math.floor(rand() * 300);
      const b = Math.floor(rand() * 200);
      const n = 1 + Math.floor(rand() * 3);
      small.add(a, b, n);
      large.add(a, b, n);
      seen.set(`${a},${b}`, (seen.get(`${a},${b}`) ?? 0) + n);
    }
    expect(cols(small)).toEqual(cols(large));
    const c = cols(small);
    // Map iteration is insertion order: the pairs' first-seen order, with their summed counts.
    expect(c.a.map((a, i) => [`${a},${c.b[i]}`, c.count[i]])).toEqual([...seen.entries()]);
    expect(small.entries().map((e) => [`${e.a},${e.b}`, e.count])).toEqual([...seen.entries()]);
    expect(small.addIfAbsent(c.a[3]!, c.b[3]!, 99)).toBe(c.count[3]);
    expect(small.addIfAbsent(1000, 1000, 99)).toBe(99);
  });
});
