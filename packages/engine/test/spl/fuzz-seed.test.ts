import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { QueryError, runSpl } from "../../src/index.ts";
import { generated, type Generated } from "./generated.ts";
import { SEED_001 } from "./seed-001-queries.ts";

/**
 * Recombined seed pipelines on generated data: any mix of the seed's stages either runs or fails
 * with a QueryError / SplExecError; nothing else escapes (no TypeError, no hang).
 */

let g: Generated;
beforeAll(() => {
  g = generated();
}, 120_000);

const stages = Object.values(SEED_001).flatMap((q) =>
  q
    .split(/\n\|/)
    .slice(1)
    .map((s) => s.trim()),
);
const heads = Object.values(SEED_001).map((q) => q.split(/\n\|/)[0]!.trim());

describe("recombined seed pipelines", () => {
  it("run or fail cleanly", () => {
    fc.assert(
      fc.property(fc.constantFrom(...heads), fc.array(fc.constantFrom(...stages), { maxLength: 4 }), (head, rest) => {
        const q = [head, ...rest].join("\n| ");
        try {
          runSpl(g.ds, q, { tz: "America/Los_Angeles" });
        } catch (e) {
          expect(e instanceof QueryError || (e instanceof Error && e.name === "SplExecError")).toBe(true);
        }
      }),
      { numRuns: 60 },
    );
  }, 300_000);
});
