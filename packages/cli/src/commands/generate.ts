import type { Command } from "../command.ts";
import { UsageError, flag, parseArgs } from "../command.ts";
import { generateToDirectory } from "@quarry/datasets/node";

/** `quarry generate --events N --seed S --out DIR`: writes the BOTSv2-style dataset and its manifest. */
export const generateCommand: Command = {
  name: "generate",
  summary: "write a deterministic BOTSv2-style dataset (raw files per sourcetype + manifest.json)",
  usage: `quarry generate --events N --seed S --out DIR

Generates August 2017 at the fictional brewery Frothly with the PowerShell Empire intrusion of the
BOTSv2 "Hunting an APT" walkthrough planted: one raw file per sourcetype (XmlWinEventLog Sysmon and
Security, stream:http/dns/tcp/ip/ftp/smtp JSON, suricata eve.json, pan:traffic CSV syslog,
access_combined, Zeek conn.log/dns.log) and manifest.json with the ground truth. The same seed gives
byte-identical files. Files are written hour by hour through bounded buffers (memory stays flat).
--events N   about N events in total (default 100000, at least 1000)
--seed S     any string (default "botsv2")
--out DIR    output directory, created if missing (required)
--quiet      no progress on stderr`,
  async run(args) {
    const p = parseArgs(args, ["quiet"], ["events", "seed", "out"]);
    const out = flag(p, "out");
    if (!out) throw new UsageError("--out DIR is required");
    const eventsText = flag(p, "events") ?? "100000";
    const events = Number(eventsText.replace(/_/g, ""));
    if (!Number.isInteger(events) || events < 1000) throw new UsageError(`--events must be an integer of at least 1000 (got "${eventsText}")`);
    const seed = flag(p, "seed") ?? "botsv2";
    const quiet = p.flags.has("quiet");
    const started = Date.now();
    let lastReport = 0;
    const manifest = generateToDirectory(out, {
      events,
      seed,
      onProgress: ({ events: done, hour, hours }) => {
        const now = Date.now();
        if (quiet || (now - lastReport < 1000 && hour < hours)) return;
        lastReport = now;
        process.stderr.write(`\rgenerate: ${done} events, hour ${hour}/${hours}`);
      },
    });
    const seconds = (Date.now() - started) / 1000;
    const bytes = manifest.files.reduce((n, f) => n + f.bytes, 0);
    if (!quiet) process.stderr.write("\n");
    process.stdout.write(
      JSON.stringify(
        {
          out,
          seed,
          events: manifest.events,
          bytes,
          seconds: Math.round(seconds * 100) / 100,
          eventsPerSecond: Math.round(manifest.events / seconds),
          files: manifest.files.map((f) => ({ name: f.name, sourcetype: f.sourcetype, events: f.events, bytes: f.bytes })),
        },
        null,
        2,
      ) + "\n",
    );
    return 0;
  },
};
