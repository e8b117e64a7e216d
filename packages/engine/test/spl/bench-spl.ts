/**
 * Speed check of the SPL fast paths over N synthetic events (default 1M): not a test, run with
 * `npx tsx packages/engine/test/spl/bench-spl.ts [N]`. Prints median and best of 7 runs.
 */
import { Dataset, runSpl } from "../../src/index.ts";

const N = Number(process.argv[2] ?? 1_000_000);
const ds = new Dataset();
const sourcetypes = ["pan:traffic", "stream:tcp", "stream:http", "suricata", "XmlWinEventLog:Microsoft-Windows-Sysmon/Operational", "access_combined", "stream:dns", "wineventlog", "stream:ip", "stream:ftp"];
const hosts = Array.from({ length: 40 }, (_, i) => `host-${i}`);
const t0 = Date.parse("2017-08-01T07:00:00Z");
let seed = 42;
const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
const builders = new Map<string, ReturnType<Dataset["builder"]>>();
for (let i = 0; i < N; i++) {
  const st = sourcetypes[Math.floor(rnd() * rnd() * sourcetypes.length)]!;
  let b = builders.get(st);
  if (!b) builders.set(st, (b = ds.builder(st)));
  b.add(t0 + Math.floor(rnd() * 31 * 86_400_000), ds.nextSeq++, "", { sourcetype: st, host: hosts[Math.floor(rnd() * hosts.length)]!, source: `${st}.log` });
}
for (const b of builders.values()) ds.addSegment(b);

for (const q of ["index=botsv2 | stats count by host", "index=botsv2 | timechart span=1h count by sourcetype", "index=botsv2 | stats count dc(host) by sourcetype"]) {
  const times: number[] = [];
  let fast = false;
  for (let k = 0; k < 7; k++) {
    const started = performance.now();
    fast = runSpl(ds, q, { tz: "America/Los_Angeles" }).fastPath;
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  console.log(`${q}: median ${times[3]!.toFixed(1)} ms, best ${times[0]!.toFixed(1)} ms (fast path: ${fast})`);
}
