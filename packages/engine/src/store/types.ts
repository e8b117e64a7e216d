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
 */
export type Column = StrColumn | NumColumn | MultiColumn;

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
