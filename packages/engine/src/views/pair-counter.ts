/**
 * Counts (a, b) pairs of uint32 codes in an open-addressing hash table on typed arrays: the
 * group-by of the Sankey views, a few nanoseconds per row and no object per row. Pairs live in
 * dense arrays in first-seen order (the table holds their positions), so reading them back does
 * not scan the table, and their order does not depend on how the table grew: a counter sized up
 * front and one grown from small list the same pairs in the same order.
 */
export class PairCounter {
  private keysA: Uint32Array;
  private keysB: Uint32Array;
  private counts: Float64Array;
  /** Position + 1 of the pair in each slot; 0 = empty. */
  private slots: Int32Array;
  private mask: number;
  size = 0;

  constructor(capacity = 1024) {
    let cap = 16;
    while (cap < capacity * 2) cap <<= 1;
    this.slots = new Int32Array(cap);
    this.mask = cap - 1;
    const dense = Math.max(8, capacity);
    this.keysA = new Uint32Array(dense);
    this.keysB = new Uint32Array(dense);
    this.counts = new Float64Array(dense);
  }

  /** Adds `n` to the count of (a, b). */
  add(a: number, b: number, n = 1): void {
    let h = hash(a, b) & this.mask;
    for (;;) {
      const at = this.slots[h];
      if (at === 0) {
        this.insert(h, a, b, n);
        return;
      }
      if (this.keysA[at - 1] === a && this.keysB[at - 1] === b) {
        this.counts[at - 1] += n;
        return;
      }
      h = (h + 1) & this.mask;
    }
  }

  /** Returns the count stored for (a, b), first storing `n` when the pair is new. */
  addIfAbsent(a: number, b: number, n: number): number {
    let h = hash(a, b) & this.mask;
    for (;;) {
      const at = this.slots[h];
      if (at === 0) {
        this.insert(h, a, b, n);
        return n;
      }
      if (this.keysA[at - 1] === a && this.keysB[at - 1] === b) return this.counts[at - 1];
      h = (h + 1) & this.mask;
    }
  }

  /** Every pair with its count as parallel typed arrays, in first-seen order: views of the counter's own arrays, to read before the next `add`. */
  columns(): { a: Uint32Array; b: Uint32Array; count: Float64Array } {
    return { a: this.keysA.subarray(0, this.size), b: this.keysB.subarray(0, this.size), count: this.counts.subarray(0, this.size) };
  }

  /** Every pair with its count, in first-seen order. */
  entries(): Array<{ a: number; b: number; count: number }> {
    const out: Array<{ a: number; b: number; count: number }> = new Array(this.size);
    for (let i = 0; i < this.size; i++) out[i] = { a: this.keysA[i], b: this.keysB[i], count: this.counts[i] };
    return out;
  }

  private insert(slot: number, a: number, b: number, n: number): void {
    const i = this.size++;
    if (i === this.keysA.length) this.growDense();
    this.keysA[i] = a;
    this.keysB[i] = b;
    this.counts[i] = n;
    this.slots[slot] = i + 1;
    if (this.size * 2 > this.mask) this.rehash();
  }

  private growDense(): void {
    const cap = this.keysA.length * 2;
    const a = new Uint32Array(cap);
    a.set(this.keysA);
    const b = new Uint32Array(cap);
    b.set(this.keysB);
    const c = new Float64Array(cap);
    c.set(this.counts);
    this.keysA = a;
    this.keysB = b;
    this.counts = c;
  }

  private rehash(): void {
    const cap = (this.mask + 1) * 2;
    const slots = new Int32Array(cap);
    const mask = cap - 1;
    for (let i = 0; i < this.size; i++) {
      let h = hash(this.keysA[i], this.keysB[i]) & mask;
      while (slots[h] !== 0) h = (h + 1) & mask;
      slots[h] = i + 1;
    }
    this.slots = slots;
    this.mask = mask;
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
