import { PairIndex } from "./pair-index.ts";

/**
 * Dense group ids for rows' BY value codes, numbered in first-seen order (ties of the final sort
 * keep that order, as the general executor's): one key maps its value code straight to a group,
 * two keys probe one pair table, more chain pair tables level by level. Each arity has its own
 * small loop, so the hot code is compiled once for its arrays.
 */
export class Groups {
  /** Groups numbered so far. */
  count = 0;
  /** keys[k][g]: the value code of BY field k in group g. */
  keys: Int32Array[];
  private ofValue = new Int32Array(1024).fill(-1);
  private readonly pairs = new PairIndex();
  private readonly levels: PairIndex[];
  private readonly key: Int32Array;

  constructor(private readonly fields: number) {
    this.keys = Array.from({ length: fields }, () => new Int32Array(1024));
    this.levels = Array.from({ length: fields }, () => new PairIndex());
    this.key = new Int32Array(fields);
  }

  /** groupOf[i] = group of row position i < n (-1 when a key is missing), numbering new groups. */
  assign(codes: Int32Array[], n: number, groupOf: Int32Array, values0: number): void {
    if (this.fields === 1) this.assignOne(codes[0]!, n, groupOf, values0);
    else if (this.fields === 2) this.assignTwo(codes[0]!, codes[1]!, n, groupOf);
    else this.assignMany(codes, n, groupOf);
  }

  /** One key: `values0` is how many value codes field 0 has (the direct table's size). */
  private assignOne(c0: Int32Array, n: number, groupOf: Int32Array, values0: number): void {
    if (this.ofValue.length < values0) {
      const bigger = new Int32Array(Math.max(values0, this.ofValue.length * 2)).fill(-1);
      bigger.set(this.ofValue);
      this.ofValue = bigger;
    }
    const ofValue = this.ofValue;
    for (let i = 0; i < n; i++) {
      const v = c0[i]!;
      if (v < 0) {
        groupOf[i] = -1;
        continue;
      }
      let g = ofValue[v]!;
      if (g < 0) {
        g = ofValue[v] = this.count;
        this.record1(v);
      }
      groupOf[i] = g;
    }
  }

  private assignTwo(c0: Int32Array, c1: Int32Array, n: number, groupOf: Int32Array): void {
    const pairs = this.pairs;
    let la = -1;
    let lb = -1;
    let lg = -1;
    for (let i = 0; i < n; i++) {
      const a = c0[i]!;
      const b = c1[i]!;
      if (a < 0 || b < 0) {
        groupOf[i] = -1;
        continue;
      }
      // Neighbouring rows often share their keys (one flow, one host): skip the probe.
      if (a !== la || b !== lb) {
        lg = pairs.intern(a, b);
        if (lg === this.count) this.record2(a, b);
        la = a;
        lb = b;
      }
      groupOf[i] = lg;
    }
  }

  private assignMany(codes: Int32Array[], n: number, groupOf: Int32Array): void {
    const key = this.key;
    const k = this.fields;
    for (let i = 0; i < n; i++) {
      let missing = false;
      for (let f = 0; f < k; f++) {
        const v = codes[f]![i]!;
        if (v < 0) {
          missing = true;
          break;
        }
        key[f] = v;
      }
      if (missing) {
        groupOf[i] = -1;
        continue;
      }
      let g = 0;
      for (let f = 0; f < k; f++) g = this.levels[f]!.intern(g, key[f]!);
      // The last level numbers groups in first-seen order, as `count` counts them.
      if (g === this.count) this.recordKey(key);
      groupOf[i] = g;
    }
  }

  private record1(a: number): void {
    this.room();
    this.keys[0]![this.count++] = a;
  }

  private record2(a: number, b: number): void {
    this.room();
    this.keys[0]![this.count] = a;
    this.keys[1]![this.count++] = b;
  }

  private recordKey(key: Int32Array): void {
    this.room();
    for (let f = 0; f < this.fields; f++) this.keys[f]![this.count] = key[f]!;
    this.count++;
  }

  private room(): void {
    if (this.count < this.keys[0]!.length) return;
    this.keys = this.keys.map((a) => {
      const b = new Int32Array(a.length * 2);
      b.set(a);
      return b;
    });
  }
}
