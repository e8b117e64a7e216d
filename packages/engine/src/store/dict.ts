/**
 * A string dictionary: each distinct value gets a dense id. Id 0 is reserved for "absent" so a
 * zero-filled id column means "no value". Lower-cased and numeric views are built lazily and
 * rebuilt when the dictionary has grown, so predicates can be evaluated once per distinct value.
 */
export class Dict {
  /** values[id]; values[0] is the unused placeholder for "absent". */
  readonly values: string[] = [""];
  private index: Map<string, number> | null = new Map();
  private lowerCache: string[] | null = null;
  private numberCache: Float64Array | null = null;

  /** Number of ids handed out, including the reserved 0. */
  get size(): number {
    return this.values.length;
  }

  /** Returns the id of `value`, adding it when new. */
  intern(value: string): number {
    const index = this.index ?? this.rebuildIndex();
    let id = index.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(value);
      index.set(value, id);
    }
    return id;
  }

  /** Returns the id of `value`, or 0 when the dictionary does not hold it. */
  lookup(value: string): number {
    return (this.index ?? this.rebuildIndex()).get(value) ?? 0;
  }

  /** Lower-cased values by id, for case-insensitive predicates. */
  lower(): string[] {
    if (!this.lowerCache || this.lowerCache.length !== this.values.length) {
      this.lowerCache = this.values.map((v) => v.toLowerCase());
    }
    return this.lowerCache;
  }

  /** Numeric value of each id (NaN when the text is not a number), for comparisons and sums. */
  numbers(): Float64Array {
    if (!this.numberCache || this.numberCache.length !== this.values.length) {
      const out = new Float64Array(this.values.length);
      for (let i = 0; i < this.values.length; i++) out[i] = parseNumber(this.values[i]!);
      out[0] = NaN;
      this.numberCache = out;
    }
    return this.numberCache;
  }

  /** Drops the value→id index to save memory once ingest is done; it is rebuilt on demand. */
  compact(): void {
    this.index = null;
  }

  private rebuildIndex(): Map<string, number> {
    const index = new Map<string, number>();
    for (let i = 1; i < this.values.length; i++) index.set(this.values[i]!, i);
    this.index = index;
    return index;
  }
}

const NUMERIC = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const HEX = /^0x[0-9a-fA-F]+$/;

/** Parses decimal text (and 0x hex, as Windows logs write ids) to a number; NaN otherwise. */
export function parseNumber(text: string): number {
  if (text.length === 0 || text.length > 40) return NaN;
  if (NUMERIC.test(text)) return Number(text);
  if (HEX.test(text)) return parseInt(text.slice(2), 16);
  return NaN;
}
