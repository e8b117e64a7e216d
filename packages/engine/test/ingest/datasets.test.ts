import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Dataset, columnOf, ingestBytes, valueAt } from "../../src/index.ts";
import type { IngestSummary, Scalar } from "../../src/index.ts";

/**
 * Every file in shared/datasets (the EVTX helper covers evtx-attack-samples; the XML files are in
 * xmlwineventlog.test.ts) loads with the counts its PROVENANCE.md states, with real field values.
 */

const DATA = "../../../../../shared/datasets/";
const read = (rel: string) => readFileSync(new URL(DATA + rel, import.meta.url));

function load(...files: string[]): { ds: Dataset; sums: IngestSummary[] } {
  const ds = new Dataset();
  const sums = files.map((f) => ingestBytes(ds, f.split("/").pop()!, read(f)));
  return { ds, sums };
}

/** Every row's value of `field` (via aliases) in segments of `sourcetype` (all when omitted). */
function column(ds: Dataset, field: string, sourcetype?: string): Array<Scalar | Scalar[]> {
  const out: Array<Scalar | Scalar[]> = [];
  for (const seg of ds.segments) {
    if (sourcetype !== undefined && seg.sourcetype !== sourcetype) continue;
    const col = columnOf(seg, field);
    for (let r = 0; r < seg.rowCount; r++) out.push(valueAt(col, r));
  }
  return out;
}

function counts(values: Array<Scalar | Scalar[]>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[String(v)] = (out[String(v)] ?? 0) + 1;
  return out;
}

/** The row where `field` equals `value`, as a field reader. */
function rowWhere(ds: Dataset, field: string, value: Scalar): (f: string) => Scalar | Scalar[] {
  for (const seg of ds.segments) {
    const col = columnOf(seg, field);
    for (let r = 0; r < seg.rowCount; r++) {
      if (valueAt(col, r) === value) return (f) => (f === "_time" ? seg.time[r]! : valueAt(columnOf(seg, f), r));
    }
  }
  throw new Error(`no row with ${field}=${String(value)}`);
}

const FILETIME_EPOCH_OFFSET_MS = 11644473600000;

describe("atomic-regsvr32: Elasticsearch _bulk, FILETIME @timestamp", () => {
  const { ds, sums } = load("atomic-regsvr32/normalized-T1117-AtomicRed-regsvr32.json");
  it("150 documents: 89 library, 56 registry, 4 process, 1 network; 143 regsvr32.exe", () => {
    expect(sums[0]).toMatchObject({ format: "es-bulk", events: 150, problemTotal: 0 });
    expect(counts(column(ds, "event.category"))).toEqual({ library: 89, registry: 56, process: 4, network: 1 });
    expect(counts(column(ds, "process.name"))["regsvr32.exe"]).toBe(143);
    expect(new Set(column(ds, "process.pid"))).toEqual(new Set([2012]));
  });
  it("FILETIME ticks become ms; the network event is 192.168.162.134:50505 → 151.101.48.133:443", () => {
    const net = rowWhere(ds, "event.category", "network");
    expect(net("_time")).toBe(131883573238680000 / 10000 - FILETIME_EPOCH_OFFSET_MS);
    // This data set writes ECS `*.address` and string ports.
    expect(net("source.address")).toBe("192.168.162.134");
    expect(net("source.port")).toBe("50505");
    expect(net("destination.address")).toBe("151.101.48.133");
    expect(net("destination.port")).toBe("443");
    // Out of file order in the file, first by time: the store is sorted.
    const times = ds.segments[0]!.time;
    for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThanOrEqual(times[i - 1]!);
  });
});

describe("suricata-eve-beats-testdata: one event of each event_type", () => {
  const { ds, sums } = load("suricata-eve-beats-testdata/eve-small.log");
  it("8 suricata events, -0400 offsets, TLS issuer and CIM aliases", () => {
    expect(sums[0]).toMatchObject({ format: "ndjson", events: 8, sourcetypes: { suricata: 8 }, problemTotal: 0 });
    expect(Object.keys(counts(column(ds, "event_type"))).sort()).toEqual(
      ["alert", "dns", "fileinfo", "flow", "http", "ssh", "stats", "tls"].sort(),
    );
    const tls = rowWhere(ds, "event_type", "tls");
    expect(tls("ssl_issuer")).toBe("CN=Apple IST CA 2 - G1, OU=Certification Authority, O=Apple Inc., C=US");
    expect(tls("ssl_issuer_common_name")).toBe("Apple IST CA 2 - G1");
    const alert = rowWhere(ds, "event_type", "alert");
    expect(alert("signature_id")).toBe(2024833);
    expect(alert("src")).toBe(alert("src_ip"));
    expect(alert("timestamp")).toBe("2018-07-05T15:07:20.910626-0400");
    expect(alert("_time")).toBeCloseTo(Date.UTC(2018, 6, 5, 19, 7, 20) + 910.626, 3);
  });
});

describe("suricata-eve-wrccdc: JSON arrays and their NDJSON twins", () => {
  const SETS: Array<[string, number]> = [
    ["wrccdc-2018", 207],
    ["wrccdc-2017", 161],
    ["first-org-conf-2015", 136],
    ["honeypot-2018", 44],
  ];
  for (const [set, n] of SETS) {
    it(`${set}: ${n} alerts either way, same signatures`, () => {
      const a = load(`suricata-eve-wrccdc/${set}_alerts-only.json`);
      const b = load(`suricata-eve-wrccdc/${set}_eve.ndjson`);
      expect(a.sums[0]).toMatchObject({ format: "json-array", events: n, sourcetypes: { suricata: n }, problemTotal: 0 });
      expect(b.sums[0]).toMatchObject({ format: "ndjson", events: n, sourcetypes: { suricata: n }, problemTotal: 0 });
      expect(counts(column(a.ds, "signature"))).toEqual(counts(column(b.ds, "signature")));
      expect([...a.ds.segments[0]!.time]).toEqual([...b.ds.segments[0]!.time]);
    });
  }
  it("honeypot times have no offset and are read as UTC", () => {
    const { ds } = load("suricata-eve-wrccdc/honeypot-2018_eve.ndjson");
    const e = rowWhere(ds, "timestamp", "2019-01-02T03:50:11.315110");
    expect(e("_time")).toBeCloseTo(Date.UTC(2019, 0, 2, 3, 50, 11) + 315.11, 3);
    expect(e("dest_port")).toBe(22);
  });
});

describe("pan-traffic-beats-testdata: PAN-OS 8.1 TRAFFIC CSV", () => {
  const { ds, sums } = load("pan-traffic-beats-testdata/traffic_subset.log");
  it("14 pan:traffic events with the subtypes PROVENANCE lists", () => {
    expect(sums[0]).toMatchObject({ format: "pan-csv", events: 14, sourcetypes: { "pan:traffic": 14 }, problemTotal: 0 });
    expect(counts(column(ds, "subtype"))).toEqual({ end: 9, start: 1, drop: 1, deny: 1, test: 1, null: 1 });
  });
  it("the first line's columns, CIM names and generated time", () => {
    const e = rowWhere(ds, "session_id", 22751);
    expect(e("src_ip")).toBe("192.168.15.207");
    expect(e("dest_ip")).toBe("184.51.253.152");
    expect(e("dest_port")).toBe(443);
    expect(e("src_port")).toBe(55113);
    expect(e("app")).toBe("apple-maps");
    expect(e("transport")).toBe("tcp");
    expect(e("vendor_action")).toBe("allow");
    expect(e("action")).toBe("allowed");
    expect(e("bytes")).toBe(7734);
    expect(e("bytes_out")).toBe(1758);
    expect(e("bytes_in")).toBe(5976);
    expect(e("session_end_reason")).toBe("tcp-fin");
    expect(e("dvc_name")).toBe("PA-220");
    expect(e("host")).toBe("PA-220");
    expect(e("src_location")).toBe("192.168.0.0-192.168.255.255");
    expect(e("dest_location")).toBe("United States");
    expect(e("_time")).toBe(Date.UTC(2018, 10, 30, 16, 9, 7));
    // Every line of the subset, even drop/deny subtypes, has the action `allow`.
    expect(counts(column(ds, "action"))).toEqual({ allowed: 14 });
  });
});

describe("apache-access", () => {
  it("10,000 combined lines with the stated status counts; the unterminated user agent still loads", () => {
    const { ds, sums } = load("apache-access/elastic-examples_apache_logs.log");
    expect(sums[0]).toMatchObject({ format: "access-log", events: 10000, sourcetypes: { access_combined: 10000 }, problemTotal: 0 });
    expect(counts(column(ds, "status"))).toMatchObject({ 200: 9126, 304: 445, 404: 213, 301: 164, 206: 45 });
    const first = rowWhere(ds, "req_time", "17/May/2015:10:05:03 +0000");
    expect(first("clientip")).toBe("83.149.9.216");
    expect(first("src_ip")).toBe("83.149.9.216");
    expect(first("_time")).toBe(Date.UTC(2015, 4, 17, 10, 5, 3));
    const bot = rowWhere(ds, "uri", "/scripts/grok-py-test/configlib.py");
    expect(bot("req_time")).toBe("20/May/2015:12:05:17 +0000");
    expect(bot("clientip")).toBe("46.118.127.106");
    expect(bot("status")).toBe(200);
    expect(bot("bytes")).toBe(235);
    expect(bot("uri")).toBe("/scripts/grok-py-test/configlib.py");
    expect(String(bot("http_user_agent"))).toMatch(/^Mozilla\/5\.0 \(compatible; Googlebot/);
  });

  it("Tomcat common log: 2,661 lines, the webshell's 21 requests, binary payload reported by line", () => {
    const { ds, sums } = load("apache-access/evtx-attack-samples_tomcat_webshell_access_log.txt");
    expect(sums[0]).toMatchObject({ events: 2661, sourcetypes: { access_common: 2661 } });
    expect(sums[0]!.problemCounts).toEqual({ "invalid UTF-8": 1 });
    expect(sums[0]!.problems[0]).toMatchObject({ line: 27 });
    expect(counts(column(ds, "uri_path"))["/error/cmd.jsp"]).toBe(21);
    const first = rowWhere(ds, "req_time", "11/Jul/2018:08:41:28 +0300");
    expect(first("_time")).toBe(Date.UTC(2018, 6, 11, 5, 41, 28));
    // Attack payloads with bare quotes in the request line still parse.
    expect(column(ds, "uri")).toContain('/WebID/IISWebAgentIF.dll?postdata="><script>foo</script>');
  });
});

describe("zeek-btest-baselines: masked timestamps", () => {
  const FILES: Array<[string, number, string]> = [
    ["opt.basic__conn.log", 34, "bro:conn"],
    ["opt.basic__dns.log", 34, "bro:dns"],
    ["opt.basic__http.log", 14, "bro:http"],
    ["scripts.base.protocols.http.http-methods__http.log", 49, "bro:http"],
    ["scripts.base.protocols.http.http-methods__weird.log", 34, "bro:weird"],
  ];
  for (const [file, n, st] of FILES) {
    it(`${file}: ${n} records, time unknown (XXXXXXXXXX.XXXXXX)`, () => {
      const { ds, sums } = load("zeek-btest-baselines/" + file);
      expect(sums[0]).toMatchObject({ format: "zeek-tsv", events: n, sourcetypes: { [st]: n }, problemTotal: 0 });
      expect(ds.segments[0]!.time.every((t) => Number.isNaN(t))).toBe(true);
    });
  }
  it("conn: id.orig_h, ports as numbers, unset fields absent, CIM/ECS aliases", () => {
    const { ds } = load("zeek-btest-baselines/opt.basic__conn.log");
    const e = rowWhere(ds, "uid", "CHhAvVGS1DHFjwGM9");
    expect(e("id.orig_h")).toBe("141.142.220.202");
    expect(e("src_ip")).toBe("141.142.220.202");
    expect(e("destination.ip")).toBe("224.0.0.251");
    expect(e("dest_port")).toBe(5353);
    expect(e("transport")).toBe("udp");
    expect(e("app")).toBe("dns");
    expect(e("duration")).toBeNull();
    expect(e("local_orig")).toBe("F");
  });
});

describe("zeek-soc-lab: real TSV with damaged lines", () => {
  const FILES: Array<[string, number, number[]]> = [
    ["conn.log", 808, [784]],
    ["dns.log", 1381, [1118, 1147, 1219, 1222, 1357]],
    [
      "ssl.log",
      68,
      [12, 18, 19, 22, 23, 24, 26, 28, 30, 33, 34, 37, 46, 49, 50, 51, 52, 55, 56, 57, 59, 60, 61, 68, 73, 74, 81, 83, 85, 89, 104, 105, 106, 107, 108, 111],
    ],
    [
      "quic.log",
      48,
      [11, 12, 15, 16, 17, 19, 21, 24, 25, 28, 32, 33, 34, 35, 37, 38, 39, 41, 43, 50, 54, 55, 61, 63, 65, 68, 77, 78, 80, 86, 87, 88],
    ],
    ["ntp.log", 8, [16, 17, 18, 20]],
    ["files.log", 0, [9]],
    ["http.log", 0, [9]],
    ["weird.log", 0, [9]],
    ["dhcp.log", 4, []],
  ];
  for (const [file, n, damaged] of FILES) {
    it(`${file}: ${n} records, damaged lines ${damaged.join(" ") || "none"} reported`, () => {
      const ds = new Dataset();
      const sum = ingestBytes(ds, file, read("zeek-soc-lab/" + file));
      expect(sum.events).toBe(n);
      expect(sum.problemTotal).toBe(damaged.length);
      expect(sum.problems.map((p) => p.line)).toEqual(damaged);
      for (const p of sum.problems) expect(p.reason).toMatch(/^wrong field count: expected \d+ fields/);
    });
  }
  it("conn: the first record and its time", () => {
    const { ds } = load("zeek-soc-lab/conn.log");
    const e = rowWhere(ds, "uid", "Cqt3n81Knfa7xCEqK9");
    expect(e("id.orig_h")).toBe("192.168.64.6");
    expect(e("id.resp_p")).toBe(5353);
    expect(e("_time")).toBeCloseTo(1754306946392.58, 2);
    expect(e("sourcetype")).toBe("bro:conn");
  });
  it("vector[string] becomes a multi-value field (dns answers)", () => {
    const { ds } = load("zeek-btest-baselines/opt.basic__dns.log");
    const e = rowWhere(ds, "uid", "C37jN32gN3y3AZzyf6");
    expect(e("answers")).toEqual(["upload.pmtpa.wikimedia.org", "208.80.152.3"]);
    expect(e("dns.question.name")).toBe(e("query"));
  });
});

describe("zeek-wrccdc2018: gzip'd TSV and JSON, the same records", () => {
  const LOGS: Array<[string, number]> = [
    ["analyzer", 16461], ["capture_loss", 3], ["dce_rpc", 78], ["dns", 53615], ["dpd", 77], ["ftp", 93],
    ["kerberos", 11], ["known_certs", 35], ["known_hosts", 253], ["known_services", 1579], ["ldap_search", 1],
    ["loaded_scripts", 512], ["modbus", 268], ["notice", 207], ["ntlm", 422], ["ntp", 904], ["ocsp", 1308],
    ["packet_filter", 1], ["pe", 21], ["rdp", 4122], ["rfb", 3], ["smb_files", 13], ["smb_mapping", 393],
    ["smtp", 1188], ["snmp", 65], ["software", 376], ["ssh", 22], ["ssl", 49474], ["stats", 6], ["syslog", 2378],
    ["weird", 24202], ["x509", 348],
  ];
  it("every log: the stated record count as bro:<path>, from both TSV and JSON", { timeout: 120_000 }, () => {
    for (const [log, n] of LOGS) {
      const tsv = ingestBytes(new Dataset(), `${log}.log.gz`, read(`zeek-wrccdc2018/zeek-default/${log}.log.gz`));
      const json = ingestBytes(new Dataset(), `${log}.json.gz`, read(`zeek-wrccdc2018/zeek-json/${log}.json.gz`));
      expect([log, tsv.format, tsv.events, tsv.sourcetypes, tsv.problemTotal]).toEqual([log, "gzip+zeek-tsv", n, { [`bro:${log}`]: n }, 0]);
      expect([log, json.format, json.events, json.sourcetypes, json.problemTotal]).toEqual([log, "gzip+ndjson", n, { [`bro:${log}`]: n }, 0]);
    }
  });
  it("ftp: TSV and JSON agree on time and fields (Nessus anonymous login)", () => {
    const a = load("zeek-wrccdc2018/zeek-default/ftp.log.gz");
    const b = load("zeek-wrccdc2018/zeek-json/ftp.json.gz");
    // Epoch seconds (TSV) and ISO text (JSON) agree to the microsecond.
    const us = (t: Float64Array) => [...t].map((x) => Math.round(x * 1000));
    expect(us(a.ds.segments[0]!.time)).toEqual(us(b.ds.segments[0]!.time));
    const e = rowWhere(a.ds, "command", "STOR");
    expect(e("user")).toBe("anonymous");
    expect(e("password")).toBe("nessus@nessus.org");
    expect(e("reply_code")).toBe(550);
    expect(e("src_ip")).toBe("10.164.94.120");
    expect(e("_time")).toBeCloseTo(1521911724704.286, 2);
    expect(counts(column(a.ds, "user"))).toEqual(counts(column(b.ds, "user")));
  });
});

describe("ECS event.category on network logs", () => {
  it("Zeek, Suricata, PAN-OS and access logs carry a category EQL can select on", () => {
    const { ds } = load(
      "zeek-btest-baselines/opt.basic__conn.log",
      "suricata-eve-beats-testdata/eve-small.log",
      "pan-traffic-beats-testdata/traffic_subset.log",
      "apache-access/evtx-attack-samples_tomcat_webshell_access_log.txt",
    );
    expect(counts(column(ds, "event.category", "bro:conn"))).toEqual({ network: 34 });
    expect(counts(column(ds, "event.category", "pan:traffic"))).toEqual({ network: 14 });
    expect(counts(column(ds, "event.category", "access_common"))).toEqual({ web: 2661 });
    const eve = counts(column(ds, "event.category", "suricata"));
    expect(eve).toEqual({ network: 7, "network,intrusion_detection": 1 });
  });
});
