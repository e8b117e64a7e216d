import type { Dict } from "./dict.ts";
import { GrowableF64, GrowableU32 } from "./growable.ts";
import { SliceBuilder, sliceValue as sliceText, type SliceCursor } from "./slice.ts";
import type { Column, FieldValue } from "./types.ts";

/** Text values looked at before choosing between a dictionary and slices of `_raw`. */
const PROBE_VALUES = 256;
/** Share of distinct (and of verbatim-in-`_raw`) values among the probed ones that picks slices. */
const SLICE_SHARE = 0.9;
/**
 * Shortest average probed text that picks slices. Short near-unique values — pids, thread ids,
 * record numbers, IP addresses — stay in the dictionary: they are what group-bys, sequence joins
 * and Sankeys count by id, and the saving per value is smaller than for timestamps and uids.
 */
const SLICE_MIN_AVG_LENGTH = 16;

/**
 * Builds one column of a segment row by row. It starts numeric when the first value is a JSON
 * number and widens to dictionary text, then to multi-value, as values demand; rows a field is
 * absent from stay 0 / NaN.
 *
 * Text columns first hold their values back ("probe") until PROBE_VALUES have arrived: when
 * nearly all differ, are long, and appear verbatim in their event's `_raw` (timestamps written
 * as text, uids, session ids), the column keeps positions in `_raw` (a slice column) instead of
 * one dictionary string per event; otherwise the values are interned and it is a dictionary column.
 */
export class ColumnBuilder {
  private kind: "num" | "str" | "multi" | "empty" | "probe" | "slice" = "empty";
  private probeRows: number[] = [];
  private probeValues: string[] = [];
  private slice: SliceBuilder | null = null;
  /** The last text interned by this column and its id (see `add`). */
  private lastText: string | null = null;
  private lastId = 0;
  private nums: GrowableF64 | null = null;
  private ids: GrowableU32 | null = null;
  /** For multi: offsets (length rows+1, lazily filled) and the flat id list. */
  private offsets: GrowableU32 | null = null;
  private multiIds: GrowableU32 | null = null;
  private multiRows = 0;
  private allBoolean = true;

  /** `raws` is the segment builder's event texts by row (for slice columns). */
  constructor(
    private readonly dict: Dict,
    private readonly raws: readonly string[],
    private readonly cursor?: SliceCursor,
  ) {}

  /** Records `value` for `row`; rows must be added in increasing order. */
  add(row: number, value: FieldValue): void {
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) {
      const flat = flattenArray(value);
      if (flat.length === 0) return;
      if (flat.length === 1) return this.add(row, flat[0]!);
      this.toMulti();
      this.addMulti(row, flat);
      return;
    }
    if (typeof value !== "boolean") this.allBoolean = false;
    if (typeof value === "number" && (this.kind === "num" || this.kind === "empty")) {
      if (this.kind === "empty") {
        this.kind = "num";
        this.nums = new GrowableF64(64);
      }
      this.nums!.set(row, value);
      return;
    }
    const text = typeof value === "string" ? value : String(value);
    if (this.kind === "num") this.numToStr();
    if (this.kind === "empty") this.kind = "probe";
    switch (this.kind) {
      case "probe":
        this.probeRows.push(row);
        this.probeValues.push(text);
        if (this.probeValues.length >= PROBE_VALUES) this.decide();
        return;
      case "slice":
        return this.slice!.add(row, text);
      case "multi":
        return this.addMulti(row, [text]);
      case "str": {
        // Consecutive events of a segment often repeat a value (channel, provider, level…):
        // comparing with the last text is cheaper than hashing it for the dictionary lookup.
        let id = this.lastId;
        if (text !== this.lastText) {
          id = this.lastId = this.dict.intern(text);
          this.lastText = text;
        }
        this.ids!.set(row, id);
        return;
      }
    }
  }

  /** Ends the probe: slices when the probed texts are near-unique and verbatim in `_raw`. */
  private decide(): void {
    const values = this.probeValues;
    const rows = this.probeRows;
    let chars = 0;
    for (const v of values) chars += v.length;
    const need = values.length * SLICE_SHARE;
    let slice = values.length >= PROBE_VALUES && chars >= values.length * SLICE_MIN_AVG_LENGTH && new Set(values).size >= need;
    if (slice) {
      let verbatim = 0;
      for (let i = 0; i < values.length; i++) if (this.raws[rows[i]!]!.includes(values[i]!)) verbatim++;
      slice = verbatim >= need;
    }
    if (slice) {
      this.kind = "slice";
      this.slice = new SliceBuilder(this.raws, this.dict, rows[rows.length - 1]! + 1, this.cursor);
      for (let i = 0; i < values.length; i++) this.slice.add(rows[i]!, values[i]!);
    } else {
      this.kind = "str";
      this.ids = new GrowableU32(Math.max(64, rows[rows.length - 1]! + 1));
      for (let i = 0; i < values.length; i++) this.ids.set(rows[i]!, this.dict.intern(values[i]!));
    }
    this.probeRows = [];
    this.probeValues = [];
  }

  /** Turns a probing or slice column into a dictionary column (before it becomes multi-value). */
  private settle(): void {
    if (this.kind === "probe") {
      if (this.probeValues.length > 0) {
        this.kind = "str";
        this.ids = new GrowableU32(64);
        for (let i = 0; i < this.probeValues.length; i++) this.ids.set(this.probeRows[i]!, this.dict.intern(this.probeValues[i]!));
        this.probeRows = [];
        this.probeValues = [];
      } else this.kind = "empty";
    } else if (this.kind === "slice") {
      const col = this.slice!.finish(this.raws.length, null, this.raws);
      const ids = new GrowableU32(Math.max(64, col.start.length));
      for (let r = 0; r < col.start.length; r++) {
        const v = sliceText(col, r);
        if (v !== null) ids.set(r, this.dict.intern(v));
      }
      this.kind = "str";
      this.ids = ids;
      this.slice = null;
    }
  }

  /** The finished column with `rowCount` rows, or null when no row had a value. */
  finish(rowCount: number, order: Uint32Array | null, segmentRaw: readonly string[]): Column | null {
    if (this.kind === "probe") this.settle();
    switch (this.kind) {
      case "empty":
      case "probe":
        return null;
      case "slice":
        return this.slice!.finish(rowCount, order, segmentRaw);
      case "num":
        return { kind: "num", values: permuteF64(this.nums!.finish(rowCount), order) };
      case "str":
        return {
          kind: "str",
          ids: permuteU32(this.ids!.finish(rowCount), order),
          dict: this.dict,
          ...(this.allBoolean ? { boolean: true } : {}),
        };
      case "multi": {
        this.closeMultiRows(rowCount);
        const offsets = this.offsets!.finish(rowCount + 1);
        const ids = this.multiIds!.finish();
        return order ? permuteMulti(offsets, ids, order, this.dict) : { kind: "multi", offsets, ids, dict: this.dict };
      }
    }
  }

  private numToStr(): void {
    const nums = this.nums!;
    const ids = new GrowableU32(Math.max(64, nums.length));
    for (let i = 0; i < nums.length; i++) {
      const v = nums.data[i]!;
      if (!Number.isNaN(v)) ids.set(i, this.dict.intern(String(v)));
    }
    ids.length = nums.length;
    this.ids = ids;
    this.nums = null;
    this.kind = "str";
  }

  private toMulti(): void {
    if (this.kind === "multi") return;
    this.settle();
    if (this.kind === "num") this.numToStr();
    this.offsets = new GrowableU32(64);
    this.offsets.push(0);
    this.multiIds = new GrowableU32(64);
    this.multiRows = 0;
    if (this.kind === "str") {
      const ids = this.ids!;
      for (let r = 0; r < ids.length; r++) {
        const id = ids.data[r]!;
        if (id !== 0) this.multiIds.push(id);
        this.offsets.push(this.multiIds.length);
      }
      this.multiRows = ids.length;
      this.ids = null;
    }
    this.kind = "multi";
  }

  private closeMultiRows(upTo: number): void {
    while (this.multiRows < upTo) {
      this.offsets!.push(this.multiIds!.length);
      this.multiRows++;
    }
  }

  private addMulti(row: number, values: Array<string | number | boolean>): void {
    this.closeMultiRows(row);
    for (const v of values) this.multiIds!.push(this.dict.intern(typeof v === "string" ? v : String(v)));
    this.allBoolean = false;
    this.offsets!.push(this.multiIds!.length);
    this.multiRows = row + 1;
  }
}

function flattenArray(values: FieldValue[]): Array<string | number | boolean> {
  const out: Array<string | number | boolean> = [];
  const walk = (vs: FieldValue[]) => {
    for (const v of vs) {
      if (v === null || v === undefined) continue;
      if (Array.isArray(v)) walk(v);
      else if (typeof v === "object") out.push(JSON.stringify(v));
      else out.push(v);
    }
  };
  walk(values);
  return out;
}

function permuteU32(values: Uint32Array, order: Uint32Array | null): Uint32Array {
  if (!order) return values;
  const out = new Uint32Array(values.length);
  for (let i = 0; i < order.length; i++) out[i] = values[order[i]!]!;
  return out;
}

function permuteF64(values: Float64Array, order: Uint32Array | null): Float64Array {
  if (!order) return values;
  const out = new Float64Array(values.length);
  for (let i = 0; i < order.length; i++) out[i] = values[order[i]!]!;
  return out;
}

function permuteMulti(offsets: Uint32Array, ids: Uint32Array, order: Uint32Array, dict: Dict): Column {
  const outOffsets = new Uint32Array(offsets.length);
  const outIds = new Uint32Array(ids.length);
  let pos = 0;
  for (let i = 0; i < order.length; i++) {
    const r = order[i]!;
    const start = offsets[r]!;
    const end = offsets[r + 1]!;
    outIds.set(ids.subarray(start, end), pos);
    pos += end - start;
    outOffsets[i + 1] = pos;
  }
  return { kind: "multi", offsets: outOffsets, ids: outIds, dict };
}
