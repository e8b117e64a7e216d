import { describe, expect, it } from "vitest";
import { indentXml, prettyRaw } from "../src/features/events/pretty.ts";
import { searchTerms } from "../src/features/events/highlight.tsx";
import { chartSpec } from "../src/features/stats/chart-spec.ts";

describe("event text pretty-printing", () => {
  it("indents JSON and leaves other text alone", () => {
    expect(prettyRaw('{"a":1,"b":{"c":"<script>"}}')).toBe('{\n  "a": 1,\n  "b": {\n    "c": "<script>"\n  }\n}');
    expect(prettyRaw("Aug 23 10:00:00 host sshd[1]: {not json")).toBe("Aug 23 10:00:00 host sshd[1]: {not json");
  });
  it("puts Windows event XML one element per line, text kept with its tag", () => {
    const xml = "<Event xmlns='x'><System><EventID>1</EventID><Computer>venus</Computer></System><EventData><Data Name='Image'>C:\\a.exe</Data><Data Name='Empty'/></EventData></Event>";
    expect(indentXml(xml)).toBe(
      [
        "<Event xmlns='x'>",
        "  <System>",
        "    <EventID>1</EventID>",
        "    <Computer>venus</Computer>",
        "  </System>",
        "  <EventData>",
        "    <Data Name='Image'>C:\\a.exe</Data>",
        "    <Data Name='Empty'/>",
        "  </EventData>",
        "</Event>",
      ].join("\n"),
    );
  });
});

describe("search terms for highlighting", () => {
  it("takes EQL string literals and SPL words and field values", () => {
    expect(searchTerms("eql", 'process where process.name == "regsvr32.exe" and x : "*scrobj*"')).toEqual(["regsvr32.exe", "scrobj"]);
    expect(searchTerms("spl", 'index=botsv2 sourcetype=stream:http src_ip=45.77.65.211 "C = US" powershell | stats count')).toEqual(["C = US", "45.77.65.211", "powershell"]);
  });
});

describe("default chart for a table result", () => {
  it("draws a line over _time, a pie for a few counts, bars otherwise", () => {
    expect(chartSpec(["_time", "count"], [{ _time: 1, count: 2 }, { _time: 2, count: 3 }])).toMatchObject({ x: "_time", series: ["count"], kind: "line" });
    expect(chartSpec(["host", "count"], [{ host: "a", count: 2 }, { host: "b", count: 3 }])).toMatchObject({ x: "host", series: ["count"], kind: "pie" });
    const many = Array.from({ length: 20 }, (_, i) => ({ host: `h${i}`, count: i, bytes: i * 10 }));
    expect(chartSpec(["host", "count", "bytes"], many)).toMatchObject({ x: "host", series: ["count", "bytes"], kind: "bar" });
  });
});

describe("absolute times in the display zone", async () => {
  const { parseInZone } = await import("../src/features/editor/TimeRangePicker.tsx");
  it("reads wall-clock times in an IANA zone, across DST", () => {
    expect(parseInZone("2017-08-23 20:00:00", "America/Los_Angeles")).toBe(Date.UTC(2017, 7, 24, 3, 0, 0));
    expect(parseInZone("2017-01-10 20:00", "America/Los_Angeles")).toBe(Date.UTC(2017, 0, 11, 4, 0, 0));
    expect(parseInZone("2024-03-01T12:00:00.250", "UTC")).toBe(Date.UTC(2024, 2, 1, 12, 0, 0, 250));
    expect(parseInZone("yesterday", "UTC")).toBeNaN();
  });
});

describe("field filters through the AST", async () => {
  const { queryWithFilter } = await import("../src/features/fields/filter.ts");
  it("adds to EQL and SPL queries, keeping comments", () => {
    expect(queryWithFilter("eql", "process where true // mine", "host.name", "venus", false)).toContain('host.name == "venus"');
    expect(queryWithFilter("eql", "process where true // mine", "host.name", "venus", false)).toContain("// mine");
    const spl = queryWithFilter("spl", "sourcetype=stream:http | stats count by src_ip", "dest_ip", "45.77.65.211", true);
    expect(spl).toMatch(/dest_ip!="?45\.77\.65\.211"?/);
    expect(spl).toContain("| stats count by src_ip");
  });
});
