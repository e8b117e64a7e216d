import { QueryError } from "../../../errors.ts";
import { parseInt10, rejectOptions } from "../../cursor.ts";
import { pipe, type SplCommand } from "../../command.ts";
import { parseSpan } from "../../time.ts";

/** `bin` / `bucket`: puts a numeric or time field into buckets. */
export const bin: SplCommand = {
  name: "bin",
  aliases: ["bucket"],
  syntax: "bin [span=<n>[unit]] [bins=<n>] <field> [as <new>]",
  description: "Rounds a field down to its bucket: _time by a time span (aligned to midnight in the chosen timezone), numbers by a numeric span.",
  examples: ["bin _time span=1h", "bucket _time span=1d", "bin bytes span=1000 as kb"],
  parse(cur) {
    const OPTS = ["span", "bins", "minspan", "start", "end", "aligntime"];
    const o = cur.options(OPTS);
    const f = cur.field("the field to bin");
    let as = f.value;
    for (const [k, v] of cur.options(OPTS)) o.set(k, v);
    if (cur.eatKeyword("as")) as = cur.field("a name after AS").value;
    for (const [k, v] of cur.options(OPTS)) o.set(k, v);
    if (!cur.atEnd()) throw cur.error(`unexpected "${cur.peek()}"`);
    rejectOptions(o, ["minspan", "start", "end", "aligntime"]);
    let spanMs: number | null = null;
    let span: number | null = null;
    const s = o.get("span");
    if (s) {
      if (/^\d+(\.\d+)?$/.test(s.value)) span = Number(s.value);
      else {
        const p = parseSpan(s.value);
        if (!p) throw new QueryError(`bad span "${s.value}"`, s.span);
        spanMs = p.ms;
      }
    }
    const bins = o.has("bins") ? parseInt10(o.get("bins")!, "bins") : null;
    return pipe({ kind: "bin", field: f.value, spanMs, span, bins, as });
  },
};
