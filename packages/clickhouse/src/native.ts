/**
 * ClickHouse's Native format, written straight from a segment's typed columns. Native is
 * columnar like the local store (per block: column count, row count, then per column its name,
 * type and values one after another), so numbers are copied as they are, null maps come from
 * NaN / id 0, and each dictionary value is encoded to UTF-8 once per load and then copied as
 * bytes for every row that uses it, instead of one JSON object per row that the server parses
 * again. It is also the cheapest format for the server to read (no text parsing, no escaping).
 *
 * Layout of the values (what 18.16's `serializeBinaryBulk` reads, little-endian):
 * UInt32/UInt64/Int64/Float64 fixed width; String = varUInt byte length + bytes;
 * Nullable(T) = one UInt8 per row (1 = NULL), then T for every row (a default under NULL);
 * Array(String) = cumulative UInt64 end offsets per row, then every element as String.
 *
 * Blocks are written into caller-owned `BlockBuffer`s that are reused once sent, and the
 * per-column arrays are scratch arrays kept by the encoder: fresh large buffers per block would
 * be external memory that makes V8 run full collections of the (large) heap again and again.
 */
import { assertNever, sliceValue as sliceText, type Column, type Dict, type Segment } from "@quarry/engine";
import type { ChType } from "./layout.ts";

/** A growable byte buffer with the writers the format needs; `reset` makes it reusable. */
export class BlockBuffer {
  buf: Buffer;
  pos = 0;

  constructor(capacity = 1 << 16) {
    this.buf = Buffer.allocUnsafe(Math.max(1024, capacity));
  }

  reset(): void {
    this.pos = 0;
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  varUInt(v: number): void {
    this.ensure(10);
    const b = this.buf;
    while (v >= 0x80) {
      b[this.pos++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    b[this.pos++] = v;
  }

  /** A String value: varUInt byte length, then the UTF-8 bytes. */
  string(s: string): void {
    const len = s.length;
    // A UTF-16 unit takes at most 3 UTF-8 bytes: reserve the length prefix the worst case
    // needs, write the text after it, and move it left when the real prefix is shorter.
    const worst = 3 * len;
    const prefix = varUIntSize(worst);
    this.ensure(prefix + worst);
    const at = this.pos;
    const n = len === 0 ? 0 : this.buf.write(s, at + prefix, "utf8");
    const real = varUIntSize(n);
    if (real < prefix) this.buf.copyWithin(at + real, at + prefix, at + prefix + n);
    this.varUInt(n);
    this.pos = at + real + n;
  }

  /** Bytes of a typed array (a whole view: its values in machine order, little-endian here). */
  typed(a: ArrayBufferView): void {
    const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** Bytes `from`..`to` of `src`. */
  copy(src: Uint8Array, from: number, to: number): void {
    const n = to - from;
    this.ensure(n);
    const b = this.buf;
    // Short values (most dictionary values) are cheaper to copy by hand than through a subarray.
    if (n <= 64) {
      let p = this.pos;
      for (let i = from; i < to; i++) b[p++] = src[i]!;
    } else b.set(src.subarray(from, to), this.pos);
    this.pos += n;
  }

  /** Bytes `from`..`to` already written to this buffer, appended again (the buffer may move, offsets stay). */
  copyOwn(from: number, to: number): void {
    const n = to - from;
    this.ensure(n);
    const b = this.buf;
    if (n <= 64) {
      let p = this.pos;
      for (let i = from; i < to; i++) b[p++] = b[i]!;
    } else b.copyWithin(this.pos, from, to);
    this.pos += n;
  }

  /** The `n` bytes just written, repeated until they appear `times` times in all. */
  repeatLast(n: number, times: number): void {
    const start = this.pos - n;
    const total = n * times;
    this.ensure(total - n);
    let have = n;
    while (have < total) {
      const take = Math.min(have, total - have);
      this.buf.copyWithin(start + have, start, start + take);
      have += take;
    }
    this.pos = start + total;
  }

  /** `n` zero bytes. */
  zeros(n: number): void {
    this.ensure(n);
    this.buf.fill(0, this.pos, this.pos + n);
    this.pos += n;
  }

  /** The bytes written so far (a view, not a copy: valid until the next `reset`). */
  result(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

function varUIntSize(v: number): number {
  return v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5;
}

/** One dictionary's values as consecutive Strings (varUInt length + UTF-8) with byte offsets per id. */
interface EncodedDict {
  bytes: Buffer;
  /** offsets[id] .. offsets[id + 1] is the String of id (its length prefix included). */
  offsets: Uint32Array;
  size: number;
  /** Bytes of the longest encoded value. */
  longest: number;
}

/** One ClickHouse column of a block and the local column that fills it. */
export interface NativeField {
  /** The ClickHouse column name (`c0`, `c1`…). */
  name: string;
  type: ChType;
  column: Column;
}

/** Values of the fixed columns every event row has. */
export interface FixedValues {
  segmentId: number;
  load: string;
}

/** Reusable typed arrays of one block size (grown when a bigger block comes). */
class Scratch {
  size = 0;
  u32 = new Uint32Array(0);
  i32 = new Int32Array(0);
  f64 = new Float64Array(0);
  nulls = new Uint8Array(0);
  /** Byte offset of each row's `_raw` text in the block, and whether that text is ASCII. */
  rawAt = new Float64Array(0);
  rawAscii = new Uint8Array(0);

  fit(n: number): void {
    if (n <= this.size) return;
    const size = Math.max(n, 2 * this.size);
    this.size = size;
    this.u32 = new Uint32Array(2 * size);
    this.i32 = new Int32Array(2 * size);
    this.f64 = new Float64Array(size);
    this.nulls = new Uint8Array(size);
    this.rawAt = new Float64Array(size);
    this.rawAscii = new Uint8Array(size);
  }
}

/**
 * Encodes blocks of one load. Keeps each dictionary's encoded values, so a value shared by many
 * rows (or by many blocks) is turned into UTF-8 once.
 */
export class NativeEncoder {
  private readonly dicts = new Map<Dict, EncodedDict>();
  private readonly scratch = new Scratch();

  /** Writes the Native block of rows `start`..`end` of a segment into `w`: the fixed columns, then `fields`. */
  block(w: BlockBuffer, seg: Segment, start: number, end: number, fixed: FixedValues, fields: NativeField[]): void {
    const n = end - start;
    const s = this.scratch;
    s.fit(n);
    w.varUInt(6 + fields.length);
    w.varUInt(n);

    header(w, "_seq", "UInt64");
    const seq = s.u32.subarray(0, 2 * n);
    for (let i = 0; i < n; i++) {
      seq[2 * i] = seg.seq[start + i]!;
      seq[2 * i + 1] = 0;
    }
    w.typed(seq);

    header(w, "_load", "String");
    const before = w.pos;
    w.string(fixed.load);
    w.repeatLast(w.pos - before, n);

    header(w, "_segment", "UInt32");
    w.typed(s.u32.subarray(0, n).fill(fixed.segmentId));

    // _ts: the exact time, NULL without one; _ms: whole milliseconds (0 without a time).
    header(w, "_ts", "Nullable(Float64)");
    const nulls = s.nulls.subarray(0, n);
    const ts = s.f64.subarray(0, n);
    const ms = s.i32.subarray(0, 2 * n);
    for (let i = 0; i < n; i++) {
      const t = seg.time[start + i]!;
      if (Number.isNaN(t)) {
        nulls[i] = 1;
        ts[i] = 0;
        ms[2 * i] = 0;
        ms[2 * i + 1] = 0;
        continue;
      }
      nulls[i] = 0;
      ts[i] = t;
      const whole = Math.floor(t);
      const hi = Math.floor(whole / 4294967296);
      ms[2 * i] = whole - hi * 4294967296;
      ms[2 * i + 1] = hi;
    }
    w.typed(nulls);
    w.typed(ts);
    header(w, "_ms", "Int64");
    w.typed(ms);

    // Where each event's _raw bytes start, and whether they are ASCII (then a character offset
    // into the text is a byte offset too, and slice columns copy their bytes from here).
    header(w, "_raw", "String");
    for (let r = start; r < end; r++) {
      const text = seg.raw[r]!;
      const at = w.pos;
      w.string(text);
      s.rawAt[r - start] = w.pos - text.length;
      s.rawAscii[r - start] = w.pos - at === varUIntSize(text.length) + text.length ? 1 : 0;
    }

    for (const f of fields) {
      header(w, f.name, f.type);
      this.field(w, f, seg.raw, start, end);
    }
  }

  private field(w: BlockBuffer, f: NativeField, texts: readonly string[], start: number, end: number): void {
    const c = f.column;
    const n = end - start;
    const s = this.scratch;
    switch (f.type) {
      case "Nullable(Float64)": {
        if (c.kind !== "num") throw new Error(`column ${f.name}: ${c.kind} values in a ${f.type} column`);
        const nulls = s.nulls.subarray(0, n);
        const out = s.f64.subarray(0, n);
        for (let i = 0; i < n; i++) {
          const x = c.values[start + i]!;
          // Not finite: NULL, as the JSON the values used to travel in (and travel back in) has no such numbers.
          if (Number.isFinite(x)) {
            out[i] = x;
            nulls[i] = 0;
          } else {
            out[i] = 0;
            nulls[i] = 1;
          }
        }
        w.typed(nulls);
        w.typed(out);
        return;
      }
      case "Nullable(String)": {
        if (c.kind === "str") return this.dictStrings(w, c, start, end, true);
        const nullsAt = w.pos;
        w.zeros(n);
        this.strings(w, c, texts, start, end, (i) => {
          w.buf[nullsAt + i] = 1;
          // A NULL row still holds a (empty) String in the nested column.
          w.ensure(1);
          w.buf[w.pos++] = 0;
        });
        return;
      }
      case "Array(String)": {
        // Offsets first (cumulative UInt64 element counts), then the elements.
        const offsets = s.u32.subarray(0, 2 * n);
        let total = 0;
        for (let i = 0; i < n; i++) {
          total += elementCount(c, start + i);
          offsets[2 * i] = total;
          offsets[2 * i + 1] = 0;
        }
        w.typed(offsets);
        if (c.kind === "multi") {
          const e = this.encoded(c.dict);
          for (let k = c.offsets[start]!; k < c.offsets[end]!; k++) w.copy(e.bytes, e.offsets[c.ids[k]!]!, e.offsets[c.ids[k]! + 1]!);
        } else if (c.kind === "str") this.dictStrings(w, c, start, end, false);
        else this.strings(w, c, texts, start, end, () => {});
        return;
      }
      default:
        return assertNever(f.type);
    }
  }

  /**
   * A dictionary column's rows as Strings copied from the encoded dictionary, in one pass with
   * the room made once: with `nullable`, the null map first and an empty String under each NULL;
   * without, rows without a value are left out (Array elements).
   */
  private dictStrings(w: BlockBuffer, c: Extract<Column, { kind: "str" }>, start: number, end: number, nullable: boolean): void {
    const e = this.encoded(c.dict);
    const ids = c.ids;
    const off = e.offsets;
    const src = e.bytes;
    // Room for the longest value in every row when that is small; else the exact total.
    const n = end - start;
    let room = (nullable ? 2 : 0) * n + n * e.longest;
    if (room > 1 << 24) {
      room = nullable ? 2 * n : 0;
      for (let r = start; r < end; r++) room += off[ids[r]! + 1]! - off[ids[r]!]!;
    }
    w.ensure(room);
    const b = w.buf;
    let p = w.pos;
    if (nullable) for (let r = start; r < end; r++) b[p++] = ids[r] === 0 ? 1 : 0;
    for (let r = start; r < end; r++) {
      const id = ids[r]!;
      if (id === 0) {
        if (nullable) b[p++] = 0;
        continue;
      }
      let a = off[id]!;
      const z = off[id + 1]!;
      if (z - a <= 64) while (a < z) b[p++] = src[a++]!;
      else {
        b.set(src.subarray(a, z), p);
        p += z - a;
      }
    }
    w.pos = p;
  }

  /** One String per row that has a value; `absent(i)` for the others (row `start + i`). Not for dictionary columns. */
  private strings(w: BlockBuffer, c: Column, texts: readonly string[], start: number, end: number, absent: (i: number) => void): void {
    switch (c.kind) {
      case "num":
        // Numbers in a text column (a field that was text in another file): the local store's text of them.
        for (let r = start; r < end; r++) {
          const x = c.values[r]!;
          if (Number.isNaN(x)) absent(r - start);
          else w.string(String(x));
        }
        return;
      case "slice": {
        // A slice is `length` characters at `start` of the event's own _raw (a marker start past
        // the text's end otherwise); for ASCII text those are bytes already written above.
        const s = this.scratch;
        const same = c.raw === texts;
        for (let r = start; r < end; r++) {
          const i = r - start;
          const at = c.start[r]!;
          const len = c.length[r]!;
          if (same && s.rawAscii[i] === 1 && at + len <= texts[r]!.length) {
            w.varUInt(len);
            w.copyOwn(s.rawAt[i]! + at, s.rawAt[i]! + at + len);
          } else {
            const v = sliceText(c, r);
            if (v === null) absent(i);
            else w.string(v);
          }
        }
        return;
      }
      case "str":
      case "multi":
        throw new Error(`a ${c.kind} column is written from its dictionary`);
      default:
        return assertNever(c);
    }
  }

  /** The dictionary's values encoded (extended when the dictionary grew since). */
  private encoded(dict: Dict): EncodedDict {
    const have = this.dicts.get(dict);
    const values = dict.values;
    if (have && have.size === values.length) return have;
    const from = have ? have.size : 0;
    const w = new BlockBuffer((have ? have.bytes.length : 0) + (values.length - from) * 16);
    if (have) w.copy(have.bytes, 0, have.bytes.length);
    const offsets = new Uint32Array(values.length + 1);
    if (have) offsets.set(have.offsets.subarray(0, from + 1));
    let longest = have ? have.longest : 0;
    for (let id = from; id < values.length; id++) {
      w.string(values[id]!);
      offsets[id + 1] = w.pos;
      longest = Math.max(longest, w.pos - offsets[id]!);
    }
    const e = { bytes: w.result(), offsets, size: values.length, longest };
    this.dicts.set(dict, e);
    return e;
  }
}

function header(w: BlockBuffer, name: string, type: string): void {
  w.string(name);
  w.string(type);
}

/** Elements row `r` puts in an Array(String) column. */
function elementCount(c: Column, r: number): number {
  switch (c.kind) {
    case "multi":
      return c.offsets[r + 1]! - c.offsets[r]!;
    case "str":
      return c.ids[r] === 0 ? 0 : 1;
    case "num":
      return Number.isNaN(c.values[r]!) ? 0 : 1;
    case "slice":
      return sliceText(c, r) === null ? 0 : 1;
    default:
      return assertNever(c);
  }
}
