/**
 * The intermediate results that flow between a source and its pipes.
 * - `events`: references to stored events in global order (EQL event queries, SPL searches).
 *   Nothing is copied; pipes that only select or reorder (head, tail, where, sort, dedup) stay here.
 * - `sequences`: EQL sequence or sample matches: join keys and one event per stage (`-1` in
 *   `seg`/`row` marks a missing-event slot `![…]`).
 * - `table`: materialised result rows after an aggregation or a field-shaping command
 *   (stats, timechart, eval over events…): column names in display order and one record per row.
 */
import type { Scalar } from "../store/types.ts";
import type { EventList } from "./event-list.ts";
import type { Value } from "./functions/registry.ts";

/** One result row of a table stream: field name → value (absent key = null). */
export type Row = Record<string, Value>;

/** One sequence (or sample) match. */
export interface SequenceHit {
  joinKeys: Scalar[];
  /** Segment index per stage, -1 for a missing-event slot. */
  seg: Int32Array;
  /** Row per stage, -1 for a missing-event slot. */
  row: Int32Array;
}

export type Stream =
  /** `annotations[i]`, when present, adds computed fields to event i (Endgame `unique_count`'s count and percent). */
  | { kind: "events"; events: EventList; annotations?: Row[] }
  | { kind: "sequences"; sequences: SequenceHit[] }
  | { kind: "table"; fields: string[]; rows: Row[]; columns?: TableColumns };

/**
 * Table rows as columns, parallel to the field list: a Float64Array for counts or times, an array
 * of values otherwise; a null cell means the row lacks that key. Executors that produce whole
 * columns (the SPL timechart) hand them on so rows are built only when read (see exec/spl/columns.ts).
 */
export interface TableColumns {
  length: number;
  data: Array<Float64Array | Value[]>;
}
