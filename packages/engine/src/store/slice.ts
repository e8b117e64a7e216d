import type { Dict } from "./dict.ts";
import type { Column, SliceColumn, StrColumn } from "./types.ts";

/** A column whose text (if any) is dictionary ids. */
export type DictColumn = Exclude<Column, SliceColumn>;

/** `start` marker: the row has no value. */
export const SLICE_ABSENT = 0xffffffff;
/** `start` marker: the row's text is in `outside` (not verbatim in `_raw`, or too long). */
export const SLICE_OUTSIDE = 0xfffffffe;
/** Longest value kept as a slice (`length` is a Uint16Array). */
export const SLICE_MAX_LENGTH = 0xffff;

/** The text of row `row` of a slice column, or null when the row has none. */
export function sliceValue(col: SliceColumn, row: number): string | null {
  const start = col.start[row]!;
  if (start === SLICE_ABSENT) return null;
  if (start === SLICE_OUTSIDE) return col.outside.get(row) ?? null;
  return col.raw[row]!.substr(start, col.length[row]!);
}

/**
 * The column as dictionary ids of the field's shared dictionary, for operations that merge
 * segments by id (group-bys, Sankey pairs). The ids array is not kept; the interned values stay
 * in the dictionary, so only fields an analyst actually groups by grow it.
 */
export function materializeSlice(col: SliceColumn): StrColumn {
  const n = col.start.length;
  const ids = new Uint32Array(n);
  for (let r = 0; r < n; r++) {
    const v = sliceValue(col, r);
    if (v !== null) ids[r] = col.dict.intern(v);
  }
  return { kind: "str", ids, dict: col.dict };
}

/**
 * Where the last slice of an event was found, shared by the slice columns of a segment builder:
 * fields arrive in the order the text holds them, so the next value is searched from there.
 */
export interface SliceCursor {
  row: number;
  pos: number;
}

/**
 * Collects a slice column row by row. Rows must be added in increasing order; `raw` is the
 * builder's list of event texts (row-indexed, before sorting).
 */
export class SliceBuilder {
  private start: Uint32Array;
  private length: Uint16Array;
  private readonly outside = new Map<number, string>();
  private rows = 0;

  constructor(
    private readonly raw: readonly string[],
    private readonly dict: Dict,
    capacity: number,
    private readonly cursor: SliceCursor = { row: -1, pos: 0 },
  ) {
    this.start = new Uint32Array(Math.max(64, capacity)).fill(SLICE_ABSENT);
    this.length = new Uint16Array(this.start.length);
  }

  /** Records the text of `row`: its position in the row's `_raw` when it is there verbatim. */
  add(row: number, text: string): void {
    if (row >= this.start.length) this.grow(row + 1);
    let at = -1;
    if (text.length <= SLICE_MAX_LENGTH) {
      const raw = this.raw[row]!;
      const from = this.cursor.row === row ? this.cursor.pos : 0;
      at = raw.indexOf(text, from);
      if (at < 0 && from > 0) at = raw.indexOf(text);
      if (at >= 0) {
        this.cursor.row = row;
        this.cursor.pos = at + text.length;
      }
    }
    if (at >= 0) {
      this.start[row] = at;
      this.length[row] = text.length;
    } else {
      this.start[row] = SLICE_OUTSIDE;
      this.outside.set(row, text);
    }
    if (row >= this.rows) this.rows = row + 1;
  }

  /** The finished column over `segmentRaw` (the segment's sorted `_raw`), permuted by `order`. */
  finish(rowCount: number, order: Uint32Array | null, segmentRaw: readonly string[]): SliceColumn {
    if (rowCount > this.start.length) this.grow(rowCount);
    let start = this.start.subarray(0, rowCount);
    let length = this.length.subarray(0, rowCount);
    let outside = this.outside;
    if (order) {
      const s = new Uint32Array(rowCount);
      const l = new Uint16Array(rowCount);
      const o = new Map<number, string>();
      for (let i = 0; i < rowCount; i++) {
        const r = order[i]!;
        s[i] = start[r]!;
        l[i] = length[r]!;
        if (s[i] === SLICE_OUTSIDE) o.set(i, outside.get(r)!);
      }
      start = s;
      length = l;
      outside = o;
    } else {
      start = start.slice();
      length = length.slice();
    }
    return { kind: "slice", start, length, raw: segmentRaw, outside, dict: this.dict };
  }

  private grow(min: number): void {
    let cap = this.start.length * 2;
    while (cap < min) cap *= 2;
    const s = new Uint32Array(cap).fill(SLICE_ABSENT);
    s.set(this.start);
    const l = new Uint16Array(cap);
    l.set(this.length);
    this.start = s;
    this.length = l;
  }
}

/** The column with a slice column turned into dictionary ids (see `materializeSlice`), for code that counts by id. */
export function dictColumn(col: Column | undefined): DictColumn | undefined {
  return col?.kind === "slice" ? materializeSlice(col) : col;
}
