import { Dataset, type FlatFields } from "../../src/index.ts";

/** One hand-written event: ISO time, sourcetype, raw text (defaults to key=value pairs) and fields. */
export interface FixtureEvent {
  time: string;
  sourcetype?: string;
  raw?: string;
  fields: FlatFields;
}

/** Builds a dataset from hand-written events (one segment per sourcetype), as ingest would store them. */
export function fixture(events: FixtureEvent[]): Dataset {
  const ds = new Dataset();
  const builders = new Map<string, ReturnType<Dataset["builder"]>>();
  for (const e of events) {
    const st = e.sourcetype ?? "test";
    let b = builders.get(st);
    if (!b) builders.set(st, (b = ds.builder(st)));
    const raw = e.raw ?? Object.entries(e.fields).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(",") : v}`).join(" ");
    b.add(Date.parse(e.time), ds.nextSeq++, raw, { ...e.fields, sourcetype: st });
  }
  for (const b of builders.values()) ds.addSegment(b);
  return ds;
}

/** A small web/firewall log: 8 events over three hours of 2017-08-23 UTC, hand-countable. */
export function webFixture(): Dataset {
  return fixture([
    { time: "2017-08-23T10:05:00Z", sourcetype: "web", fields: { host: "venus", user: "alice", status: 200, bytes: 100, uri: "/index.html" } },
    { time: "2017-08-23T10:20:00Z", sourcetype: "web", fields: { host: "venus", user: "bob", status: 404, bytes: 50, uri: "/missing" } },
    { time: "2017-08-23T10:40:00Z", sourcetype: "web", fields: { host: "mercury", user: "alice", status: 200, bytes: 300, uri: "/index.html" } },
    { time: "2017-08-23T11:10:00Z", sourcetype: "web", fields: { host: "venus", user: "carol", status: 500, bytes: 10, uri: "/admin/get.php" } },
    { time: "2017-08-23T11:30:00Z", sourcetype: "web", fields: { host: "mercury", status: 200, bytes: 200, uri: "/news.php" } },
    { time: "2017-08-23T12:00:00Z", sourcetype: "fw", fields: { host: "pan", src: "10.0.2.107", dest: "45.77.65.211", dest_port: 443, action: "allowed", user: "service3" } },
    { time: "2017-08-23T12:15:00Z", sourcetype: "fw", fields: { host: "pan", src: "10.0.2.109", dest: "45.77.65.211", dest_port: 443, action: "allowed", user: "service3" } },
    { time: "2017-08-23T12:30:00Z", sourcetype: "fw", fields: { host: "pan", src: "10.0.2.107", dest: "8.8.8.8", dest_port: 53, action: "blocked", tags: ["dns", "udp"] } },
  ]);
}
