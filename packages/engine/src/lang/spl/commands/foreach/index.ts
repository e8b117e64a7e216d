import { pipe, type SplCommand } from "../../command.ts";

/** `foreach`: runs an eval template once per matching field. */
export const foreach: SplCommand = {
  name: "foreach",
  syntax: "foreach <wildcard> ... [ <eval using <<FIELD>> and <<MATCHSTR>> > ]",
  description: "For each field matching the patterns, runs the bracketed pipeline with <<FIELD>> (the name) and <<MATCHSTR>> (what * matched) substituted.",
  examples: ["foreach count:* total:* [eval perc_<<MATCHSTR>>=round('count:<<MATCHSTR>>' / 'total:<<MATCHSTR>>' * 100,2)]"],
  parse(cur, ctx) {
    cur.options(["fieldstr", "matchstr", "matchseg1", "matchseg2", "matchseg3"]);
    const patterns: string[] = [];
    for (;;) {
      cur.ws();
      if (cur.peek() === "[" || cur.atEnd()) break;
      const v = cur.value();
      if (!v) throw cur.error("expected a field pattern");
      patterns.push(v.value);
    }
    if (patterns.length === 0) throw cur.error("foreach needs at least one field pattern");
    if (cur.peek() !== "[") throw cur.error('expected "[ eval ... ]"', ["["]);
    const open = cur.pos;
    const close = matchBracket(cur.text, open, cur.end);
    if (close < 0) throw cur.error('missing "]"');
    const body = ctx.parseSubPipeline(open + 1, close);
    cur.pos = close + 1;
    if (!cur.atEnd()) throw cur.error(`unexpected "${cur.peek()}" after ]`);
    return pipe({ kind: "foreach", patterns, body });
  },
};

function matchBracket(text: string, open: number, end: number): number {
  let depth = 0;
  for (let i = open; i < end; i++) {
    const c = text[i]!;
    if (c === '"') {
      i++;
      while (i < end && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
    } else if (c === "[") depth++;
    else if (c === "]" && --depth === 0) return i;
  }
  return -1;
}
