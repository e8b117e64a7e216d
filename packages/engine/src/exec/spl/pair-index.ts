/**
 * Dense ids for pairs of non-negative int32 (parent id, value index), first come first numbered:
 * an open-addressing hash table over one typed array. It replaces a `Map<number, number>` keyed by
 * `parent × 2^26 + value`, whose keys leave V8's small-integer range once there are more than 32
 * parents and then hash as boxed doubles (the bench's two-key stats at 1M events spent most of its
 * time there). Each slot is three adjacent int32s (x, y, id + 1), so a probe reads one cache line
 * instead of one in each of three arrays.
 */
export class PairIndex {
  /** slots[3s] = x, slots[3s + 1] = y, slots[3s + 2] = id + 1 (0 = empty). */
  private slots = new Int32Array(1024 * 3);
  private mask = 1023;
  /** Pairs numbered so far. */
  size = 0;

  /** The id of (x, y), numbering it `size` when new. */
  intern(x: number, y: number): number {
    const slots = this.slots;
    let s = (Math.imul(x, 0x9e3779b1) ^ Math.imul(y + 0x7f4a7c15, 0x85ebca6b)) & this.mask;
    for (;;) {
      const at = s * 3;
      const id = slots[at + 2]!;
      if (id === 0) break;
      if (slots[at] === x && slots[at + 1] === y) return id - 1;
      s = (s + 1) & this.mask;
    }
    const id = this.size++;
    const at = s * 3;
    slots[at] = x;
    slots[at + 1] = y;
    slots[at + 2] = id + 1;
    if (this.size * 2 > this.mask) this.rehash();
    return id;
  }

  private rehash(): void {
    const old = this.slots;
    const cap = (this.mask + 1) * 2;
    const slots = new Int32Array(cap * 3);
    const mask = cap - 1;
    for (let at = 0; at < old.length; at += 3) {
      if (old[at + 2] === 0) continue;
      const x = old[at]!;
      const y = old[at + 1]!;
      let s = (Math.imul(x, 0x9e3779b1) ^ Math.imul(y + 0x7f4a7c15, 0x85ebca6b)) & mask;
      while (slots[s * 3 + 2] !== 0) s = (s + 1) & mask;
      slots[s * 3] = x;
      slots[s * 3 + 1] = y;
      slots[s * 3 + 2] = old[at + 2]!;
    }
    this.slots = slots;
    this.mask = mask;
  }
}
