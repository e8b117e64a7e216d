/** Public API of the Quarry engine: store, ingest, plan, executors. */
export { Dict, parseNumber } from "./store/dict.ts";
export { Dataset, columnOf, valueAt, eventFields, assertNever } from "./store/dataset.ts";
export type { Column, FieldType, FieldValue, FlatFields, IngestProblem, Scalar, Segment } from "./store/types.ts";
export { IngestJob, ingestBytes } from "./ingest/job.ts";
export type { IngestProgress, IngestSummary } from "./ingest/job.ts";
export type { ParsedEvent, Format, TextFormat, BinaryFormat, ParseSink } from "./ingest/types.ts";
export { allFormats } from "./ingest/registry.ts";
export { toEpochMs } from "./ingest/timestamp.ts";
export { QueryError, formatQueryError, lineColumn } from "./lang/errors.ts";
export type { Span } from "./lang/errors.ts";
export type * from "./lang/plan.ts";
