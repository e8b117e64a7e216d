import type { Dict } from "./dict.ts";

/** A value as it arrives from a parser: JSON scalars, or an array for a multi-value field. */
export type FieldValue = string | number | boolean | null | FieldValue[];

/** A flat map of field name → value; nested JSON is already flattened to dotted names. */
export type FlatFields = Record<string, FieldValue>;

/** A scalar as executors and results see it. */
export type Scalar = string | number | boolean | null;

/** The declared or inferred type of a field, used by the query languages for comparisons. */
export type FieldType = "string" | "number" | "boolean" | "ip" | "date" | "version" | "mixed";

/**
 * A column of one segment. Every column has exactly `rowCount` logical rows.
 * - `str`: dictionary ids, 0 = absent. Used for text, and for numbers written as text.
 * - `num`: float64 values, NaN = absent. Used when every value was a JSON number.
 * - `multi`: several dictionary ids per row: row r owns ids[offsets[r] .. offsets[r+1]).
 * - `slice`: text that is (nearly) unique per event — timestamps written as text, uids, record
 *   ids — kept as a position in the event's own `_raw` instead of a dictionary string each.
 */
export type Column = StrColumn | NumColumn | MultiColumn | SliceColumn;

export interface StrColumn {
  kind: "str";
  ids: Uint32Array;
  dict: Dict;
  /** Values were JSON booleans (stored as "true"/"false"). */
  boolean?: boolean;
}

export interface NumColumn {
  kind: "num";
  values: Float64Array;
}

export interface MultiColumn {
  kind: "multi";
  offsets: Uint32Array;
  ids: Uint32Array;
  dict: Dict;
}

/**
 * Near-unique text as slices of `_raw`: a dictionary would hold one ~40-byte string object per
 * event for such a field, a slice costs 6 bytes. Row r's value is
 * `raw[r].substr(start[r], length[r])`; `start[r]` is SLICE_ABSENT when the row has no value and
 * SLICE_OUTSIDE when its text is not verbatim in `_raw` (then it is in `outside`).
 * `dict` is the field's shared dictionary: ids are only made (see `materializeSlice`) when an
 * operation must merge this column with dictionary columns of the same field by id.
 */
export interface SliceColumn {
  kind: "slice";
  start: Uint32Array;
  length: Uint16Array;
  /** The segment's `_raw` array (the same array object, in the segment's row order). */
  raw: readonly string[];
  outside: Map<number, string>;
  dict: Dict;
}

/**
 * A segment: events of one sourcetype from one ingest, sorted by (time, seq).
 * Queries run over all segments of a dataset and merge by (time, seq).
 */
export interface Segment {
  /** Index of the segment in its dataset. */
  readonly id: number;
  readonly rowCount: number;
  /** Event time in ms since the epoch (NaN when the event had none), ascending. */
  readonly time: Float64Array;
  /** Dataset-wide ingest order: the implicit tiebreaker, unique per event. */
  readonly seq: Uint32Array;
  /** The original text of each event. */
  readonly raw: string[];
  readonly columns: Map<string, Column>;
  /** Alias name → stored field name (ECS/CIM names over raw names, without copying data). */
  readonly aliases: Map<string, string>;
  readonly sourcetype: string;
}

/** A problem found while loading: which file, where, why. */
export interface IngestProblem {
  file: string;
  /** 1-based line number for text formats, when known. */
  line?: number;
  /** Byte offset for binary formats, when known. */
  offset?: number;
  reason: string;
  /** The start of the offending text, for display. */
  sample?: string;
}
