import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SPL_COMMANDS, SPL_FUNCTIONS, parseSpl } from "../../src/index.ts";

/** The README and the command metadata stay in step with the registry. */
describe("SPL documentation", () => {
  const readme = readFileSync(new URL("../../src/lang/spl/README.md", import.meta.url), "utf8");
  it("the README lists every command and every function", () => {
    for (const c of SPL_COMMANDS) expect(readme).toContain(c.name);
    for (const f of Object.keys(SPL_FUNCTIONS)) if (f !== ".") expect(readme).toContain(f);
  });
  it("every command's examples parse", () => {
    for (const c of SPL_COMMANDS) {
      expect(c.description.length).toBeGreaterThan(10);
      for (const ex of c.examples) {
        const q = c.generating ? ex : ex.startsWith("search") ? ex : `* | ${ex}`;
        expect(() => parseSpl(q), `${c.name}: ${q}`).not.toThrow();
      }
    }
  });
});
