/** A time-ordered queue of future actions (process exits, attack steps), ties broken by insertion order. */
export class Scheduler {
  private heap: { t: number; n: number; fn: (t: number) => void }[] = [];
  private n = 0;

  /** Runs `fn(t)` when the generator's clock reaches t. */
  at(t: number, fn: (t: number) => void): void {
    const h = this.heap;
    h.push({ t, n: this.n++, fn });
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.less(h[p]!, h[i]!)) break;
      [h[p], h[i]] = [h[i]!, h[p]!];
      i = p;
    }
  }

  /** Runs every action due before `until`, including actions those actions schedule. */
  runUntil(until: number): void {
    while (this.heap.length > 0 && this.heap[0]!.t < until) {
      const top = this.pop();
      top.fn(top.t);
    }
  }

  get size(): number {
    return this.heap.length;
  }

  private less(a: { t: number; n: number }, b: { t: number; n: number }): boolean {
    return a.t < b.t || (a.t === b.t && a.n < b.n);
  }

  private pop(): { t: number; n: number; fn: (t: number) => void } {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i]!, h[m]!];
        i = m;
      }
    }
    return top;
  }
}
