import type { Dict } from "./dict.ts";
import { GrowableF64, GrowableU32 } from "./growable.ts";
import type { Column, FieldValue } from "./types.ts";

/**
 * Builds one column of a segment row by row. It starts numeric when the first value is a JSON
 * number and widens to dictionary text, then to multi-value, as values demand; rows a field is
 * absent from stay 0 / NaN.
 */
export class ColumnBuilder {
  private kind: "num" | "str" | "multi" | "empty" = "empty";
  private nums: GrowableF64 | null = null;
  private ids: GrowableU32 | null = null;
  /** For multi: offsets (length rows+1, lazily filled) and the flat id list. */
  private offsets: GrowableU32 | null = null;
  private multiIds: GrowableU32 | null = null;
  private multiRows = 0;
  private allBoolean = true;

  constructor(private readonly dict: Dict) {}

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
    if (this.kind === "empty") {
      this.kind = "str";
      this.ids = new GrowableU32(64);
    }
    if (this.kind === "multi") return this.addMulti(row, [text]);
    this.ids!.set(row, this.dict.intern(text));
  }

  /** The finished column with `rowCount` rows, or null when no row had a value. */
  finish(rowCount: number, order: Uint32Array | null): Column | null {
    switch (this.kind) {
      case "empty":
        return null;
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
