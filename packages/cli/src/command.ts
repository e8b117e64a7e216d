/** A `quarry` sub-command. */
export interface Command {
  name: string;
  /** One line for `quarry --help`. */
  summary: string;
  /** Full usage text for `quarry NAME --help`. */
  usage: string;
  /** Runs the command; resolves to the process exit code. */
  run(args: string[]): Promise<number>;
}

/** Parsed command-line arguments: `--flag value`, `--flag=value`, boolean `--flag`, positionals. */
export interface ParsedArgs {
  flags: Map<string, string[]>;
  positionals: string[];
}

/**
 * Parses argv. `booleans` names flags that take no value. Repeated flags accumulate.
 * Throws on an unknown flag when `known` is given.
 */
export function parseArgs(args: string[], booleans: string[] = [], known?: string[]): ParsedArgs {
  const flags = new Map<string, string[]>();
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
      if (known && !known.includes(name) && !booleans.includes(name)) throw new UsageError(`unknown option --${name}`);
      let value: string;
      if (eq > 0) value = a.slice(eq + 1);
      else if (booleans.includes(name)) value = "true";
      else {
        if (i + 1 >= args.length) throw new UsageError(`--${name} needs a value`);
        value = args[++i]!;
      }
      const list = flags.get(name) ?? [];
      list.push(value);
      flags.set(name, list);
    } else positionals.push(a);
  }
  return { flags, positionals };
}

/** The last value of a flag, or undefined. */
export function flag(p: ParsedArgs, name: string): string | undefined {
  const v = p.flags.get(name);
  return v ? v[v.length - 1] : undefined;
}

/** A mistake in how the command was called; printed with the usage, exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
