/**
 * Posting lists of a numeric column that holds only small integers (ports, event codes, pids
 * below 65536): the rows of each value, ascending, so `dest_port in (22, 53, 3389)` reads its
 * hits instead of testing every row (the scan was half of the bench's IN filter once its hits
 * were put in order cheaply). Built by the first equality/IN test of a column, in place of its
 * scan (a counting sort is two passes over the column), and kept, since columns never change;
 * 4 bytes per row, within a budget for the whole process, past which columns are scanned.
 */

/** Rows by value: `rows[offsets[i] .. offsets[i+1])` hold `values[i]`, ascending. */
interface Postings {
  values: Int32Array;
  offsets: Uint32Array;
  rows: Uint32Array;
}

/** Columns smaller than this are scanned: a scan of a few thousand rows costs less than the lists' upkeep. */
const MIN_ROWS = 4096;
/** Bytes of posting lists the process keeps at most (about 16M indexed rows). */
const BUDGET_BYTES = 64 * 2 ** 20;
let spent = 0;

const built = new WeakMap<Float64Array, Postings | null>();
const released = new FinalizationRegistry<number>((bytes) => {
  spent -= bytes;
});
/** Per-value counts, then write cursors, while one column's lists are built (left zeroed). */
const scratch = new Uint32Array(65537);

/**
 * Rows in [lo, hi) whose value is one of `lits` (whole numbers in [0, 65536)), ascending, into
 * `out`; returns how many, or -1 when the column is scanned instead. `smallInts` says the column
 * holds only such numbers (and NaN for absent values).
 */
export function postingsSelect(values: Float64Array, smallInts: boolean, lits: number[], lo: number, hi: number, out: Uint32Array): number {
  const distinct = new Set(lits);
  // The merge takes the smallest of the lists' heads per row: for a few literals only.
  if (distinct.size > 8) return -1;
  const p = postingsFor(values, smallInts);
  if (!p) return -1;
  const lists: Array<[number, number]> = [];
  for (const l of distinct) {
    const i = indexOfValue(p.values, l);
    if (i < 0) continue;
    const a = lowerBound(p.rows, p.offsets[i]!, p.offsets[i + 1]!, lo);
    const b = lowerBound(p.rows, a, p.offsets[i + 1]!, hi);
    if (a < b) lists.push([a, b]);
  }
  return mergeLists(p.rows, lists, out);
}

function postingsFor(values: Float64Array, smallInts: boolean): Postings | null {
  const hit = built.get(values);
  if (hit !== undefined) return hit;
  if (!smallInts || values.length < MIN_ROWS) return null;
  const p = spent + values.length * 4 <= BUDGET_BYTES ? build(values) : null;
  if (p) {
    const bytes = p.rows.byteLength + p.offsets.byteLength + p.values.byteLength;
    spent += bytes;
    // The budget is given back when the column (its dataset) is collected.
    released.register(values, bytes);
  }
  built.set(values, p);
  return p;
}

/** A counting sort of the rows by value (every non-NaN value is a whole number in [0, 65536)). */
function build(values: Float64Array): Postings {
  const count = scratch;
  let present = 0;
  for (let r = 0; r < values.length; r++) {
    const y = values[r]!;
    if (y !== y) continue;
    count[y]!++;
    present++;
  }
  let distinct = 0;
  for (let v = 0; v < 65536; v++) if (count[v]! > 0) distinct++;
  const vals = new Int32Array(distinct);
  const offsets = new Uint32Array(distinct + 1);
  let j = 0;
  for (let v = 0; v < 65536; v++) {
    const n = count[v]!;
    if (n === 0) continue;
    vals[j] = v;
    offsets[j + 1] = offsets[j]! + n;
    // From here on count[v] is the write cursor of value v.
    count[v] = offsets[j]!;
    j++;
  }
  const rows = new Uint32Array(present);
  for (let r = 0; r < values.length; r++) {
    const y = values[r]!;
    if (y !== y) continue;
    rows[count[y]!++] = r;
  }
  count.fill(0);
  return { values: vals, offsets, rows };
}

/** Position of `v` in the ascending `values`, -1 when absent. */
function indexOfValue(values: Int32Array, v: number): number {
  let a = 0;
  let b = values.length;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (values[m]! < v) a = m + 1;
    else b = m;
  }
  return a < values.length && values[a] === v ? a : -1;
}

/** First position in rows[a, b) holding a row ≥ `row`. */
function lowerBound(rows: Uint32Array, a: number, b: number, row: number): number {
  while (a < b) {
    const m = (a + b) >>> 1;
    if (rows[m]! < row) a = m + 1;
    else b = m;
  }
  return a;
}

/** The rows of several ascending ranges of `rows`, merged ascending into `out`; returns the count. */
function mergeLists(rows: Uint32Array, lists: Array<[number, number]>, out: Uint32Array): number {
  if (lists.length === 0) return 0;
  if (lists.length === 1) {
    const [a, b] = lists[0]!;
    out.set(rows.subarray(a, b));
    return b - a;
  }
  // A few lists (one per literal): take the smallest head each time.
  const pos = lists.map((l) => l[0]);
  const end = lists.map((l) => l[1]);
  let k = 0;
  for (;;) {
    let best = -1;
    let min = Infinity;
    for (let i = 0; i < pos.length; i++) {
      if (pos[i]! < end[i]! && rows[pos[i]!]! < min) {
        min = rows[pos[i]!]!;
        best = i;
      }
    }
    if (best < 0) return k;
    out[k++] = min;
    pos[best]!++;
  }
}
