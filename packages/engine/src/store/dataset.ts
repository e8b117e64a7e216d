import { Dict } from "./dict.ts";
import { SegmentBuilder } from "./segment-builder.ts";
import { sliceValue } from "./slice.ts";
import type { Column, FieldType, Scalar, Segment } from "./types.ts";

/**
 * A loaded dataset: segments (one per sourcetype per ingest) sharing one dictionary per field
 * name, so dictionary ids mean the same value in every segment and aggregations merge by id.
 */
export class Dataset {
  readonly segments: Segment[] = [];
  readonly dicts = new Map<string, Dict>();
  /** Declared (from a mapping) or inferred field types. */
  readonly fieldTypes = new Map<string, FieldType>();
  /** Next ingest sequence number: the implicit tiebreaker. */
  nextSeq = 0;

  /** The shared dictionary of a field. */
  dict(field: string): Dict {
    let d = this.dicts.get(field);
    if (!d) {
      d = new Dict();
      this.dicts.set(field, d);
    }
    return d;
  }

  /** A builder for a new segment of `sourcetype`; call `addSegment` with its result. */
  builder(sourcetype: string, aliases?: Map<string, string>): SegmentBuilder {
    return new SegmentBuilder(sourcetype, (f) => this.dict(f), aliases);
  }

  /** Finishes a builder and adds its segment (empty builders are dropped). */
  addSegment(builder: SegmentBuilder): Segment | null {
    if (builder.rowCount === 0) return null;
    const seg = builder.finish(this.segments.length);
    this.segments.push(seg);
    return seg;
  }

  get rowCount(): number {
    let n = 0;
    for (const s of this.segments) n += s.rowCount;
    return n;
  }

  /** Every field name (stored and alias) known in any segment. */
  fieldNames(): string[] {
    const names = new Set<string>();
    for (const s of this.segments) {
      for (const k of s.columns.keys()) names.add(k);
      for (const [alias, target] of s.aliases) if (s.columns.has(target)) names.add(alias);
    }
    return [...names].sort();
  }
}

/** The column `name` of a segment, following one level of alias. */
export function columnOf(seg: Segment, name: string): Column | undefined {
  const col = seg.columns.get(name);
  if (col) return col;
  const target = seg.aliases.get(name);
  return target === undefined ? undefined : seg.columns.get(target);
}

/** The value of a column at a row: a scalar, an array for multi-value rows, or null. */
export function valueAt(col: Column | undefined, row: number): Scalar | Scalar[] {
  if (!col) return null;
  switch (col.kind) {
    case "str": {
      const id = col.ids[row]!;
      if (id === 0) return null;
      const text = col.dict.values[id]!;
      return col.boolean ? text === "true" : text;
    }
    case "num": {
      const v = col.values[row]!;
      return Number.isNaN(v) ? null : v;
    }
    case "slice":
      return sliceValue(col, row);
    case "multi": {
      const start = col.offsets[row]!;
      const end = col.offsets[row + 1]!;
      if (start === end) return null;
      const out: Scalar[] = [];
      for (let i = start; i < end; i++) out.push(col.dict.values[col.ids[i]!]!);
      return out;
    }
    default:
      return assertNever(col);
  }
}

/** All fields of one event as a flat record (stored names only, aliases left out). */
export function eventFields(seg: Segment, row: number): Record<string, Scalar | Scalar[]> {
  const out: Record<string, Scalar | Scalar[]> = {};
  for (const [name, col] of seg.columns) {
    const v = valueAt(col, row);
    if (v !== null) out[name] = v;
  }
  return out;
}

/** Exhaustiveness guard for switches over discriminated unions. */
export function assertNever(x: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(x)}`);
}
