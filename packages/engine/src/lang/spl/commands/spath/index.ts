import { pipe, type SplCommand } from "../../command.ts";

/** `spath`: extracts fields from JSON text. */
export const spath: SplCommand = {
  name: "spath",
  syntax: "spath [input=<field>] [output=<field>] [path=]<path>",
  description: "Extracts every JSON field of the input (default _raw) as dotted names with {} for arrays, or one path into output.",
  examples: ["spath", "spath input=data path=user.name output=user"],
  parse(cur) {
    const OPTS = ["input", "output", "path"];
    const o = cur.options(OPTS);
    let path = o.get("path")?.value ?? null;
    if (!cur.atEnd() && path === null) {
      const v = cur.value();
      if (v) path = v.value;
    }
    for (const [k, v] of cur.options(OPTS)) o.set(k, v);
    if (o.has("path")) path = o.get("path")!.value;
    if (!cur.atEnd()) throw cur.error(`unexpected "${cur.peek()}"`);
    return pipe({ kind: "spath", input: o.get("input")?.value ?? "_raw", path, output: o.get("output")?.value ?? null });
  },
};
