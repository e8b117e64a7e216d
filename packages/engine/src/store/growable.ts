/** Append-only typed arrays that double their capacity; `finish()` trims to length. */
export class GrowableU32 {
  data: Uint32Array;
  length = 0;
  constructor(capacity = 1024) {
    this.data = new Uint32Array(capacity);
  }
  push(v: number): void {
    if (this.length === this.data.length) this.grow(this.length + 1);
    this.data[this.length++] = v;
  }
  /** Sets index i (growing and zero-filling as needed). */
  set(i: number, v: number): void {
    if (i >= this.data.length) this.grow(i + 1);
    this.data[i] = v;
    if (i >= this.length) this.length = i + 1;
  }
  grow(min: number): void {
    let cap = this.data.length * 2 || 16;
    while (cap < min) cap *= 2;
    const next = new Uint32Array(cap);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
  finish(length = this.length): Uint32Array {
    if (length > this.data.length) this.grow(length);
    return this.data.slice(0, length);
  }
}

export class GrowableF64 {
  data: Float64Array;
  length = 0;
  constructor(capacity = 1024, private readonly fill = NaN) {
    this.data = new Float64Array(capacity).fill(fill);
  }
  push(v: number): void {
    if (this.length === this.data.length) this.grow(this.length + 1);
    this.data[this.length++] = v;
  }
  set(i: number, v: number): void {
    if (i >= this.data.length) this.grow(i + 1);
    this.data[i] = v;
    if (i >= this.length) this.length = i + 1;
  }
  grow(min: number): void {
    let cap = this.data.length * 2 || 16;
    while (cap < min) cap *= 2;
    const next = new Float64Array(cap).fill(this.fill);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
  finish(length = this.length): Float64Array {
    if (length > this.data.length) this.grow(length);
    return this.data.slice(0, length);
  }
}
