import { describe, expect, it } from "vitest";
import { Dataset, columnOf, ingestBytes, valueAt } from "../../src/index.ts";
import type { IngestSummary } from "../../src/index.ts";
import { splitCsvRecord } from "../../src/ingest/csv.ts";
import { findTimestamp, parseSyslogTime } from "../../src/ingest/find-timestamp.ts";
import { toEpochMs } from "../../src/ingest/timestamp.ts";

const enc = (s: string) => new TextEncoder().encode(s);

/** Loads text as one file; returns its summary and a reader of row `r` of the segment of `sourcetype`. */
function load(name: string, text: string, chunk = 5): { sum: IngestSummary; ds: Dataset; get: (st: string, r: number, f: string) => unknown } {
  const ds = new Dataset();
  const sum = ingestBytes(ds, name, enc(text), chunk);
  // Row r of a sourcetype in (time, seq) order, across its segments (one per event kind).
  const get = (st: string, r: number, f: string): unknown => {
    const rows = ds.segments
      .filter((s) => s.sourcetype === st)
      .flatMap((seg) => Array.from({ length: seg.rowCount }, (_, row) => ({ seg, row })))
      .sort((a, b) => a.seg.time[a.row]! - b.seg.time[b.row]! || a.seg.seq[a.row]! - b.seg.seq[b.row]!);
    if (rows.length === 0) throw new Error(`no segment ${st}`);
    const { seg, row } = rows[r]!;
    return f === "_time" ? seg.time[row] : valueAt(columnOf(seg, f), row);
  };
  return { sum, ds, get };
}

describe("Elasticsearch _bulk", () => {
  it("index/_id from the action, create/update/delete, a missing action line reported", () => {
    const text = [
      '{"index":{"_index":"logs-a","_id":"1"}}',
      '{"@timestamp":"2020-01-01T00:00:01Z","msg":"one"}',
      '{"create":{"_index":"logs-b","_id":7}}',
      '{"@timestamp":"2020-01-01T00:00:02Z","msg":"two"}',
      '{"delete":{"_index":"logs-a","_id":"1"}}',
      '{"update":{"_index":"logs-a","_id":"2"}}',
      '{"doc":{"@timestamp":"2020-01-01T00:00:03Z","msg":"three"}}',
      '{"msg":"orphan"}',
    ].join("\n");
    const { sum, get } = load("bulk.json", text);
    expect(sum.format).toBe("es-bulk");
    expect(sum.events).toBe(3);
    expect(sum.problems.map((p) => [p.line, p.reason.split(":")[0]])).toEqual([[8, "bulk action expected"]]);
    expect(get("_json", 0, "_index")).toBe("logs-a");
    expect(get("_json", 0, "index")).toBe("logs-a");
    expect(get("_json", 0, "_id")).toBe("1");
    expect(get("_json", 1, "_id")).toBe("7");
    expect(get("_json", 2, "msg")).toBe("three");
    expect(get("_json", 2, "_time")).toBe(Date.UTC(2020, 0, 1, 0, 0, 3));
  });
});

describe("JSON recognised by content", () => {
  it("Splunk Stream: sourcetype from protocol_stack or fields, _time from endtime", () => {
    const text = [
      '{"timestamp":"2017-08-24T03:45:00.000000Z","endtime":"2017-08-24T03:45:03.123456Z","protocol_stack":"ip:tcp:ssl","src_ip":"10.0.2.107","dest_ip":"45.77.65.211","dest_port":443,"ssl_issuer":"C = US","bytes_in":100,"bytes_out":50}',
      '{"timestamp":"2017-08-24T03:46:00.000000Z","endtime":"2017-08-24T03:46:01Z","protocol_stack":"ip:tcp:http","src_ip":"10.0.2.107","dest_ip":"1.2.3.4","http_method":"GET","uri":"/a?b=1","status":200}',
      '{"timestamp":"2017-08-24T03:47:00Z","endtime":"2017-08-24T03:47:00.5Z","src_ip":"10.0.2.107","dest_ip":"8.8.8.8","query":["evil.com"],"query_type":["A"],"transport":"udp"}',
    ].join("\n");
    const { sum, get } = load("stream.json", text);
    expect(sum.sourcetypes).toEqual({ "stream:tcp": 1, "stream:http": 1, "stream:dns": 1 });
    expect(get("stream:tcp", 0, "_time")).toBeCloseTo(Date.UTC(2017, 7, 24, 3, 45, 3) + 123.456, 3);
    expect(get("stream:tcp", 0, "ssl_issuer")).toBe("C = US");
    expect(get("stream:tcp", 0, "destination.ip")).toBe("45.77.65.211");
    expect(get("stream:tcp", 0, "bytes")).toBe(150);
    expect(get("stream:http", 0, "url.original")).toBe("/a?b=1");
    expect(get("stream:dns", 0, "dns.question.name")).toBe("evil.com");
  });

  it("Zeek JSON with _path, generic JSON stays _json", () => {
    const text = [
      '{"_path":"conn","ts":1521911724.5,"uid":"C1","id.orig_h":"10.0.0.1","id.orig_p":5,"id.resp_h":"10.0.0.2","id.resp_p":80,"proto":"tcp"}',
      '{"time":"2020-01-01T00:00:00+01:00","user":"x"}',
    ].join("\n");
    const { sum, get } = load("mixed.json", text);
    expect(sum.sourcetypes).toEqual({ "bro:conn": 1, _json: 1 });
    expect(get("bro:conn", 0, "_time")).toBe(1521911724500);
    expect(get("bro:conn", 0, "dest_port")).toBe(80);
    expect(get("_json", 0, "_time")).toBe(Date.UTC(2019, 11, 31, 23));
  });

  it("a JSON array split across tiny chunks; strings holding brackets and escaped quotes", () => {
    const text = '[\n {"a":"x]}{[\\"","n":1},\n {"a":"y","n":{"deep":[1,{"z":2}]}},\n 42,\n {"a":"z"}\n]\n';
    const { sum, get } = load("arr.json", text, 3);
    expect(sum.format).toBe("json-array");
    expect(sum.events).toBe(3);
    expect(sum.problems.map((p) => [p.line, p.reason])).toEqual([[4, "JSON value is not an object"]]);
    expect(get("_json", 0, "a")).toBe('x]}{["');
    expect(get("_json", 1, "n.deep")).toEqual(["1", '{"z":2}']);
  });

  it("a truncated array reports where the open value started", () => {
    const { sum } = load("cut.json", '[{"a":1},\n{"a":2,\n"b":');
    expect(sum.events).toBe(1);
    expect(sum.problems[0]).toMatchObject({ line: 2 });
    expect(sum.problems[0]!.reason).toMatch(/^truncated JSON/);
  });
});

describe("Zeek TSV details", () => {
  it("custom separators, escapes, (empty) sets, unset values, no #path (from the file name)", () => {
    const text = [
      "#separator \\x7c",
      "#set_separator|;",
      "#empty_field|(empty)",
      "#unset_field|-",
      "#fields|ts|uid|tags|note|n",
      "#types|time|string|set[string]|string|count",
      "1521911724.000001|C1|a;b|has\\x7cpipe|3",
      "1521911725.5|C2|(empty)|-|-",
    ].join("\n");
    const { sum, get } = load("notice.log", text);
    expect(sum).toMatchObject({ format: "zeek-tsv", events: 2, sourcetypes: { "bro:notice": 2 }, problemTotal: 0 });
    expect(get("bro:notice", 0, "tags")).toEqual(["a", "b"]);
    expect(get("bro:notice", 0, "note")).toBe("has|pipe");
    expect(get("bro:notice", 0, "n")).toBe(3);
    expect(get("bro:notice", 1, "tags")).toBeNull();
    expect(get("bro:notice", 1, "note")).toBeNull();
    expect(get("bro:notice", 1, "_time")).toBe(1521911725500);
  });
});

describe("PAN-OS", () => {
  it("a THREAT line with a quoted URL, an older short TRAFFIC line, and a non-PAN line reported", () => {
    const threat =
      'Aug 24 03:45:03 fw01 1,2017/08/24 03:45:03,001606001116,THREAT,url,1,2017/08/24 03:45:03,10.0.2.107,45.77.65.211,0.0.0.0,0.0.0.0,rule1,frothly\\service3,,ssl,vsys1,trust,untrust,ethernet1/2,ethernet1/1,fwd,2017/08/24 03:45:03,1234,1,49812,443,0,0,0x0,tcp,alert,"45.77.65.211/login/process.php,x",(9999),unknown,informational,client-to-server,55,0x0,10.0.0.0-10.255.255.255,United States,0,text/html';
    const traffic =
      "Aug 24 03:45:04 fw01 1,2017/08/24 03:45:04,001606001116,TRAFFIC,drop,1,2017/08/24 03:45:04,10.0.2.107,45.77.65.211,0.0.0.0,0.0.0.0,deny-all,,,not-applicable,vsys1,trust,untrust,ethernet1/2,,fwd,2017/08/24 03:45:04,0,1,49813,443,0,0,0x0,tcp,deny,60,60,0,1,2017/08/24 03:45:04,0,any,0,56";
    const { sum, get } = load("pan.log", [threat, traffic, "Aug 24 03:45:05 fw01 something else"].join("\n"));
    expect(sum.sourcetypes).toEqual({ "pan:threat": 1, "pan:traffic": 1 });
    expect(sum.problems.map((p) => [p.line, p.reason])).toEqual([[3, "not a PAN-OS log line"]]);
    expect(get("pan:threat", 0, "misc")).toBe("45.77.65.211/login/process.php,x");
    expect(get("pan:threat", 0, "url")).toBe("45.77.65.211/login/process.php,x");
    expect(get("pan:threat", 0, "user")).toBe("frothly\\service3");
    expect(get("pan:threat", 0, "action")).toBe("allowed");
    expect(get("pan:threat", 0, "severity")).toBe("informational");
    expect(get("pan:traffic", 0, "action")).toBe("blocked");
    expect(get("pan:traffic", 0, "dest_ip")).toBe("45.77.65.211");
    expect(get("pan:traffic", 0, "bytes")).toBe(60);
    expect(get("pan:traffic", 0, "seqno")).toBe(56);
    expect(get("pan:traffic", 0, "host")).toBe("fw01");
    expect(get("pan:traffic", 0, "_time")).toBe(Date.UTC(2017, 7, 24, 3, 45, 4));
  });
});

describe("access logs, CSV, key=value, text", () => {
  it("common vs combined, with CIM aliases", () => {
    const text = [
      '45.77.65.211 - bob [24/Aug/2017:03:45:03 -0700] "POST /login/process.php?x=1 HTTP/1.1" 200 512 "-" "Mozilla/5.0"',
      '10.0.0.1 - - [24/Aug/2017:03:45:04 -0700] "GET / HTTP/1.0" 304 -',
    ].join("\n");
    const { sum, get } = load("access.log", text);
    expect(sum.sourcetypes).toEqual({ access_combined: 1, access_common: 1 });
    expect(get("access_combined", 0, "src")).toBe("45.77.65.211");
    expect(get("access_combined", 0, "http_method")).toBe("POST");
    expect(get("access_combined", 0, "uri_path")).toBe("/login/process.php");
    expect(get("access_combined", 0, "uri_query")).toBe("x=1");
    expect(get("access_combined", 0, "user")).toBe("bob");
    expect(get("access_combined", 0, "http_user_agent")).toBe("Mozilla/5.0");
    expect(get("access_combined", 0, "_time")).toBe(Date.UTC(2017, 7, 24, 10, 45, 3));
    expect(get("access_common", 0, "status")).toBe(304);
    expect(get("access_common", 0, "bytes")).toBeNull();
  });

  it("CSV: RFC 4180 quotes, a record spanning lines, a short record reported but loaded", () => {
    const text = 'time,host,msg,count\n2020-01-01T00:00:00Z,a,"hello, ""world""",1\n2020-01-01T00:00:01Z,b,"two\nlines",2\n2020-01-01T00:00:02Z,c\n';
    const { sum, get } = load("x.csv", text);
    expect(sum).toMatchObject({ format: "csv", events: 3 });
    expect(sum.problems.map((p) => [p.line, p.reason.split(":")[0]])).toEqual([[5, "wrong field count"]]);
    expect(get("csv", 0, "msg")).toBe('hello, "world"');
    expect(get("csv", 1, "msg")).toBe("two\nlines");
    expect(get("csv", 2, "host")).toBe("c");
    expect(get("csv", 1, "_time")).toBe(Date.UTC(2020, 0, 1, 0, 0, 1));
    expect(splitCsvRecord('a,"b')).toBeNull();
    expect(splitCsvRecord('"",x,')).toEqual(["", "x", ""]);
  });

  it("key=value lines with quoted values and repeated keys", () => {
    const text = [
      'time=2020-01-01T00:00:00Z action=blocked src=10.0.0.1 msg="a b c" tag=x tag=y',
      "time=2020-01-01T00:00:05Z action=allowed src=10.0.0.2 dst=10.0.0.3",
    ].join("\n");
    const { sum, get } = load("fw.log", text);
    expect(sum).toMatchObject({ format: "kv", events: 2 });
    expect(get("kv", 0, "msg")).toBe("a b c");
    expect(get("kv", 0, "tag")).toEqual(["x", "y"]);
    expect(get("kv", 1, "_time")).toBe(Date.UTC(2020, 0, 1, 0, 0, 5));
  });

  it("syslog text lines get sourcetype syslog and their host", () => {
    const { sum, get } = load("messages", "<13>Aug 24 03:45:03 venus sshd[1]: Accepted password\nrandom text without time\n");
    expect(sum.sourcetypes).toEqual({ syslog: 1, text: 1 });
    expect(get("syslog", 0, "host")).toBe("venus");
    expect(Number.isNaN(get("text", 0, "_time"))).toBe(true);
  });
});

describe("timestamps", () => {
  it("ISO with any fraction/offset, epoch s/ms/µs, FILETIME, Sysmon UtcTime, PAN, syslog, US", () => {
    expect(toEpochMs("2017-08-24T03:45:03.123456789Z")).toBeCloseTo(Date.UTC(2017, 7, 24, 3, 45, 3) + 123.456789, 5);
    expect(toEpochMs("2017-08-24T03:45:03+05:30")).toBe(Date.UTC(2017, 7, 23, 22, 15, 3));
    expect(toEpochMs("2018-07-05T15:07:20.910626-0400")).toBeCloseTo(Date.UTC(2018, 6, 5, 19, 7, 20) + 910.626, 3);
    expect(toEpochMs("2025-10-24 09:17:49.733")).toBe(Date.UTC(2025, 9, 24, 9, 17, 49, 733));
    expect(toEpochMs(1503546303)).toBe(1503546303000);
    expect(toEpochMs("1503546303.5")).toBe(1503546303500);
    expect(toEpochMs(1503546303123)).toBe(1503546303123);
    expect(toEpochMs(1503546303123456)).toBe(1503546303123.456);
    expect(toEpochMs(131883573237130000)).toBe(1543883723713);
    expect(findTimestamp("1,2018/11/30 16:09:07,0128")).toBe(Date.UTC(2018, 10, 30, 16, 9, 7));
    expect(findTimestamp("08/24/2017 04:26:13 AM LogName=Security")).toBe(Date.UTC(2017, 7, 24, 4, 26, 13));
    expect(findTimestamp("08/24/2017 12:26:13 PM")).toBe(Date.UTC(2017, 7, 24, 12, 26, 13));
    const now = Date.UTC(2018, 0, 1, 12);
    expect(parseSyslogTime("Dec", 31, 23, 59, 59, now)).toBe(Date.UTC(2017, 11, 31, 23, 59, 59));
    expect(parseSyslogTime("Jan", 1, 0, 0, 1, now)).toBe(Date.UTC(2018, 0, 1, 0, 0, 1));
  });
});

describe("classic Windows event text (WinEventLog:Security)", () => {
  const event = (when: string, code: string, body: string) =>
    [
      when,
      "LogName=Security",
      "SourceName=Microsoft Windows security auditing.",
      `EventCode=${code}`,
      "EventType=0",
      "Type=Information",
      "ComputerName=wrk-klagerf.frothly.local",
      "TaskCategory=Process Creation",
      "RecordNumber=123456",
      "Keywords=Audit Success",
      body,
    ].join("\r\n");
  const text = [
    event(
      "08/24/2017 04:26:13 AM",
      "4688",
      "Message=A new process has been created.\r\n\r\nCreator Subject:\r\n\tSecurity ID:\t\tFROTHLY\\service3\r\n\tAccount Name:\t\tservice3\r\n\tAccount Domain:\t\tFROTHLY\r\n\r\nTarget Subject:\r\n\tSecurity ID:\t\tNULL SID\r\n\tAccount Name:\t\t-\r\n\r\nProcess Information:\r\n\tNew Process ID:\t\t0x1a2c\r\n\tNew Process Name:\tC:\\Windows\\System32\\wevtutil.exe\r\n\tCreator Process ID:\t0x994\r\n\tProcess Command Line:\twevtutil cl Security\r\n",
    ),
    event(
      "08/24/2017 01:05:00 PM",
      "4624",
      "Message=An account was successfully logged on.\r\n\r\nSubject:\r\n\tAccount Name:\t\tWRK-KLAGERF$\r\nNew Logon:\r\n\tAccount Name:\t\tservice3\r\nNetwork Information:\r\n\tSource Network Address:\t10.0.2.107\r\n\tSource Port:\t\t49812\r\n\tLogon Type:\t\t3",
    ),
  ].join("\r\n");

  it("splits on the timestamp line, names labels as Splunk does, normalises 4688 and 4624", () => {
    const { sum, get } = load("security.txt", text, 64);
    expect(sum).toMatchObject({ format: "wineventlog-text", events: 2, sourcetypes: { "WinEventLog:Security": 2 }, problemTotal: 0 });
    const st = "WinEventLog:Security";
    expect(get(st, 0, "_time")).toBe(Date.UTC(2017, 7, 24, 4, 26, 13));
    expect(get(st, 1, "_time")).toBe(Date.UTC(2017, 7, 24, 13, 5, 0));
    expect(get(st, 0, "host")).toBe("wrk-klagerf");
    expect(get(st, 0, "source")).toBe("WinEventLog:Security");
    expect(get(st, 0, "Account_Name")).toEqual(["service3", "-"]);
    expect(get(st, 0, "Security_ID")).toEqual(["FROTHLY\\service3", "NULL SID"]);
    expect(get(st, 0, "process.pid")).toBe(0x1a2c);
    expect(get(st, 0, "process.parent.pid")).toBe(0x994);
    expect(get(st, 0, "process.name")).toBe("wevtutil.exe");
    expect(get(st, 0, "process.command_line")).toBe("wevtutil cl Security");
    expect(get(st, 0, "user")).toBe("service3");
    expect(get(st, 0, "action")).toBe("success");
    expect(get(st, 1, "user")).toBe("service3");
    expect(get(st, 1, "src_user")).toBe("WRK-KLAGERF$");
    expect(get(st, 1, "src_ip")).toBe("10.0.2.107");
    expect(get(st, 1, "Logon_Type")).toBe("3");
    expect(String(get(st, 1, "Message")).startsWith("An account was successfully logged on.")).toBe(true);
  });
});
