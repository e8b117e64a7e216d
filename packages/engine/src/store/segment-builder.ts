import { ColumnBuilder } from "./column-builder.ts";
import type { Dict } from "./dict.ts";
import { GrowableF64, GrowableU32 } from "./growable.ts";
import type { Column, FlatFields, Segment } from "./types.ts";

/** Collects the events of one sourcetype, then sorts them by (time, seq) into a Segment. */
export class SegmentBuilder {
  private readonly columns = new Map<string, ColumnBuilder>();
  private readonly time = new GrowableF64(1024);
  private readonly seq = new GrowableU32(1024);
  private readonly raw: string[] = [];
  private rows = 0;

  constructor(
    readonly sourcetype: string,
    private readonly dictFor: (field: string) => Dict,
    readonly aliases: Map<string, string> = new Map(),
  ) {}

  get rowCount(): number {
    return this.rows;
  }

  /** Appends one event. `time` is ms since the epoch or NaN. */
  add(time: number, seq: number, raw: string, fields: FlatFields): void {
    const row = this.rows++;
    this.time.push(time);
    this.seq.push(seq);
    this.raw.push(raw);
    if (Object.getPrototypeOf(fields) === null) {
      this.addDictionary(row, fields);
      return;
    }
    let i = 0;
    for (const name in fields) {
      const col = this.columnAt(i++, name);
      const value = fields[name];
      if (value === null || value === undefined) continue;
      col.add(row, value);
    }
    this.keepPositions(i);
  }

  /**
   * `add` for an object without a prototype, which the Windows parsers build as a dictionary
   * (newFields): Object.keys enumerates those faster than for…in, which looks each key up again
   * (measured 8-10% of XmlWinEventLog ingest). Plain objects, as JSON.parse makes them, keep an
   * enumeration cache that for…in uses directly, so they stay on the loop in `add`.
   */
  private addDictionary(row: number, fields: FlatFields): void {
    const keys = Object.keys(fields);
    for (let i = 0; i < keys.length; i++) {
      const name = keys[i]!;
      const col = this.columnAt(i, name);
      const value = fields[name];
      if (value === null || value === undefined) continue;
      col.add(row, value);
    }
    this.keepPositions(keys.length);
  }

  /**
   * The column of an event's `i`-th field. Events of one log mostly share their field order: the
   * name is matched by position against the previous event's (a cheap string identity check),
   * and looked up in the map (then remembered at that position) when it differs.
   */
  private columnAt(i: number, name: string): ColumnBuilder {
    const names = this.lastNames;
    if (i < names.length && names[i] === name) return this.lastCols[i]!;
    const col = this.columnFor(name);
    names[i] = name;
    this.lastCols[i] = col;
    return col;
  }

  /** Forgets the remembered positions past an event's `n` fields. */
  private keepPositions(n: number): void {
    if (n < this.lastNames.length) {
      this.lastNames.length = n;
      this.lastCols.length = n;
    }
  }

  private readonly lastNames: string[] = [];
  /** Shared by the slice columns: where the event's previous slice was found. */
  private readonly sliceCursor = { row: -1, pos: 0 };
  private readonly lastCols: ColumnBuilder[] = [];

  private columnFor(name: string): ColumnBuilder {
    let col = this.columns.get(name);
    if (!col) {
      col = new ColumnBuilder(this.dictFor(name), this.raw, this.sliceCursor);
      this.columns.set(name, col);
    }
    return col;
  }

  /** Sorts by (time, seq) and freezes the columns. */
  finish(id: number): Segment {
    const n = this.rows;
    const time = this.time.finish(n);
    const seq = this.seq.finish(n);
    const order = sortOrder(time);
    const sortedRaw = order ? Array.from(order, (i) => this.raw[i]!) : this.raw;
    const columns = new Map<string, Column>();
    for (const [name, builder] of this.columns) {
      const col = builder.finish(n, order, sortedRaw);
      if (col) columns.set(name, col);
    }
    const sortedTime = order ? Float64Array.from(order, (i) => time[i]!) : time;
    const sortedSeq = order ? Uint32Array.from(order, (i) => seq[i]!) : seq;
    return {
      id,
      rowCount: n,
      time: sortedTime,
      seq: sortedSeq,
      raw: sortedRaw,
      columns,
      aliases: this.aliases,
      sourcetype: this.sourcetype,
    };
  }
}

/** Time order of the rows (stable, NaN first), or null when already sorted. */
function sortOrder(time: Float64Array): Uint32Array | null {
  let sorted = true;
  for (let i = 1; i < time.length; i++) {
    if (key(time[i]!) < key(time[i - 1]!)) {
      sorted = false;
      break;
    }
  }
  if (sorted) return null;
  const order = new Uint32Array(time.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  // Stable: ties keep ingest order, which is the seq order.
  return order.sort((a, b) => key(time[a]!) - key(time[b]!) || a - b);
}

function key(t: number): number {
  return Number.isNaN(t) ? -Infinity : t;
}
