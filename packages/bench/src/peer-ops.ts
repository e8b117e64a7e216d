/**
 * The same questions for the peers: DuckDB SQL (wasm and native run the same text over table `ev`,
 * the flattened events) and Arquero verbs. Each returns rows that `answer.ts` makes canonical.
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import type { OpId } from "./quarry-ops.ts";

const SPAN_MS = 5 * 60 * 1000;

/**
 * The 3-stage sequence in SQL. Elasticsearch's state machine keeps, per key, the latest event of
 * stage 1 and the latest promoted partial sequence of stage 2. With mutually exclusive stages and one
 * key per event that is two LAG passes: a stage-2 event promotes when the previous stage-1/2 event of
 * its key is a stage-1 event within maxspan; a stage-3 event completes when the previous
 * promoted-or-stage-3 event of its key is a promotion whose start is within maxspan. This is exact for
 * this shape only: overlapping stages, `runs`, `until` or missing events need a recursive query.
 */
const SEQUENCE_SQL = `
WITH s AS (
  SELECT ProcessId AS k, _time AS t, seq, CASE EventCode WHEN 1 THEN 1 WHEN 3 THEN 2 ELSE 3 END AS st
  FROM ev WHERE EventCode IN (1, 3, 5) AND ProcessId IS NOT NULL
), ab AS (
  SELECT k, t, seq, st, lag(st) OVER w AS pst, lag(t) OVER w AS pt
  FROM s WHERE st < 3 WINDOW w AS (PARTITION BY k ORDER BY t, seq)
), promoted AS (
  SELECT k, t, seq, pt AS start FROM ab WHERE st = 2 AND pst = 1 AND t - pt <= ${SPAN_MS}
), bc AS (
  SELECT k, t, seq, 2 AS st, start FROM promoted
  UNION ALL SELECT k, t, seq, 3, NULL FROM s WHERE st = 3
), done AS (
  SELECT st, t, lag(st) OVER w AS pst, lag(start) OVER w AS pstart
  FROM bc WINDOW w AS (PARTITION BY k ORDER BY t, seq, st)
)
SELECT count(*) FROM done WHERE st = 3 AND pst = 2 AND t - pstart <= ${SPAN_MS}`;

/** DuckDB SQL per operation over table `ev`; the last column of a grouped answer is its count. */
export const SQL: Record<OpId, string> = {
  eq: `SELECT count(*) FROM ev WHERE Image = 'C:\\Windows\\System32\\cmd.exe'`,
  in: "SELECT count(*) FROM ev WHERE dest_port IN (22, 53, 3389)",
  wildcard: "SELECT count(*) FROM ev WHERE CommandLine ILIKE '%powershell%'",
  statsHost: "SELECT host, count(*) FROM ev WHERE host IS NOT NULL GROUP BY host",
  stats2: "SELECT src_ip, dest_port, count(*) FROM ev WHERE src_ip IS NOT NULL AND dest_port IS NOT NULL GROUP BY src_ip, dest_port",
  sankey:
    "SELECT sum(c)::BIGINT, count(*) FROM (SELECT ParentProcessId, ProcessId, count(*) AS c FROM ev WHERE ParentProcessId IS NOT NULL AND ProcessId IS NOT NULL GROUP BY ParentProcessId, ProcessId)",
  timechart: "SELECT floor(_time / 60000) * 60 AS b, coalesce(host, 'NULL') AS h, count(*) FROM ev GROUP BY b, h",
  sequence: SEQUENCE_SQL,
};

/** The same questions in Arquero's verbs; rows in the order of the SQL's columns. */
export function arqueroOp(t: ColumnTable, op: OpId): unknown[][] {
  switch (op) {
    case "eq":
      return [[t.filter((d: Row) => d.Image === "C:\\Windows\\System32\\cmd.exe").numRows()]];
    case "in":
      return [[t.filter((d: Row) => d.dest_port === 22 || d.dest_port === 53 || d.dest_port === 3389).numRows()]];
    case "wildcard":
      return [[t.filter((d: Row) => d.CommandLine != null && aq.op.includes(aq.op.lower(d.CommandLine) as unknown as string[], "powershell", 0)).numRows()]];
    case "statsHost":
      return rowsOf(t.filter((d: Row) => d.host != null).groupby("host").count(), ["host", "count"]);
    case "stats2":
      return rowsOf(
        t.filter((d: Row) => d.src_ip != null && d.dest_port != null).groupby("src_ip", "dest_port").count(),
        ["src_ip", "dest_port", "count"],
      );
    case "sankey": {
      const f = t.filter((d: Row) => d.ParentProcessId != null && d.ProcessId != null).groupby("ParentProcessId", "ProcessId").count();
      return [[f.rollup({ n: (d: Row) => aq.op.sum(d.count) }).get("n", 0), f.numRows()]];
    }
    case "timechart":
      return rowsOf(
        t
          .derive({ b: (d: Row) => aq.op.floor(d._time / 60000) * 60, h: (d: Row) => (d.host == null ? "NULL" : d.host) })
          .groupby("b", "h")
          .count(),
        ["b", "h", "count"],
      );
    case "sequence": {
      const s = t
        .filter((d: Row) => (d.EventCode === 1 || d.EventCode === 3 || d.EventCode === 5) && d.ProcessId != null)
        .derive({ st: (d: Row) => (d.EventCode === 1 ? 1 : d.EventCode === 3 ? 2 : 3) })
        .select("ProcessId", "_time", "seq", "st");
      const promoted = s
        .filter((d: Row) => d.st < 3)
        .groupby("ProcessId")
        .orderby("_time", "seq")
        .derive({ pst: (d: Row) => aq.op.lag(d.st, 1), pt: (d: Row) => aq.op.lag(d._time, 1) })
        .filter((d: Row) => d.st === 2 && d.pst === 1 && d._time - d.pt <= 300000)
        .ungroup()
        .derive({ start: (d: Row) => d.pt })
        .select("ProcessId", "_time", "seq", "st", "start");
      const ends = s.filter((d: Row) => d.st === 3).derive({ start: () => null }).select("ProcessId", "_time", "seq", "st", "start");
      const done = promoted
        .concat(ends)
        .groupby("ProcessId")
        .orderby("_time", "seq", "st")
        .derive({ pst: (d: Row) => aq.op.lag(d.st, 1), pstart: (d: Row) => aq.op.lag(d.start, 1) })
        .filter((d: Row) => d.st === 3 && d.pst === 2 && d._time - d.pstart <= 300000);
      return [[done.numRows()]];
    }
  }
}

// Arquero parses these arrow functions' source; the row type only serves the type checker.
type Row = Record<string, any>;

function rowsOf(t: ColumnTable, cols: string[]): unknown[][] {
  const arrays = cols.map((c) => t.array(c) as ArrayLike<unknown>);
  const out: unknown[][] = [];
  for (let i = 0; i < t.numRows(); i++) out.push(arrays.map((a) => a[i]));
  return out;
}
