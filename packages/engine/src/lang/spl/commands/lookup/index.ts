import { pipe, type SplCommand } from "../../command.ts";

/** `lookup`: enriches rows from a CSV table registered with `registerLookup`. */
export const lookup: SplCommand = {
  name: "lookup",
  syntax: "lookup <table> <table-field> [as <event-field>] ... [OUTPUT|OUTPUTNEW <table-field> [as <name>] ...]",
  description: "Matches rows to a lookup table (exact, case-sensitive values, as Splunk's default) and copies its other fields (or the OUTPUT ones) into the row.",
  examples: ["lookup assets ip as src OUTPUT nt_host owner", "lookup identities identity as user"],
  parse(cur) {
    cur.options(["local", "update"]);
    const table = cur.field("a lookup table name").value;
    const matchFields: Array<{ tableField: string; eventField: string }> = [];
    const outputFields: Array<{ tableField: string; as: string }> = [];
    let output = false;
    for (;;) {
      cur.ws();
      cur.eat(",");
      if (cur.atEnd()) break;
      if (cur.eatKeyword("OUTPUT") || cur.eatKeyword("OUTPUTNEW")) {
        output = true;
        continue;
      }
      const f = cur.field().value;
      let as = f;
      if (cur.eatKeyword("as")) as = cur.field("a name after AS").value;
      if (output) outputFields.push({ tableField: f, as });
      else matchFields.push({ tableField: f, eventField: as });
    }
    if (matchFields.length === 0) throw cur.error("lookup needs a field to match on");
    return pipe({ kind: "lookup", table, matchFields, outputFields });
  },
};
