import { runSpl, parseSpl, type SplResult } from "../../src/index.ts";
import { strftime } from "../../src/lang/spl/time.ts";
import { scan, text, type Generated } from "./generated.ts";

export { runSpl, parseSpl };
export type { SplResult };

/** The expected %c text of the earliest C = US stream:tcp flow from `src` to `dest`, computed from the store. */
export function strftimeForTest(res: SplResult, g: Generated, dest: string, src: string): string {
  let min = Infinity;
  scan(g.ds, (get, _raw, t, st) => {
    if (st === "stream:tcp" && text(get("ssl_issuer")) === "C = US" && text(get("src_ip")) === src && text(get("dest_ip")) === dest) min = Math.min(min, t);
  });
  return strftime(min, "%c", res.tz);
}
