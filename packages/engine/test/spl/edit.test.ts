import { describe, expect, it } from "vitest";
import { appendSplFilter, parseSplPipeline, printSplPipeline, runSpl, splWithFilter } from "../../src/index.ts";
import { webFixture } from "./fixture.ts";

/** Drill-down edits go through the stage AST: parse → mutate → print, the user's text survives. */
describe("SPL edits", () => {
  it("parse → print is the identity, comments included", () => {
    const q = 'index=botsv2 ```hunt``` sourcetype="stream:tcp" | stats count by src | sort - count';
    expect(printSplPipeline(parseSplPipeline(q))).toBe(q);
  });
  it("a filter joins the leading search when there are no pipes", () => {
    expect(splWithFilter("index=botsv2 sourcetype=pan:traffic", "src", "10.0.2.107")).toBe('index=botsv2 sourcetype=pan:traffic src="10.0.2.107"');
    expect(splWithFilter("", "host", "venus")).toBe(' host="venus"');
    expect(splWithFilter("index=x", "user", 'FROTHLY\\service3 "q"', true)).toBe('index=x user!="FROTHLY\\\\service3 \\"q\\""');
  });
  it("after pipes it becomes a trailing search (or where for wildcards and odd names)", () => {
    expect(splWithFilter("index=x | stats count by host", "host", "venus")).toBe('index=x | stats count by host | search host="venus"');
    expect(splWithFilter("index=x | chart count over host by exe", "count: ftp.exe", 3)).toBe("index=x | chart count over host by exe | where 'count: ftp.exe'=3");
    expect(splWithFilter("index=x | stats count by uri", "uri", "/a*b")).toBe('index=x | stats count by uri | where \'uri\'="/a*b"');
  });
  it("the edited query runs and filters as asked", () => {
    const ds = webFixture();
    const q = splWithFilter("sourcetype=web | stats count by host", "host", "venus");
    expect(runSpl(ds, q).results).toEqual([{ host: "venus", count: 3 }]);
    const q2 = splWithFilter("sourcetype=web", "user", "alice", true);
    expect(runSpl(ds, q2).results.length).toBe(2);
    const ast = appendSplFilter(parseSplPipeline("sourcetype=web | table uri"), { kind: "filter", field: "uri", value: "/a*", negate: false });
    expect(runSpl(ds, printSplPipeline(ast)).results).toEqual([]);
  });
});
