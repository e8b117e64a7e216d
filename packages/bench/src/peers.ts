/**
 * The peers, in this process: DuckDB-wasm (Node blocking bundle, single-threaded as in a browser
 * tab), native DuckDB (@duckdb/node-api, all cores: a ceiling, not a competitor), and Arquero.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { FLAT_COLUMNS } from "./data.ts";
import { SQL, arqueroOp } from "./peer-ops.ts";
import type { OpId } from "./quarry-ops.ts";

/** A peer engine: loads the flattened events, then answers operations as rows of cells. */
export interface Peer {
  readonly name: string;
  /** What it ingests ("CSV", "Arrow"). */
  readonly input: string;
  /** Loads the data (fresh table each call); returns the bytes read. */
  ingest(): Promise<number>;
  query(op: OpId): Promise<unknown[][]>;
  close(): Promise<void>;
}

const CSV_COLUMNS = `{${FLAT_COLUMNS.map((c) => `'${c.name}': '${c.type === "num" ? "DOUBLE" : "VARCHAR"}'`).join(", ")}}`;

function readCsvSql(path: string): string {
  // Explicit types (no sniffing) so every engine sees the same schema; empty unquoted = NULL.
  return `CREATE OR REPLACE TABLE ev AS SELECT * FROM read_csv('${path}', header = true, delim = ',', quote = '"', escape = '"', columns = ${CSV_COLUMNS})`;
}

/** DuckDB compiled to WebAssembly, through its Node blocking bindings. */
export async function duckdbWasm(csvPath: string): Promise<Peer> {
  const require = createRequire(import.meta.url);
  const duckdb = require("@duckdb/duckdb-wasm/blocking") as typeof import("@duckdb/duckdb-wasm/blocking");
  const dist = dirname(require.resolve("@duckdb/duckdb-wasm/blocking"));
  const bundles = {
    mvp: { mainModule: join(dist, "duckdb-mvp.wasm"), mainWorker: join(dist, "duckdb-node-mvp.worker.cjs") },
    eh: { mainModule: join(dist, "duckdb-eh.wasm"), mainWorker: join(dist, "duckdb-node-eh.worker.cjs") },
  };
  const db = await duckdb.createDuckDB(bundles, new duckdb.VoidLogger(), duckdb.NODE_RUNTIME);
  await db.instantiate();
  db.open({});
  const conn = db.connect();
  conn.query("SET threads = 1");
  return {
    name: "duckdb-wasm",
    input: "CSV",
    async ingest() {
      const bytes = readFileSync(csvPath);
      db.registerFileBuffer("events.csv", bytes);
      conn.query(readCsvSql("events.csv"));
      db.dropFile("events.csv");
      return bytes.length;
    },
    async query(op) {
      const t = conn.query(SQL[op]);
      return t.toArray().map((row: { toArray(): unknown[] }) => row.toArray());
    },
    async close() {
      conn.close();
      db.reset();
    },
  };
}

/** Native DuckDB on all cores, reading the CSV file from disk. */
export async function duckdbNative(csvPath: string): Promise<Peer> {
  const instance = await DuckDBInstance.create(":memory:");
  const conn: DuckDBConnection = await instance.connect();
  return {
    name: "duckdb-native",
    input: "CSV",
    async ingest() {
      await conn.run(readCsvSql(csvPath));
      return readFileSize(csvPath);
    },
    async query(op) {
      const r = await conn.runAndReadAll(SQL[op]);
      return r.getRowsJS() as unknown[][];
    },
    async close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
}

/** Arquero over the Arrow IPC file. */
export async function arquero(arrowPath: string): Promise<Peer> {
  let table: ColumnTable | null = null;
  return {
    name: "arquero",
    input: "Arrow",
    async ingest() {
      const bytes = readFileSync(arrowPath);
      table = aq.fromArrow(bytes);
      return bytes.length;
    },
    async query(op) {
      if (!table) throw new Error("arquero: query before ingest");
      return arqueroOp(table, op);
    },
    async close() {
      table = null;
    },
  };
}

function readFileSize(path: string): number {
  return readFileSync(path).length;
}
