/** Public API of the ClickHouse backend: load files into a dataset table, run EQL/SPL plans on it. */
export { literal, ident, checkDatasetName, SqlSafetyError } from "./sql.ts";
export type { SqlValue } from "./sql.ts";
export { Connection, RemoteError } from "./conn.ts";
export type { RequestOptions } from "./conn.ts";
export { tables, readInfo, datasetExists } from "./layout.ts";
export type { Target, DatasetInfo, SegmentMeta, FieldColumn, LoadRecord, ChType } from "./layout.ts";
export { loadToClickHouse } from "./load.ts";
export type { FileLoadResult, LoadOptions, LoadFile } from "./load.ts";
export { compilePredicate, planPredicate, fieldSql } from "./compile.ts";
export type { Pred, CompileContext } from "./compile.ts";
export { rebuildDataset } from "./rebuild.ts";
export { runEqlRemote, runSplRemote, fetchForPlan, selectSql } from "./remote.ts";
export type { RemoteOptions, RemoteMode } from "./remote.ts";
export { eventReduction, eqlReduction } from "./reduce.ts";
export type { Reduction, EqlCutOptions } from "./reduce.ts";
export { listDatasets } from "./layout.ts";
export { clickhouseProxy } from "./proxy.ts";
