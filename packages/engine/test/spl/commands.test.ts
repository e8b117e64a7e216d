import { describe, expect, it } from "vitest";
import { executePlan, parseSpl, registerLookup, removeLookup, runSpl, type SplResult } from "../../src/index.ts";
import { fixture, webFixture } from "./fixture.ts";

/** Each SPL command on hand-built data, with answers counted by hand from `webFixture()`. */

const ds = webFixture();
const q = (s: string, tz = "UTC"): SplResult => runSpl(ds, s, { tz, nowMs: Date.parse("2017-08-23T13:00:00Z") });
const rows = (s: string, tz?: string) => q(s, tz).results;
const col = (s: string, f: string) => rows(s).map((r) => r[f]);

describe("search", () => {
  it("field=value is case-insensitive, field names are not", () => {
    expect(rows("host=VENUS").length).toBe(3);
    expect(rows("HOST=venus").length).toBe(0);
  });
  it("wildcards, numeric comparison, != vs NOT", () => {
    expect(rows("uri=/admin*").length).toBe(1);
    expect(rows("status>=400").length).toBe(2);
    expect(rows("bytes<100").length).toBe(2);
    // user!=alice needs the field: 5 events have a user other than alice... 6 have a user, 2 are alice.
    expect(rows("user!=alice").length).toBe(4);
    // NOT user=alice keeps the 2 events without a user too.
    expect(rows("NOT user=alice").length).toBe(6);
  });
  it("field=CIDR matches addresses in the block", () => {
    expect(rows("src=10.0.2.0/24").length).toBe(3);
    expect(rows("src=10.0.2.107/32").length).toBe(2);
    expect(rows("dest!=45.77.0.0/16").length).toBe(1);
  });
  it("OR binds tighter than the implicit AND; parentheses; IN", () => {
    expect(rows("sourcetype=web host=venus OR host=mercury").length).toBe(5);
    expect(rows("(host=venus status=200) OR dest_port=53").length).toBe(2);
    expect(rows("status IN (404, 500)").length).toBe(2);
  });
  it("bare terms match _raw as whole tokens; quoted phrases; leading search; | search later", () => {
    expect(rows("alice").length).toBe(2);
    expect(rows("alic").length).toBe(0);
    expect(rows("alic*").length).toBe(2);
    expect(rows('"dest=45.77.65.211"').length).toBe(2);
    expect(rows("search host=pan").length).toBe(3);
    expect(rows("| search host=pan earliest=08/23/2017:12:10:00").length).toBe(2);
    expect(rows("* | search dest_port=443").length).toBe(2);
  });
  it("\\= escapes an equals sign in search values, quoted or not", () => {
    const d = fixture([{ time: "2017-08-23T10:00:00Z", fields: { enc: "QQBBAA==" } }]);
    expect(runSpl(d, 'enc="*AA\\=\\="').results.length).toBe(1);
    expect(runSpl(d, "enc=*BAA\\=\\=").results.length).toBe(1);
    expect(runSpl(d, 'enc="*AB\\=\\="').results.length).toBe(0);
  });
  it("| search terms after stats match field values (rows have no _raw)", () => {
    expect(rows("* | stats count by host | search venus")).toEqual([{ host: "venus", count: 3 }]);
    expect(rows("* | stats count by host | search merc*")).toEqual([{ host: "mercury", count: 2 }]);
    expect(rows('* | stats count by host | where searchmatch("pan")')).toEqual([{ host: "pan", count: 3 }]);
  });
  it("index=NAME and index=* match events loaded without an index", () => {
    expect(rows("index=botsv2").length).toBe(8);
    expect(rows("index=*").length).toBe(8);
  });
  it("earliest/latest: absolute (in the timezone) and relative to now", () => {
    expect(rows("earliest=08/23/2017:11:00:00 latest=08/23/2017:12:00:00").length).toBe(2);
    // 04:00 in Los Angeles is 11:00 UTC.
    expect(rows("earliest=08/23/2017:04:00:00 latest=08/23/2017:05:00:00", "America/Los_Angeles").length).toBe(2);
    expect(rows("earliest=-1h@h").length).toBe(3);
    expect(rows("earliest=-2h latest=-1h").length).toBe(2);
  });
  it("events come newest first", () => {
    const t = col("*", "_time") as number[];
    expect(t[0]).toBe(Date.parse("2017-08-23T12:30:00Z") / 1000);
    expect(t).toEqual([...t].sort((a, b) => b - a));
  });
});

describe("stats family", () => {
  it("stats count, dc, sum, avg, min, max, values, list, range by host", () => {
    const r = q("sourcetype=web | stats count dc(user) as users sum(bytes) as total avg(bytes) as avg min(bytes) max(bytes) values(user) list(status) range(bytes) by host");
    expect(r.fields).toEqual(["host", "count", "users", "total", "avg", "min(bytes)", "max(bytes)", "values(user)", "list(status)", "range(bytes)"]);
    expect(r.results).toEqual([
      { host: "mercury", count: 2, users: 1, total: 500, avg: 250, "min(bytes)": 200, "max(bytes)": 300, "values(user)": "alice", "list(status)": [200, 200], "range(bytes)": 100 },
      { host: "venus", count: 3, users: 3, total: 160, avg: 160 / 3, "min(bytes)": 10, "max(bytes)": 100, "values(user)": ["alice", "bob", "carol"], "list(status)": [500, 404, 200], "range(bytes)": 90 },
    ]);
  });
  it("count(eval(...)), earliest/latest, first/last, percentiles, median", () => {
    const r = rows("sourcetype=web | stats count(eval(status>=400)) as errors earliest(uri) as e latest(uri) as l first(uri) as f last(uri) as la perc50(bytes) as p50 median(bytes) as med p90(bytes) as p90");
    expect(r).toEqual([{ errors: 2, e: "/index.html", l: "/news.php", f: "/news.php", la: "/index.html", p50: 100, med: 100, p90: 260 }]);
  });
  it("eventstats adds group totals; streamstats runs in result order", () => {
    const r = rows("sourcetype=web | eventstats count as n by host | streamstats count as i by host | table host n i");
    expect(r.map((x) => [x.host, x.n, x.i])).toEqual([
      ["mercury", 2, 1],
      ["venus", 3, 1],
      ["mercury", 2, 2],
      ["venus", 3, 2],
      ["venus", 3, 3],
    ]);
  });
  it("streamstats' value on each group's last row equals eventstats over the group", () => {
    const aggs = "count dc(user) sum(bytes) avg(bytes) min(uri) max(status) values(user) first(uri) last(uri)";
    const names = ["count", "dc(user)", "sum(bytes)", "avg(bytes)", "min(uri)", "max(status)", "values(user)", "first(uri)", "last(uri)"];
    const r = rows(`* | streamstats ${aggs} by host`);
    const e = rows(`* | eventstats ${aggs} by host`);
    const lastOf = new Map<unknown, number>();
    r.forEach((row, i) => lastOf.set(row.host, i));
    for (const i of lastOf.values()) for (const n of names) expect([r[i]!.host, n, r[i]![n]]).toEqual([r[i]!.host, n, e[i]![n]]);
    expect(r.map((x) => x.count)).toEqual([1, 2, 3, 1, 1, 2, 2, 3]);
  });
  it("boolean fields group as true/false, fast path or not", () => {
    const d = fixture([
      { time: "2017-08-23T10:00:00Z", fields: { ok: true } },
      { time: "2017-08-23T10:01:00Z", fields: { ok: false } },
      { time: "2017-08-23T10:02:00Z", fields: { ok: true } },
    ]);
    for (const noFastPath of [false, true]) expect(runSpl(d, "* | stats count by ok", { noFastPath }).results).toEqual([{ ok: false, count: 1 }, { ok: true, count: 2 }]);
  });
  it("multivalue BY fields fan out; rows without the BY field are dropped", () => {
    expect(rows("* | stats count by tags")).toEqual([{ tags: "dns", count: 1 }, { tags: "udp", count: 1 }]);
    expect(rows("* | stats count by user").reduce((a, x) => a + (x.count as number), 0)).toBe(6);
  });
});

describe("timechart and chart", () => {
  it("timechart span=1h count by sourcetype, zero-filled", () => {
    const r = q("* | timechart span=1h count by sourcetype");
    expect(r.fields).toEqual(["_time", "fw", "web"]);
    expect(r.results).toEqual([
      { _time: Date.parse("2017-08-23T10:00:00Z") / 1000, fw: 0, web: 3 },
      { _time: Date.parse("2017-08-23T11:00:00Z") / 1000, fw: 0, web: 2 },
      { _time: Date.parse("2017-08-23T12:00:00Z") / 1000, fw: 3, web: 0 },
    ]);
  });
  it("automatic span follows Splunk's documented defaults (bins=100)", async () => {
    const { autoSpanMs } = await import("../../src/exec/spl/pipes/chart.ts");
    const m = 60_000;
    expect([15 * m, 60 * m, 4 * 60 * m, 24 * 60 * m, 7 * 1440 * m, 30 * 1440 * m, 365 * 1440 * m].map(autoSpanMs)).toEqual([10_000, m, 5 * m, 30 * m, 1440 * m, 1440 * m, 30 * 1440 * m]);
  });
  it("automatic span: under 4 hours of data gives 5-minute buckets", () => {
    const r = q("* | timechart count");
    expect((r.results[1]!._time as number) - (r.results[0]!._time as number)).toBe(300);
    expect(r.results.reduce((a, x) => a + (x.count as number), 0)).toBe(8);
  });
  it("limit and useother: the top series by total, the rest in OTHER; usenull", () => {
    const r = q("sourcetype=web | timechart span=1d limit=1 count by status");
    expect(r.fields).toEqual(["_time", "200", "OTHER"]);
    expect(r.results).toEqual([{ _time: Date.parse("2017-08-23T00:00:00Z") / 1000, "200": 3, OTHER: 2 }]);
    expect(q("* | timechart span=1d count by user").fields).toEqual(["_time", "alice", "bob", "carol", "service3", "NULL"]);
    expect(q("* | timechart span=1d usenull=f count by user").fields).toEqual(["_time", "alice", "bob", "carol", "service3"]);
  });
  it("too many buckets is an error, never a silent cut", () => {
    const d = fixture([
      { time: "2017-08-01T00:00:00Z", fields: { a: 1 } },
      { time: "2017-09-01T00:00:00Z", fields: { a: 2 } },
    ]);
    for (const noFastPath of [false, true]) expect(() => runSpl(d, "* | timechart span=1s count", { noFastPath })).toThrow(/span too small/);
  });
  it("span=1d buckets start at local midnight in the timezone", () => {
    const r = q("* | timechart span=1d count", "America/Los_Angeles");
    expect(r.results).toEqual([{ _time: Date.parse("2017-08-23T07:00:00Z") / 1000, count: 8 }]);
  });
  it("chart over/by with several aggregations names columns agg: value", () => {
    const r = q("sourcetype=web | chart count max(bytes) as mb over host by status");
    expect(r.fields).toEqual(["host", "count: 200", "count: 404", "count: 500", "mb: 200", "mb: 404", "mb: 500"]);
    expect(r.results[0]).toEqual({ host: "mercury", "count: 200": 2, "count: 404": 0, "count: 500": 0, "mb: 200": 300 });
  });
  it("chart count by a, b is over a by b", () => {
    expect(q("sourcetype=web | chart count by host, status").fields).toEqual(["host", "200", "404", "500"]);
  });
});

describe("eval, where, rex, fields", () => {
  it("eval: several assignments, later ones see earlier ones", () => {
    expect(col('sourcetype=web host=mercury | eval kb=bytes/100, label=host.":".kb | table label', "label")).toEqual(["mercury:2", "mercury:3"]);
  });
  it("where is case-sensitive", () => {
    expect(rows('* | where host="venus"').length).toBe(3);
    expect(rows('* | where host="VENUS"').length).toBe(0);
    expect(rows('* | where like(uri, "/admin%") OR status=404').length).toBe(2);
  });
  it("rex named groups, field=, max_match; mode=sed", () => {
    expect(col('sourcetype=web | rex field=uri "^/(?<top>[^/.]+)" | stats count by top', "top")).toEqual(["admin", "index", "missing", "news"]);
    expect(col('host=pan dest_port=53 | rex field=dest max_match=0 "(?<octet>\\d+)" | table octet', "octet")).toEqual([["8", "8", "8", "8"]]);
    expect(col('sourcetype=web status=500 | rex field=uri mode=sed "s/\\.php$/.PHP/" | table uri', "uri")).toEqual(["/admin/get.PHP"]);
  });
  it("table with wildcards, fields +/-, rename with wildcards", () => {
    expect(q("host=pan | head 1 | table d* src").fields).toEqual(["dest", "dest_port", "src"]);
    expect(q("host=pan | head 1 | fields - _raw, d* | table *").fields).toEqual(["_time", "action", "host", "sourcetype", "src", "tags"]);
    const r = q("host=pan | head 1 | table dest dest_port | rename dest* as target*");
    expect(r.fields).toEqual(["target", "target_port"]);
    expect(r.results).toEqual([{ target: "8.8.8.8", target_port: 53 }]);
  });
});

describe("ordering and selection", () => {
  it("sort numeric vs lexical, -, limit; reverse; head; tail", () => {
    expect(col("sourcetype=web | sort - bytes | table bytes", "bytes")).toEqual([300, 200, 100, 50, 10]);
    expect(col("sourcetype=web | sort uri | table uri", "uri")).toEqual(["/admin/get.php", "/index.html", "/index.html", "/missing", "/news.php"]);
    expect(col("sourcetype=web | sort 2 bytes | table bytes", "bytes")).toEqual([10, 50]);
    expect(col("sourcetype=web | reverse | head 2 | table bytes", "bytes")).toEqual([100, 50]);
    expect(col("sourcetype=web | tail 2 | table bytes", "bytes")).toEqual([100, 50]);
    expect(col("sourcetype=web | head (bytes > 100) | table bytes", "bytes")).toEqual([200]);
  });
  it("dedup keeps the first of each value, drops rows without it unless keepempty", () => {
    expect(col("* | dedup user | table user", "user")).toEqual(["service3", "carol", "alice", "bob"]);
    expect(rows("* | dedup user keepempty=true").length).toBe(6);
  });
  it("top and rare with count and percent", () => {
    expect(rows("* | top sourcetype")).toEqual([
      { sourcetype: "web", count: 5, percent: 62.5 },
      { sourcetype: "fw", count: 3, percent: 37.5 },
    ]);
    expect(rows("* | rare limit=1 host")).toEqual([{ host: "mercury", count: 2, percent: 25 }]);
    expect(q("* | rare limit=1 countfield=n percentfield=p host").results).toEqual([{ host: "mercury", n: 2, p: 25 }]);
    expect(rows("sourcetype=web | top limit=1 status by host")).toEqual([
      { host: "mercury", status: 200, count: 2, percent: 100 },
      { host: "venus", status: 500, count: 1, percent: 100 / 3 },
    ].map((r) => ({ ...r, percent: Math.round(r.percent * 1e6) / 1e6 })));
  });
  it("bin _time span=1h (then stats) and numeric bins", () => {
    expect(rows("sourcetype=web | bin _time span=1h | stats count by _time").map((r) => r.count)).toEqual([3, 2]);
    expect(col("sourcetype=web | bin bytes span=100 as b | stats count by b", "b")).toEqual(["0-100", "100-200", "200-300", "300-400"]);
  });
});

describe("reshaping", () => {
  it("xyseries, untable and addtotals round trip", () => {
    const wide = q("sourcetype=web | stats count by host status | xyseries host status count | addtotals");
    expect(wide.fields).toEqual(["host", "200", "404", "500", "Total"]);
    expect(wide.results).toEqual([
      { host: "mercury", "200": 2, Total: 2 },
      { host: "venus", "200": 1, "404": 1, "500": 1, Total: 3 },
    ]);
    const long = q("sourcetype=web | stats count by host status | xyseries host status count | untable host status count");
    expect(long.results).toEqual([
      { host: "mercury", status: "200", count: 2 },
      { host: "venus", status: "200", count: 1 },
      { host: "venus", status: "404", count: 1 },
      { host: "venus", status: "500", count: 1 },
    ]);
    expect(rows("sourcetype=web | stats count by host | addtotals col=t row=f").at(-1)).toEqual({ count: 5 });
    expect(rows('sourcetype=web | stats count by host | addtotals col=t row=f labelfield=host label="All hosts"').at(-1)).toEqual({ host: "All hosts", count: 5 });
  });
  it("foreach with <<FIELD>> and <<MATCHSTR>>", () => {
    const r = q("sourcetype=web | stats sum(bytes) as b_sum max(bytes) as b_max by host | foreach b_* [eval kb_<<MATCHSTR>>='<<FIELD>>'/10]");
    expect(r.results[0]).toMatchObject({ host: "mercury", kb_sum: 50, kb_max: 30 });
  });
  it("fillnull, makemv, mvexpand", () => {
    expect(col("* | fillnull value=none user | stats count by user", "user")).toContain("none");
    expect(col('sourcetype=web host=mercury status=200 bytes=300 | eval parts="a;b;c" | makemv delim=";" parts | mvexpand parts | table parts', "parts")).toEqual(["a", "b", "c"]);
  });
});

describe("the core executor runs SPL plans through the registered SPL executors", () => {
  it("executePlan gives runSpl's answer for aggregations and generating commands", () => {
    for (const s of ["sourcetype=web | stats count avg(bytes) by host | sort - count", "* | timechart span=1h count by sourcetype", "| metadata type=hosts", "| tstats count by sourcetype | where count > 3"]) {
      const plan = parseSpl(s).plan;
      const stream = executePlan(ds, plan);
      const want = q(s);
      expect(stream.kind).toBe("table");
      if (stream.kind === "table") {
        expect(stream.fields).toEqual(want.fields);
        expect(stream.rows).toEqual(want.results);
      }
    }
  });
});

describe("cancellation", () => {
  it("a cancelled token stops the run with CancelledError", () => {
    for (const s of ["* | stats count by host", "* | eval x=1 | stats count by x"]) {
      expect(() => runSpl(ds, s, { cancel: { cancelled: true } })).toThrow(/cancelled/);
    }
  });
});

describe("lookups, spath, transaction, metadata, tstats", () => {
  it("lookup and inputlookup over a registered CSV", () => {
    const d = webFixture();
    registerLookup(d, "assets", "ip,nt_host,owner\n10.0.2.107,wrk-btun,billy.tun\n10.0.2.109,wrk-klagerf,kevin\n");
    const r = runSpl(d, "host=pan | lookup assets ip as src OUTPUT nt_host owner | table src nt_host owner");
    expect(r.results).toEqual([
      { src: "10.0.2.107", nt_host: "wrk-btun", owner: "billy.tun" },
      { src: "10.0.2.109", nt_host: "wrk-klagerf", owner: "kevin" },
      { src: "10.0.2.107", nt_host: "wrk-btun", owner: "billy.tun" },
    ]);
    expect(runSpl(d, "| inputlookup assets.csv | search owner=kevin").results).toEqual([{ ip: "10.0.2.109", nt_host: "wrk-klagerf", owner: "kevin" }]);
    expect(() => runSpl(d, "| inputlookup nope")).toThrow(/not loaded/);
    expect(removeLookup(d, "assets.csv")).toBe(true);
    expect(() => runSpl(d, "| inputlookup assets")).toThrow(/not loaded/);
  });
  it("spath extracts JSON fields and paths", () => {
    const d = fixture([{ time: "2017-08-23T10:00:00Z", raw: '{"user":{"name":"kevin","groups":["a","b"]},"n":3}', fields: {} }]);
    const r = runSpl(d, "* | spath | table user.name user.groups{} n");
    expect(r.results).toEqual([{ "user.name": "kevin", "user.groups{}": ["a", "b"], n: 3 }]);
    expect(runSpl(d, "* | spath path=user.groups{} output=g | table g").results).toEqual([{ g: ["a", "b"] }]);
  });
  it("transaction by field with maxspan", () => {
    const r = rows("sourcetype=web | transaction host maxspan=1h | table host eventcount duration");
    expect(r).toEqual([
      { host: "venus", eventcount: 1, duration: 0 },
      { host: "mercury", eventcount: 2, duration: 3000 },
      { host: "venus", eventcount: 2, duration: 900 },
    ]);
  });
  it("transaction startswith/endswith: open on the start condition, close on the end one", () => {
    const r = rows('sourcetype=web | transaction host startswith="status=200" endswith="status=500" | table host eventcount duration');
    expect(r).toEqual([{ host: "venus", eventcount: 3, duration: 3900 }]);
  });
  it("bucket is bin; makemv tokenizer; lookup OUTPUTNEW", () => {
    expect(rows("sourcetype=web | bucket _time span=1d | stats count by _time")).toEqual([{ _time: Date.parse("2017-08-23T00:00:00Z") / 1000, count: 5 }]);
    expect(col('sourcetype=web status=500 | eval t="a1b22c333" | makemv tokenizer="(\\d+)" t | table t', "t")).toEqual([["1", "22", "333"]]);
  });
  it("metadata type=hosts and tstats count by sourcetype", () => {
    const m = rows("| metadata type=hosts");
    expect(m.map((r) => [r.host, r.totalCount])).toEqual([["mercury", 2], ["pan", 3], ["venus", 3]]);
    expect(m[0]!.firstTime).toBe(Date.parse("2017-08-23T10:40:00Z") / 1000);
    expect(rows("| tstats count where index=* by sourcetype")).toEqual([{ sourcetype: "fw", count: 3 }, { sourcetype: "web", count: 5 }]);
    expect(() => rows("| tstats count by user")).toThrow(/indexed fields/);
  });
});
