import type { DictColumn } from "../../store/slice.ts";
import type { Segment } from "../../store/types.ts";

/**
 * Which form a group's BY value takes when the field is stored as numbers in some segments and
 * as text in others (`dest_port`: JSON numbers in network logs, text in Sysmon XML). The general
 * executor groups `80` and `"80"` together and keeps the value of the group's first row in its
 * order, newest first — so the form of the group's latest event in (time, seq) order. This
 * tracks that event per group, only for such mixed fields.
 */
export class LatestForm {
  /** Time and seq of each group's latest event so far (time NaN is older than any time). */
  private time = new Float64Array(0);
  private seq = new Float64Array(0);
  /** The segment (numbered by `add` calls) in which a group's latest row was last looked at. */
  private stamp = new Int32Array(0);
  private segments = 0;
  /** Per mixed field: the number of the group's latest event, NaN when it was text. */
  private nums: Float64Array[];

  constructor(private readonly mixed: number[]) {
    this.nums = mixed.map(() => new Float64Array(0));
  }

  /** Which BY fields (by position) are numeric in some picked segments and text in others; null if none. */
  static of(segments: Array<Array<DictColumn | undefined>>, fields: number): LatestForm | null {
    const mixed: number[] = [];
    for (let k = 0; k < fields; k++) {
      let num = false;
      let text = false;
      for (const cols of segments) {
        const c = cols[k];
        if (c?.kind === "num") num = true;
        else if (c) text = true;
      }
      if (num && text) mixed.push(k);
    }
    return mixed.length ? new LatestForm(mixed) : null;
  }

  /** Takes in the selected rows of one segment with their groups (-1 = none). */
  add(seg: Segment, rows: Uint32Array, groupOf: Int32Array, groups: number, cols: Array<DictColumn | undefined>): void {
    this.ensure(groups);
    const { time, seq, stamp } = this;
    const forms = this.mixed.map((k) => cols[k]!);
    const mark = ++this.segments;
    // Rows ascend in (time, seq): a group's last row in this segment is its latest here, so
    // walk backwards and look only at that one.
    for (let i = rows.length - 1; i >= 0; i--) {
      const g = groupOf[i]!;
      if (g < 0 || stamp[g] === mark) continue;
      stamp[g] = mark;
      const r = rows[i]!;
      const t = seg.time[r]!;
      const q = seg.seq[r]!;
      const T = time[g]!;
      const newer = t !== t ? T !== T && q > seq[g]! : T !== T || t > T || (t === T && q > seq[g]!);
      if (!newer) continue;
      time[g] = t;
      seq[g] = q;
      for (let m = 0; m < forms.length; m++) {
        const c = forms[m]!;
        this.nums[m]![g] = c.kind === "num" ? c.values[r]! : Number.NaN;
      }
    }
  }

  /** The value of BY field k for group g: the latest event's number, or `text` when it was text. */
  value(k: number, g: number, text: string): string | number {
    const m = this.mixed.indexOf(k);
    if (m < 0) return text;
    const v = this.nums[m]![g]!;
    return v === v ? v : text;
  }

  /** Whether BY field k is mixed. */
  has(k: number): boolean {
    return this.mixed.includes(k);
  }

  private ensure(groups: number): void {
    if (groups <= this.time.length) return;
    const size = Math.max(groups, this.time.length * 2, 1024);
    const grow = (a: Float64Array, fill: number) => {
      const b = new Float64Array(size).fill(fill);
      b.set(a);
      return b;
    };
    this.time = grow(this.time, Number.NaN);
    this.seq = grow(this.seq, -1);
    const st = new Int32Array(size);
    st.set(this.stamp);
    this.stamp = st;
    this.nums = this.nums.map((a) => grow(a, Number.NaN));
  }
}
