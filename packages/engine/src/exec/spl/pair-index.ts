/**
 * Dense ids for pairs of non-negative int32 (parent id, value index), first come first numbered:
 * an open-addressing hash table over typed arrays. It replaces a `Map<number, number>` keyed by
 * `parent × 2^26 + value`, whose keys leave V8's small-integer range once there are more than 32
 * parents and then hash as boxed doubles (the bench's two-key stats at 1M events spent most of its
 * time there).
 */
export class PairIndex {
  private a = new Int32Array(1024);
  private b = new Int32Array(1024);
  /** id + 1 per slot; 0 = empty. */
  private ids = new Int32Array(1024);
  private mask = 1023;
  /** Pairs numbered so far. */
  size = 0;

  /** The id of (x, y), numbering it `size` when new. */
  intern(x: number, y: number): number {
    let s = (Math.imul(x, 0x9e3779b1) ^ Math.imul(y + 0x7f4a7c15, 0x85ebca6b)) & this.mask;
    for (;;) {
      const id = this.ids[s]!;
      if (id === 0) break;
      if (this.a[s] === x && this.b[s] === y) return id - 1;
      s = (s + 1) & this.mask;
    }
    const id = this.size++;
    this.a[s] = x;
    this.b[s] = y;
    this.ids[s] = id + 1;
    if (this.size * 2 > this.mask) this.rehash();
    return id;
  }

  private rehash(): void {
    const { a, b, ids } = this;
    const cap = ids.length * 2;
    this.a = new Int32Array(cap);
    this.b = new Int32Array(cap);
    this.ids = new Int32Array(cap);
    this.mask = cap - 1;
    for (let i = 0; i < ids.length; i++) {
      if (ids[i] === 0) continue;
      let s = (Math.imul(a[i]!, 0x9e3779b1) ^ Math.imul(b[i]! + 0x7f4a7c15, 0x85ebca6b)) & this.mask;
      while (this.ids[s] !== 0) s = (s + 1) & this.mask;
      this.a[s] = a[i]!;
      this.b[s] = b[i]!;
      this.ids[s] = ids[i]!;
    }
  }
}
