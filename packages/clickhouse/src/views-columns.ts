/**
 * How the analyst views read fields in SQL. The views resolve a logical field (pid, host,
 * image…) to the first column a segment has, honouring aliases and the Windows 4688 layout; the
 * same resolution runs here on an empty rebuild of the dataset (same segments, columns, kinds
 * and aliases, no rows), so every segment reads the column the local view would read.
 *
 * Values travel tagged: `n…` for a number column (the text of the number, which the client reads
 * back with `Number` exactly as `rebuildDataset` does) and `s…` for text. The client then applies
 * the local reading (`String(number)` for a value coder, `parseNumber` for pids), so numbers and
 * texts that the engine merges or keeps apart are merged or kept apart the same way.
 */
import { columnOf, parseNumber, type Column, type Dataset, type Segment } from "@quarry/engine";
import type { ChType, DatasetInfo, SegmentMeta, StoredKind } from "./layout.ts";
import { rebuildDataset } from "./rebuild.ts";
import { ident, literal } from "./sql.ts";

/** A stored column as SQL sees it: the ClickHouse column, the local kind, the ClickHouse type. */
export interface ColRef {
  col: string;
  kind: StoredKind;
  type: ChType;
}

/** A field read per segment: which segments read which column (segments that have none are absent). */
export type SegmentColumns = Array<{ ref: ColRef; segments: number[] }>;

/** The segments of a dataset as local skeletons (no rows), beside their metadata, in visit order. */
export class ViewLayout {
  readonly skeleton: Dataset;
  readonly metas: SegmentMeta[];

  constructor(readonly info: DatasetInfo) {
    this.skeleton = rebuildDataset(info, []);
    this.metas = info.segments;
  }

  /** Each local segment with its metadata and ClickHouse segment id. */
  *segments(): Generator<{ seg: Segment; meta: SegmentMeta; id: number }> {
    for (let i = 0; i < this.metas.length; i++) yield { seg: this.skeleton.segments[i]!, meta: this.metas[i]!, id: this.metas[i]!.id };
  }

  /** The stored column behind a local column of a segment. */
  refOf(seg: Segment, meta: SegmentMeta, col: Column | undefined): ColRef | undefined {
    if (!col) return undefined;
    for (const [name, c] of seg.columns) {
      if (c !== col) continue;
      const entry = meta.columns.find((e) => e[0] === name);
      const field = entry ? this.info.columns.get(entry[3]) : undefined;
      return entry && field ? { col: field.col, kind: entry[1], type: field.type } : undefined;
    }
    return undefined;
  }

  /** Per segment the column `pick` chooses (e.g. a logical field), grouped by column. */
  columns(pick: (seg: Segment) => Column | undefined): SegmentColumns {
    return group([...this.segments()].map(({ seg, meta, id }) => ({ id, ref: this.refOf(seg, meta, pick(seg)) })));
  }

  /** Per segment every column `pick` lists (several per segment, as a view's "any of these fields"). */
  columnLists(pick: (seg: Segment) => Array<Column | undefined>): SegmentColumns {
    const items: Array<{ id: number; ref: ColRef | undefined }> = [];
    for (const { seg, meta, id } of this.segments()) {
      const seen = new Set<Column>();
      for (const c of pick(seg)) {
        if (!c || seen.has(c)) continue;
        seen.add(c);
        items.push({ id, ref: this.refOf(seg, meta, c) });
      }
    }
    return group(items);
  }

  /** Segment ids for which `test` holds. */
  segmentIds(test: (seg: Segment) => boolean): number[] {
    return [...this.segments()].filter(({ seg }) => test(seg)).map(({ id }) => id);
  }

  /** The sourcetype of a ClickHouse segment id. */
  sourcetype(id: number): string {
    return this.metas.find((m) => m.id === id)?.sourcetype ?? "";
  }
}

function group(items: Array<{ id: number; ref: ColRef | undefined }>): SegmentColumns {
  const out = new Map<string, { ref: ColRef; segments: number[] }>();
  for (const { id, ref } of items) {
    if (!ref) continue;
    const key = `${ref.col}|${ref.kind}`;
    const g = out.get(key);
    if (g) g.segments.push(id);
    else out.set(key, { ref, segments: [id] });
  }
  return [...out.values()];
}

/** Columns resolved by a list of field names (stored or alias), every one a segment has. */
export function columnsNamed(seg: Segment, names: readonly string[]): Array<Column | undefined> {
  return names.map((n) => columnOf(seg, n));
}

/** `_segment IN (…)`. */
export function inSegments(ids: readonly number[]): string {
  return ids.length === 0 ? "0" : `_segment IN (${ids.map((i) => literal(i)).join(", ")})`;
}

/** The first value of a column as a tagged Nullable(String): what `ValueCoder.codes` / `numbersOf` read (multi: the first value). */
export function firstSql(r: ColRef): string {
  const c = ident(r.col);
  const tag = r.kind === "num" ? "'n'" : "'s'";
  if (r.type === "Array(String)") return `if(empty(${c}), NULL, concat(${tag}, ${c}[1]))`;
  if (r.type === "Nullable(Float64)") return `concat(${tag}, toString(${c}))`;
  return `concat(${tag}, ${c})`;
}

/** Every value of a column as a tagged Array(String): what "any value matches" tests read. */
export function allSql(r: ColRef): string {
  const c = ident(r.col);
  if (r.kind === "multi") return `arrayMap(x -> concat('s', x), ${c})`;
  const first = firstSql(r);
  return `if(isNull(${first}), emptyArrayString(), [assumeNotNull(${first})])`;
}

/** A per-segment expression: `multiIf(_segment IN (…), e1, …, otherwise)`. */
export function perSegment(cols: SegmentColumns, expr: (r: ColRef) => string, otherwise: string): string {
  if (cols.length === 0) return otherwise;
  return `multiIf(${cols.map((g) => `${inSegments(g.segments)}, ${expr(g.ref)}`).join(", ")}, ${otherwise})`;
}

/** The first value of a field per segment, tagged (NULL where the segment has no such column). */
export function fieldFirst(cols: SegmentColumns): string {
  return perSegment(cols, firstSql, "CAST(NULL AS Nullable(String))");
}

/** Every value of a field per segment, tagged (several columns per segment are concatenated). */
export function fieldAll(cols: SegmentColumns): string {
  if (cols.length === 0) return "emptyArrayString()";
  return `arrayConcat(${cols.map((g) => `if(${inSegments(g.segments)}, ${allSql(g.ref)}, emptyArrayString())`).join(", ")})`;
}

/** A tagged value as a value coder reads it: text, a number's `String`, or null when absent (NaN, NULL). */
export function codedText(tagged: unknown): string | null {
  if (typeof tagged !== "string" || tagged.length === 0) return null;
  if (tagged[0] === "n") {
    const n = Number(tagged.slice(1));
    return Number.isNaN(n) ? null : String(n);
  }
  return tagged.slice(1);
}

/** A tagged value as `numbersOf` reads it: numbers as stored, text parsed as decimal or 0x hex; NaN when absent. */
export function numberOf(tagged: unknown): number {
  if (typeof tagged !== "string" || tagged.length === 0) return NaN;
  return tagged[0] === "n" ? Number(tagged.slice(1)) : parseNumber(tagged.slice(1));
}

/** The position of an event in a local scan: segment (in visit order), untimed first, time, seq. */
export const POSITION = "tuple(_segment, isNotNull(_ts), ifNull(_ts, 0), _seq)";

/** A position as returned in JSON (a tuple is an array; 64-bit integers may be quoted). */
export type Position = [number, number, number, number];

export function positionOf(v: unknown): Position {
  const a = Array.isArray(v) ? v : [];
  return [Number(a[0]), Number(a[1]), Number(a[2]), Number(a[3])];
}

export function comparePositions(a: Position, b: Position): number {
  for (let i = 0; i < 4; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return 0;
}

/**
 * A number written so ClickHouse reads exactly the same double: integers as digits, anything else
 * through its IEEE bits (an 18.16 float literal may round differently from JavaScript).
 */
export function exactNumber(x: number): string {
  if (Number.isSafeInteger(x)) return literal(x);
  const bytes = new Uint8Array(new Float64Array([x]).buffer);
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `reinterpretAsFloat64(unhex(${literal(hex)}))`;
}
