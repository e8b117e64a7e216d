import { QueryError } from "../../../errors.ts";
import type { SplCommand } from "../../command.ts";

/** `metadata`: counts and first/last times per sourcetype, host or source. */
export const metadata: SplCommand = {
  name: "metadata",
  generating: true,
  syntax: "| metadata type=sourcetypes|hosts|sources [index=<name>]",
  description: "One row per sourcetype (or host, source) with totalCount, firstTime, lastTime, recentTime (epoch seconds).",
  examples: ["| metadata type=sourcetypes index=botsv2"],
  parse(cur) {
    const o = cur.options(["type", "index", "splunk_server", "splunk_server_group", "datatype"]);
    if (!cur.atEnd()) throw cur.error(`unexpected "${cur.peek()}"`);
    const t = o.get("type");
    if (!t) throw cur.error("metadata needs type=sourcetypes|hosts|sources", ["type="]);
    const type = t.value.toLowerCase();
    if (type !== "sourcetypes" && type !== "hosts" && type !== "sources") throw new QueryError(`metadata type must be sourcetypes, hosts or sources`, t.span);
    return { kind: "source", source: { kind: "metadata", type } };
  },
};
