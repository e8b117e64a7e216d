import { rejectOptions } from "../../cursor.ts";
import { pipe, type SplCommand } from "../../command.ts";

/** `makemv`: splits a field into a multivalue. */
export const makemv: SplCommand = {
  name: "makemv",
  syntax: 'makemv [delim="<string>" | tokenizer="<regex>"] <field>',
  description: "Splits a text field into a multivalue on a delimiter (default a space) or on a tokenizer regex's matches.",
  examples: ['makemv delim="," recipients'],
  parse(cur) {
    const OPTS = ["delim", "tokenizer", "allowempty", "setsv"];
    const o = cur.options(OPTS);
    const f = cur.field().value;
    for (const [k, v] of cur.options(OPTS)) o.set(k, v);
    if (!cur.atEnd()) throw cur.error(`unexpected "${cur.peek()}"`);
    rejectOptions(o, ["allowempty", "setsv"]);
    return pipe({ kind: "makemv", field: f, delim: o.get("delim")?.value ?? null, tokenizer: o.get("tokenizer")?.value ?? null });
  },
};
