import type { Command } from "../command.ts";
import { parseArgs } from "../command.ts";
import { loadFiles } from "../load-files.ts";

/** `quarry ingest FILE...`: loads files and prints what was loaded and what went wrong. */
export const ingestCommand: Command = {
  name: "ingest",
  summary: "load log files and print a JSON summary: events, sourcetypes, errors",
  usage: `quarry ingest [--per-file] FILE...

Loads every FILE through the engine (format detected from content) and prints
{"events": N, "sourcetypes": {name: count}, "errors": [{file, line, reason}], "errorCounts": {...}}.
--per-file adds a "files" list with each file's own summary.`,
  async run(args) {
    const p = parseArgs(args, ["per-file"], []);
    if (p.positionals.length === 0) {
      process.stderr.write("quarry ingest: no files given\n");
      return 2;
    }
    const { summaries } = await loadFiles(p.positionals);
    const sourcetypes: Record<string, number> = {};
    const errorCounts: Record<string, number> = {};
    let events = 0;
    const errors: Array<{ file: string; line?: number; offset?: number; reason: string }> = [];
    for (const s of summaries) {
      events += s.events;
      for (const [st, n] of Object.entries(s.sourcetypes)) sourcetypes[st] = (sourcetypes[st] ?? 0) + n;
      for (const [r, n] of Object.entries(s.problemCounts)) errorCounts[r] = (errorCounts[r] ?? 0) + n;
      for (const e of s.problems) errors.push({ file: e.file, ...(e.line !== undefined ? { line: e.line } : {}), ...(e.offset !== undefined ? { offset: e.offset } : {}), reason: e.reason });
    }
    const out: Record<string, unknown> = { events, sourcetypes, errors, errorCounts };
    if (p.flags.has("per-file")) out.files = summaries.map((s) => ({ file: s.file, format: s.format, bytes: s.bytes, events: s.events, sourcetypes: s.sourcetypes, errors: s.problemTotal }));
    process.stdout.write(JSON.stringify(out, null, 2) + "\n");
    return 0;
  },
};
