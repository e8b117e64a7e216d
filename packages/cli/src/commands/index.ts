import type { Command } from "../command.ts";
import { eqlCommand } from "./eql.ts";
import { generateCommand } from "./generate.ts";
import { ingestCommand } from "./ingest.ts";
import { loadCommand } from "./load.ts";
import { serveCommand } from "./serve.ts";
import { splCommand } from "./spl.ts";

/** Every sub-command, in the order `quarry --help` lists them. Add new commands here. */
export const COMMANDS: Command[] = [ingestCommand, serveCommand, generateCommand, eqlCommand, splCommand, loadCommand];
