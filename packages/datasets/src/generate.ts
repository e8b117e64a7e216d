import { Attack, attackVolumes } from "./attack.ts";
import { Background } from "./background.ts";
import { FILES } from "./files.ts";
import { zeekFooter, zeekHeaders } from "./formats/zeek.ts";
import type { Manifest } from "./manifest.ts";
import { Wire } from "./network.ts";
import { BufferedOutput, Emitter, type ByteSink } from "./output.ts";
import { Rng } from "./prng.ts";
import { Scheduler } from "./scheduler.ts";
import { HOUR, MONTH_END, MONTH_START, officeWeight, serverWeight } from "./time.ts";
import { HostState } from "./windows.ts";
import { WIN_HOSTS } from "./world.ts";

export interface GenerateOptions {
  /** Approximate total number of events across all files. */
  events: number;
  /** Any string; the same seed gives byte-identical files. */
  seed: string;
  /** Called after each generated hour. */
  onProgress?: (p: { events: number; hour: number; hours: number }) => void;
}

export const GENERATOR_VERSION = "quarry-botsv2-generator/1";

/** Events the intrusion is expected to add for given volumes (used to leave room in the budget). */
function attackEstimate(v: ReturnType<typeof attackVolumes>): number {
  return Math.round(v.beacons * 2.9 + v.w3af * 2.3 + v.dnsExfil * 2.4 + v.ftpFiles * 3 + 700);
}

/**
 * Generates a BOTSv2-style month (August 2017) of Frothly logs with the intrusion planted, writing
 * each source's raw file through `sink` in time order, hour by hour, with bounded memory.
 * Returns the manifest (file sizes and counts; `sha256` is left to the writer, which sees the bytes).
 */
export function generate(opts: GenerateOptions, sink: ByteSink): Manifest {
  if (!Number.isFinite(opts.events) || opts.events < 1000) throw new Error(`events must be at least 1000 (got ${opts.events})`);
  const root = new Rng(opts.seed);
  const zeek = zeekHeaders("2017-08-01-07-00-00");
  const close = zeekFooter("2017-09-01-07-00-00");
  const out = new BufferedOutput(sink, { bro_conn: zeek.conn, bro_dns: zeek.dns }, { bro_conn: close, bro_dns: close });
  const em = new Emitter(out);
  const sched = new Scheduler();
  const wire = new Wire(root.fork("wire"), em);
  // Sysmon's NetworkConnect is logged on the servers only, and not on mercury: the busy DNS server's
  // config drops it (so venus is the one server that shows the C2 in Sysmon, as in the hunt).
  // venus does not audit process creation (no 4688): in the hunt its ftp/whoami/schtasks show once each, from Sysmon.
  const hosts = WIN_HOSTS.map((h) => new HostState(h, root.fork("host:" + h.name), em, h.kind === "server" && h.name !== "mercury", h.name !== "venus"));
  const byName = new Map(hosts.map((h) => [h.host.name, h]));
  const bg = new Background(root.fork("background"), hosts, wire, sched, em);
  const vol = attackVolumes(opts.events);
  const attack = new Attack(root.fork("attack"), byName, wire, sched, em, bg, vol);
  attack.plan();

  const hours = Math.round((MONTH_END - MONTH_START) / HOUR);
  const weights: number[] = [];
  let totalWeight = 0;
  for (let i = 0; i < hours; i++) {
    const mid = MONTH_START + i * HOUR + HOUR / 2;
    const w = 0.65 * officeWeight(mid) + 0.35 * serverWeight(mid);
    weights.push(w);
    totalWeight += w;
  }
  const bgBudget = Math.max(0, opts.events - attackEstimate(vol));
  let cumulative = 0;
  for (let i = 0; i < hours; i++) {
    const t0 = MONTH_START + i * HOUR;
    const t1 = t0 + HOUR;
    cumulative += (bgBudget * weights[i]!) / totalWeight;
    let idle = 0;
    while (em.total - em.attackTotal < cumulative && idle < 1000) {
      const before = em.total;
      bg.activity(t0, t1);
      // Every activity emits something; the guard only keeps a future bug from looping forever.
      idle = em.total === before ? idle + 1 : 0;
    }
    sched.runUntil(t1);
    em.flushBefore(t1);
    opts.onProgress?.({ events: em.total, hour: i + 1, hours });
  }
  sched.runUntil(Number.POSITIVE_INFINITY);
  em.flushBefore(Number.POSITIVE_INFINITY);
  out.finish();

  return {
    generator: GENERATOR_VERSION,
    seed: opts.seed,
    requestedEvents: opts.events,
    events: em.total,
    timeRange: { start: new Date(MONTH_START).toISOString(), end: new Date(MONTH_END).toISOString(), timezoneOfStory: "America/Los_Angeles" },
    notes: [
      "Synthetic stand-in for Splunk BOTSv2 (Frothly, August 2017); every value is generated, none is real data.",
      "Raw times are UTC except suricata (-0700) ; the PAN firewall clock and the brewertalk.com web server run on UTC.",
      "The encoded PowerShell is inert text that names the C2 URL, user agent and URIs; it contains no working code.",
      "A Zeek sensor (conn.log, dns.log) sees the flows that cross the firewall or reach the Stream sensor, and every DNS transaction.",
      "About a tenth of the C2 check-ins also appear in stream:http (Stream is assumed to decrypt that TLS), so the Empire user agent and URIs are visible on the wire.",
      "The Stream sensor sees most workstation traffic but only a sample of the server VLAN (venus, mercury); Sysmon NetworkConnect is logged on venus and jupiter only.",
    ],
    files: FILES.map((f, i) => ({ name: f.name, sourcetype: f.sourcetype, events: out.events[i]!, bytes: out.bytes[i]! })).filter((f) => f.events > 0),
    hosts: WIN_HOSTS.map((h) => ({ name: h.name, ip: h.ip, kind: h.kind, ...(h.owner ? { owner: h.owner.name } : {}) })),
    groundTruth: attack.truth,
  };
}
