/**
 * The `_eql/search` response of an executed plan, shaped as `runEql` shapes it (api/eql.ts), but
 * with each event's hit produced by the caller: in a two-phase remote run the matcher ran on a
 * dataset of a few columns, and the hits come from the complete events fetched afterwards.
 */
import type { EqlHit, EqlResponse, EqlSequence, QueryPlan, Stream } from "@quarry/engine";

/** One stored event of the executed dataset: segment index and row. */
export interface EventRef {
  seg: number;
  row: number;
}

/** Whether the last head/tail pipe is a tail: the size cap then keeps the last results (as `runEql`). */
export function capsFromEnd(plan: QueryPlan): boolean {
  for (let i = plan.pipes.length - 1; i >= 0; i--) {
    const k = plan.pipes[i]!.kind;
    if (k === "head" || k === "tail") return k === "tail";
  }
  return false;
}

/** The events the response will show (after the `size` cap), in response order. */
export function shownEvents(stream: Stream, size: number, fromEnd: boolean): EventRef[] {
  const out: EventRef[] = [];
  switch (stream.kind) {
    case "events": {
      const [start, end] = window(stream.events.length, size, fromEnd);
      for (let i = start; i < end; i++) out.push({ seg: stream.events.seg[i]!, row: stream.events.row[i]! });
      return out;
    }
    case "sequences": {
      const [start, end] = window(stream.sequences.length, size, fromEnd);
      for (let i = start; i < end; i++) {
        const s = stream.sequences[i]!;
        for (let j = 0; j < s.seg.length; j++) if (s.seg[j]! >= 0) out.push({ seg: s.seg[j]!, row: s.row[j]! });
      }
      return out;
    }
    case "table":
      return out;
  }
}

/** The response hits, with `hit` giving each shown event's form. */
export function shapeHits(stream: Stream, size: number, fromEnd: boolean, hit: (ref: EventRef) => EqlHit): EqlResponse["hits"] {
  switch (stream.kind) {
    case "events": {
      const [start, end] = window(stream.events.length, size, fromEnd);
      const events: EqlHit[] = [];
      for (let i = start; i < end; i++) events.push(hit({ seg: stream.events.seg[i]!, row: stream.events.row[i]! }));
      return { total: { value: events.length, relation: "eq" }, events };
    }
    case "sequences": {
      const [start, end] = window(stream.sequences.length, size, fromEnd);
      const sequences: EqlSequence[] = [];
      for (let i = start; i < end; i++) {
        const s = stream.sequences[i]!;
        const events: EqlHit[] = [];
        for (let j = 0; j < s.seg.length; j++) events.push(s.seg[j]! < 0 ? { missing: true } : hit({ seg: s.seg[j]!, row: s.row[j]! }));
        sequences.push({ join_keys: s.joinKeys, events });
      }
      return { total: { value: sequences.length, relation: "eq" }, sequences };
    }
    case "table":
      // Endgame `count` returns rows, not events: each row is a hit whose source is the row.
      return {
        total: { value: Math.min(size, stream.rows.length), relation: "eq" },
        events: stream.rows.slice(0, size).map((row, i) => ({ _index: "", _id: String(i), _source: row as Record<string, unknown> })),
      };
  }
}

/** [start, end) of the kept results: the first `size`, or the last after a tail. */
function window(n: number, size: number, fromEnd: boolean): [number, number] {
  return fromEnd ? [Math.max(0, n - size), n] : [0, Math.min(n, size)];
}
