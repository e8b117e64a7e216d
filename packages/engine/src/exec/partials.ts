/**
 * The sequence state machine's partial sequences, as Elasticsearch keeps them: per stage and join
 * key the latest partial sequence waiting for the next stage. A partial sequence is a record of
 * candidate positions (one per positive stage) in a pool of fixed-size records, recycled through a
 * free list; per stage, an Int32Array maps key id → record (-1 none).
 *
 * A class with typed-array fields rather than closures over `let` variables in the executor: the
 * closures' shared context made the bench's sequence run deoptimize ("wrong map") on every run.
 */
export class Partials {
  /** Record r owns pool[r*nPos .. r*nPos+nPos) (candidate positions). */
  pool: Int32Array;
  /** Key id of each record. */
  recKey: Int32Array;
  private recCount = 0;
  private readonly free: number[] = [];
  /** pending[s][key] = record waiting for stage s+1 (-1 none); grown as keys appear. */
  private pending: Int32Array[];
  private cap = 0;

  constructor(
    private readonly nPos: number,
    /** Endgame `fork=true` per positive stage: the partial sequence stays for later events of that stage. */
    private readonly fork: boolean[],
    /** Timestamp of each candidate position (for maxspan). */
    private readonly candTs: Float64Array,
    /** Longest span from the first event in timestamp units; null or ≤0: none. */
    private readonly maxspan: number | null,
    /** Called with a completed record (read it before the call returns: it is recycled). */
    private readonly onComplete: (rec: number) => void,
  ) {
    this.pool = new Int32Array(64 * nPos);
    this.recKey = new Int32Array(64);
    this.pending = Array.from({ length: Math.max(0, nPos - 1) }, () => new Int32Array(0));
  }

  /** Makes room for key ids below `keys`. */
  reserve(keys: number): void {
    if (keys <= this.cap) return;
    this.cap = Math.max(keys, 2 * this.cap, 64);
    const cap = this.cap;
    this.pending = this.pending.map((p) => {
      const np = new Int32Array(cap).fill(-1);
      np.set(p);
      return np;
    });
  }

  /** Key ids the per-key tables hold. */
  get capacity(): number {
    return this.cap;
  }

  /** Candidate position i matched positive stage st under key k (k < capacity). */
  step(i: number, st: number, k: number): void {
    const nPos = this.nPos;
    if (st === 0) {
      const prev = nPos > 1 ? this.pending[0]![k]! : -1;
      const rec = prev >= 0 ? prev : this.alloc();
      this.pool[rec * nPos] = i;
      this.recKey[rec] = k;
      if (nPos === 1) {
        this.onComplete(rec);
        this.free.push(rec);
      } else this.pending[0]![k] = rec;
      return;
    }
    const waiting = this.pending[st - 1]!;
    let rec = waiting[k]!;
    if (rec < 0) return;
    if (this.fork[st]) {
      // Endgame fork=true: the partial sequence stays for later events of this stage; continue a copy.
      const copy = this.alloc();
      this.pool.copyWithin(copy * nPos, rec * nPos, rec * nPos + nPos);
      this.recKey[copy] = this.recKey[rec]!;
      rec = copy;
    } else waiting[k] = -1;
    const maxspan = this.maxspan;
    if (maxspan !== null && maxspan > 0 && this.candTs[i]! - this.candTs[this.pool[rec * nPos]!]! > maxspan) {
      this.free.push(rec);
      return;
    }
    this.pool[rec * nPos + st] = i;
    if (st === nPos - 1) {
      this.onComplete(rec);
      this.free.push(rec);
    } else {
      const next = this.pending[st]!;
      const old = next[k]!;
      if (old >= 0) this.free.push(old);
      next[k] = rec;
    }
  }

  /** An `until` event of key k: every partial sequence of that key ends. */
  end(k: number): void {
    for (const p of this.pending) {
      if (k < p.length && p[k]! >= 0) {
        this.free.push(p[k]!);
        p[k] = -1;
      }
    }
  }

  /** The candidate positions of a record. */
  positions(rec: number): Int32Array {
    return this.pool.subarray(rec * this.nPos, rec * this.nPos + this.nPos);
  }

  private alloc(): number {
    const f = this.free.pop();
    if (f !== undefined) return f;
    if ((this.recCount + 1) * this.nPos > this.pool.length) {
      const np = new Int32Array(this.pool.length * 2);
      np.set(this.pool);
      this.pool = np;
      const nk = new Int32Array(this.recKey.length * 2);
      nk.set(this.recKey);
      this.recKey = nk;
    }
    return this.recCount++;
  }
}
