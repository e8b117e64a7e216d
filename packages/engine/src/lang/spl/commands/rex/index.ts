import { QueryError } from "../../../errors.ts";
import { parseInt10 } from "../../cursor.ts";
import { pipe, type SplCommand } from "../../command.ts";
import { toJsRegex } from "../../regex.ts";

/** `rex`: extracts fields with named groups, or rewrites a field with `mode=sed`. */
export const rex: SplCommand = {
  name: "rex",
  syntax: 'rex [field=<field>] [max_match=<n>] [mode=sed] "<regex with (?<name>...)>"',
  description: "Extracts named capture groups from a field (default _raw) as fields; mode=sed applies s/regex/replacement/flags.",
  examples: ['rex field=ParentCommandLine "(?<cmd_tmp>[^ ]+)"', 'rex field=x mode=sed "s/\\\\//g"'],
  parse(cur) {
    const o = cur.options(["field", "max_match", "mode", "offset_field"]);
    cur.ws();
    if (cur.peek() !== '"') throw cur.error("expected the regular expression in double quotes");
    const q = cur.quoted();
    for (const [k, v] of cur.options(["field", "max_match", "mode", "offset_field"])) o.set(k, v);
    if (!cur.atEnd()) throw cur.error(`unexpected "${cur.text.slice(cur.pos, cur.end).trim()}"`);
    const mode = o.get("mode")?.value.toLowerCase() === "sed" ? "sed" : "extract";
    if (o.has("mode") && o.get("mode")!.value.toLowerCase() !== "sed") throw new QueryError("rex mode must be sed", o.get("mode")!.span);
    if (mode === "extract") {
      try {
        new RegExp(toJsRegex(q.value));
      } catch (e) {
        throw new QueryError(`invalid regular expression: ${(e as Error).message}`, q.span);
      }
      if (!/\(\?P?<[A-Za-z_]\w*>/.test(q.value)) throw new QueryError("rex needs at least one named group (?<name>...)", q.span);
    } else if (!/^s(.).*\1.*\1[gi0-9]*$/s.test(q.value)) throw new QueryError('sed expression must look like "s/regex/replacement/g"', q.span);
    const maxMatch = o.has("max_match") ? parseInt10(o.get("max_match")!, "max_match") : 1;
    return pipe({ kind: "rex", field: o.get("field")?.value ?? "_raw", pattern: q.value, mode, maxMatch });
  },
};
