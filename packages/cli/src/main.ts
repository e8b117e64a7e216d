import { UsageError } from "./command.ts";
import { COMMANDS } from "./commands/index.ts";

const HELP = () => `quarry — SOC log investigation engine (EQL and SPL over local log files)

Usage: quarry <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`).join("\n")}

Run "quarry <command> --help" for a command's options.
`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(HELP());
    return 0;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    process.stderr.write(`quarry: unknown command "${name}"\n\n${HELP()}`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(cmd.usage + "\n");
    return 0;
  }
  try {
    return await cmd.run(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`quarry ${cmd.name}: ${e.message}\n\n${cmd.usage}\n`);
      return 2;
    }
    process.stderr.write(`quarry ${cmd.name}: ${(e as Error).message}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`quarry: ${(e as Error).stack ?? e}\n`);
    process.exitCode = 1;
  },
);
