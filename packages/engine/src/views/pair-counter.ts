/**
 * Counts (a, b) pairs of uint32 codes in an open-addressing hash table on typed arrays: the
 * group-by of the Sankey views, a few nanoseconds per row and no object per row.
 */
export class PairCounter {
  private keysA: Uint32Array;
  private keysB: Uint32Array;
  private counts: Float64Array;
  private used: Uint8Array;
  private mask: number;
  size = 0;

  constructor(capacity = 1024) {
    let cap = 16;
    while (cap < capacity * 2) cap <<= 1;
    this.keysA = new Uint32Array(cap);
    this.keysB = new Uint32Array(cap);
    this.counts = new Float64Array(cap);
    this.used = new Uint8Array(cap);
    this.mask = cap - 1;
  }

  /** Adds `n` to the count of (a, b). */
  add(a: number, b: number, n = 1): void {
    let h = hash(a, b) & this.mask;
    for (;;) {
      if (this.used[h] === 0) {
        this.used[h] = 1;
        this.keysA[h] = a;
        this.keysB[h] = b;
        this.counts[h] = n;
        if (++this.size * 2 > this.mask) this.grow();
        return;
      }
      if (this.keysA[h] === a && this.keysB[h] === b) {
        this.counts[h] += n;
        return;
      }
      h = (h + 1) & this.mask;
    }
  }

  /** Returns the count stored for (a, b), first storing `n` when the pair is new. */
  addIfAbsent(a: number, b: number, n: number): number {
    let h = hash(a, b) & this.mask;
    for (;;) {
      if (this.used[h] === 0) {
        this.add(a, b, n);
        return n;
      }
      if (this.keysA[h] === a && this.keysB[h] === b) return this.counts[h];
      h = (h + 1) & this.mask;
    }
  }

  /** Every pair with its count as parallel typed arrays, in no particular order. */
  columns(): { a: Uint32Array; b: Uint32Array; count: Float64Array } {
    const a = new Uint32Array(this.size);
    const b = new Uint32Array(this.size);
    const count = new Float64Array(this.size);
    let k = 0;
    for (let i = 0; i <= this.mask; i++) {
      if (this.used[i]) {
        a[k] = this.keysA[i];
        b[k] = this.keysB[i];
        count[k++] = this.counts[i];
      }
    }
    return { a, b, count };
  }

  /** Every pair with its count, in no particular order. */
  entries(): Array<{ a: number; b: number; count: number }> {
    const out: Array<{ a: number; b: number; count: number }> = [];
    for (let i = 0; i <= this.mask; i++) if (this.used[i]) out.push({ a: this.keysA[i], b: this.keysB[i], count: this.counts[i] });
    return out;
  }

  private grow(): void {
    const { keysA, keysB, counts, used } = this;
    const cap = (this.mask + 1) * 2;
    this.keysA = new Uint32Array(cap);
    this.keysB = new Uint32Array(cap);
    this.counts = new Float64Array(cap);
    this.used = new Uint8Array(cap);
    this.mask = cap - 1;
    this.size = 0;
    for (let i = 0; i < used.length; i++) if (used[i]) this.add(keysA[i], keysB[i], counts[i]);
  }
}

function hash(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x7f4a7c15, 0xc2b2ae35);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return (h ^ (h >>> 12)) >>> 0;
}

/** Gives each distinct (a, b) pair of uint32 codes a dense id (0, 1, 2, …) in first-seen order. */
export class PairInterner {
  private readonly table = new PairCounter(256);

  /** Number of distinct pairs seen. */
  get size(): number {
    return this.table.size;
  }

  /** The id of (a, b), assigned when new. */
  intern(a: number, b: number): number {
    return this.table.addIfAbsent(a, b, this.table.size + 1) - 1;
  }
}
