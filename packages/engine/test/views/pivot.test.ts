import { describe, expect, it } from "vitest";
import { LookupStore, parseCsv, pivot } from "../../src/index.ts";
import { load, proc, PS, sysmon, SYS32 } from "./fixtures.ts";

const SYSMON = [
  proc("venus", "2017-08-24T04:00:00.000Z", 3000, PS, 2000, SYS32 + "wbem\\WmiPrvSE.exe", {
    User: "FROTHLY\\service3",
    CommandLine: "powershell -noP -enc " + Buffer.from("whoami /priv", "utf16le").toString("base64"),
  }),
  proc("venus", "2017-08-24T04:10:00.000Z", 3100, SYS32 + "whoami.exe", 3000, PS, { User: "FROTHLY\\service3" }),
  proc("venus", "2017-08-24T04:12:36.000Z", 3300, SYS32 + "schtasks.exe", 3000, PS, { User: "FROTHLY\\service3" }),
  proc("wrk-btun", "2017-08-24T03:42:00.000Z", 4200, SYS32 + "whoami.exe", 4000, PS, { User: "FROTHLY\\billy.tun" }),
  sysmon(3, "venus", "2017-08-24T04:01:00.000Z", { ProcessId: 3000, Image: PS, User: "FROTHLY\\service3", SourceIp: "10.0.1.101", SourcePort: 50001, DestinationIp: "45.77.65.211", DestinationPort: 443 }),
].join("\n");

const TRAFFIC = [
  { "@timestamp": "2017-08-24T03:50:00Z", src_ip: "10.0.2.107", dest_ip: "45.77.65.211", dest_port: 443, user: "frothly\\billy.tun" },
  { "@timestamp": "2017-08-24T03:51:00Z", src_ip: "10.0.2.107", dest_ip: "45.77.65.211", dest_port: 443, user: "frothly\\billy.tun" },
  { "@timestamp": "2017-08-24T03:52:00Z", src_ip: "10.0.2.109", dest_ip: "45.77.65.211", dest_port: 443 },
  { "@timestamp": "2017-08-24T03:53:00Z", src_ip: "45.77.65.211", dest_ip: "172.31.4.249", dest_port: 80 },
  { "@timestamp": "2017-08-24T03:54:00Z", src_ip: "10.0.2.109", dest_ip: "160.153.91.7", dest_port: 21 },
]
  .map((o) => JSON.stringify(o))
  .join("\n");

const ASSETS = 'ip,mac,nt_host,dns,owner,priority,category\n10.0.1.101,,venus,venus.frothly.local,"Bluebird, Alice",high,server|domain_controller\n10.0.2.107,,wrk-btun,,billy.tun,medium,workstation\n45.77.0.0/16,,,,vultr,critical,external\n';
const IDENTITIES = "identity,first,last,email,bunit\nservice3|svc3,Service,Three,service3@froth.ly,IT\nbilly.tun,Billy,Tun,btun@froth.ly,Sales\n";

describe("pivot", () => {
  // A Windows Security-like event whose CIM `dest` is a host name, not an address.
  const SEC = JSON.stringify({ "@timestamp": "2017-08-24T03:59:00Z", host: "wrk-btun", dest: "wrk-btun.frothly.local", EventCode: "4624" });
  const ds = load(["sysmon.xml", SYSMON], ["traffic.json", TRAFFIC], ["security.json", SEC]);
  const lookups = new LookupStore();
  lookups.add("assets.csv", ASSETS);
  lookups.add("identities.csv", IDENTITIES);
  const group = (s: ReturnType<typeof pivot>, title: string) => s.related.find((g) => g.title === title)!.items.map((i) => `${i.value}=${i.count}`);

  it("pivots to an IP: counts, first/last seen, peers and ports", () => {
    const s = pivot(ds, { kind: "ip", value: "45.77.65.211" }, {}, { lookups });
    // Four traffic events and the Sysmon connection involve it.
    expect(s.events).toBe(5);
    expect(s.first).toBe(Date.UTC(2017, 7, 24, 3, 50));
    expect(s.last).toBe(Date.UTC(2017, 7, 24, 4, 1));
    expect(group(s, "Peers")).toEqual(["10.0.2.107=2", "10.0.1.101=1", "10.0.2.109=1", "172.31.4.249=1"]);
    expect(group(s, "Destination ports")).toEqual(["443=4", "80=1"]);
    // The /16 asset row covers it; a peer is enriched from its own asset row.
    expect(s.enrichment?.fields.owner).toBe("vultr");
    expect(s.related.find((g) => g.title === "Peers")!.items[0].enrichment?.fields.nt_host).toBe("wrk-btun");
    expect(s.sourcetypes.map((x) => `${x.value}=${x.count}`).sort()).toEqual(["XmlWinEventLog:Microsoft-Windows-Sysmon/Operational=1", "_json=4"]);
    expect(s.activity.counts.reduce((a, b) => a + b, 0)).toBe(5);
    expect(s.activity.counts[0]).toBe(1);
    expect(s.activity.counts[s.activity.counts.length - 1]).toBe(1);
    // Newest first.
    expect(s.recent.map((e) => e.time)).toEqual([
      Date.UTC(2017, 7, 24, 4, 1),
      Date.UTC(2017, 7, 24, 3, 53),
      Date.UTC(2017, 7, 24, 3, 52),
      Date.UTC(2017, 7, 24, 3, 51),
      Date.UTC(2017, 7, 24, 3, 50),
    ]);
    expect(s.recent[0]).toMatchObject({ host: "venus", sourcetype: "XmlWinEventLog:Microsoft-Windows-Sysmon/Operational" });
  });

  it("pivots to a host: users, processes, outbound IPs, with its asset row", () => {
    const s = pivot(ds, { kind: "host", value: "Venus" }, {}, { lookups });
    expect(s.events).toBe(4);
    expect(group(s, "Users")).toEqual(["frothly\\service3=4"]);
    expect(group(s, "Processes")).toEqual(["powershell.exe=2", "schtasks.exe=1", "whoami.exe=1"]);
    expect(group(s, "Outbound IPs")).toEqual(["45.77.65.211=1"]);
    expect(s.enrichment?.fields).toMatchObject({ owner: "Bluebird, Alice", priority: "high", category: "server|domain_controller" });
    expect(s.related.find((g) => g.title === "Users")!.items[0].enrichment?.fields).toMatchObject({ first: "Service", bunit: "IT" });
  });

  it("a host with an asset row also covers its IP's flows; IP groups list addresses only, not the host's own", () => {
    const bare = pivot(ds, { kind: "host", value: "wrk-btun" });
    // Without lookups: the Sysmon whoami and the Security event only; `dest` holds a host name, so no outbound IP.
    expect(bare.events).toBe(2);
    expect(group(bare, "Outbound IPs")).toEqual([]);
    const s = pivot(ds, { kind: "host", value: "wrk-btun" }, {}, { lookups });
    // With the asset row (10.0.2.107): plus its two connections to the C2.
    expect(s.events).toBe(4);
    expect(group(s, "Outbound IPs")).toEqual(["45.77.65.211=2"]);
    expect(group(s, "Source IPs")).toEqual([]);
  });

  it("pivots to a user across name forms (DOMAIN\\user, lower case)", () => {
    const s = pivot(ds, { kind: "user", value: "billy.tun" }, {}, { lookups });
    // One Sysmon event (FROTHLY\billy.tun) and two traffic events (frothly\billy.tun).
    expect(s.events).toBe(3);
    expect(group(s, "Hosts")).toEqual(["wrk-btun=1"]);
    expect(group(s, "Destination IPs")).toEqual(["45.77.65.211=2"]);
    expect(s.enrichment?.fields.email).toBe("btun@froth.ly");
  });

  it("pivots to a process by name (children and parents) and by pid on a host", () => {
    const s = pivot(ds, { kind: "process", value: "powershell.exe" });
    expect(s.events).toBe(2);
    expect(group(s, "Parent processes")).toEqual(["wmiprvse.exe=1"]);
    expect(group(s, "Child processes")).toEqual(["whoami.exe=2", "schtasks.exe=1"]);
    expect(group(s, "Hosts")).toEqual(["venus=2"]);
    // The launcher's command line comes with its payload decoded.
    const cmd = s.related.find((g) => g.title === "Command lines")!.items.find((i) => i.value.includes("-enc"))!;
    expect(cmd.decoded).toBe("powershell -noP -enc whoami /priv");
    const byPid = pivot(ds, { kind: "process", value: "3000", host: "venus" });
    expect(byPid.events).toBe(2);
    expect(pivot(ds, { kind: "process", value: "3000", host: "wrk-btun" }).events).toBe(0);
  });

  it("an unknown entity gives an empty summary, not an error", () => {
    const s = pivot(ds, { kind: "host", value: "pluto" });
    expect(s).toMatchObject({ events: 0, first: null, last: null, recent: [] });
  });
});

describe("lookups", () => {
  it("parses RFC 4180 CSV and reports ragged rows with line numbers", () => {
    const t = parseCsv('\uFEFFa,b,c\r\n1,"x, ""y""",3\r\n"multi\nline",2\n4,5\n');
    expect(t.header).toEqual(["a", "b", "c"]);
    expect(t.rows).toEqual([
      ["1", 'x, "y"', "3"],
      ["multi\nline", "2", ""],
      ["4", "5", ""],
    ]);
    expect(t.problems).toEqual([
      { line: 3, reason: "2 fields where the header has 3" },
      { line: 5, reason: "2 fields where the header has 3" },
    ]);
    expect(parseCsv('a\n"open').problems[0]).toEqual({ line: 2, reason: expect.stringMatching(/unterminated/) });
    expect(parseCsv("").problems[0].reason).toMatch(/empty/);
  });

  it("guesses roles and matches hosts (FQDN or short), IPs (exact or CIDR) and users (any form)", () => {
    const l = new LookupStore();
    expect(l.add("assets", ASSETS).role).toBe("asset");
    expect(l.add("ids", IDENTITIES).role).toBe("identity");
    expect(l.add("plain", "a,b\n1,2").role).toBe("plain");
    expect(l.host("VENUS.frothly.local")?.fields.owner).toBe("Bluebird, Alice");
    expect(l.host("venus")?.fields.ip).toBe("10.0.1.101");
    expect(l.ip("45.77.65.211")?.fields.owner).toBe("vultr");
    expect(l.ip("45.78.0.1")).toBeNull();
    expect(l.user("FROTHLY\\svc3")?.fields.first).toBe("Service");
    expect(l.user("service3@froth.ly")?.fields.last).toBe("Three");
    expect(l.user("nobody")).toBeNull();
    expect(l.get("assets.csv")?.rows).toHaveLength(3);
    l.remove("assets");
    expect(l.host("venus")).toBeNull();
  });
});
