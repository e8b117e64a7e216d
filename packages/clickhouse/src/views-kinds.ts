/**
 * The engine's event classification for the process views (`eventKinds`: process start / end,
 * network, library) as one SQL expression per segment. Sysmon and Security event codes decide
 * first (the text trimmed as JavaScript trims it; numbers by value), then ECS `event.category`,
 * with `event.type` telling a process start from its end; a multi-value column is decided by its
 * first value that classifies. The comparisons are exact: the words are ASCII without a `k`, so
 * `lowerUTF8` (which only changes letters whose UTF-8 length it keeps) agrees with JavaScript's
 * `toLowerCase`, and the whitespace class is JavaScript's `trim` set.
 */
import { logicalColumn } from "@quarry/engine";
import { ident, literal } from "./sql.ts";
import { inSegments, type ColRef, type ViewLayout } from "./views-columns.ts";

/** The kind numbers of `EventKind` in the engine (views/event-kind.ts). */
export const KIND = { Other: 0, ProcessStart: 1, ProcessEnd: 2, Network: 3, Library: 4 } as const;

/** JavaScript's `String.prototype.trim` whitespace, as an RE2 class. */
const WS = "[\\t\\n\\x0b\\f\\r\\p{Zs}\\x{feff}\\x{2028}\\x{2029}]";
const CODES: Array<[number, string[]]> = [
  [KIND.ProcessStart, ["1", "4688"]],
  [KIND.ProcessEnd, ["5", "4689"]],
  [KIND.Network, ["3"]],
  [KIND.Library, ["7"]],
];

/** Kind of an event-code text: plain codes compare directly, padded ones through the trim class. */
function codeOfText(x: string): string {
  const plain = CODES.map(([k, codes]) => `${x} IN (${codes.map((c) => literal(c)).join(", ")}), ${k}`).join(", ");
  const padded = CODES.map(([k, codes]) => `match(${x}, ${literal(`^${WS}*(?:${codes.join("|")})${WS}*$`)}), ${k}`).join(", ");
  return `multiIf(${plain}, NOT match(${x}, ${literal(WS)}), 0, ${padded}, 0)`;
}

/** Kind of an event-code number (the engine reads `String(n)`); a number column stored as text holds `String(n)`. */
function codeOfNumber(x: string, asText: boolean): string {
  const lit = (c: string) => (asText ? literal(c) : c);
  return `multiIf(${CODES.map(([k, codes]) => `${x} IN (${codes.map(lit).join(", ")}), ${k}`).join(", ")}, 0)`;
}

function categoryOfText(x: string): string {
  return `multiIf(lowerUTF8(${x}) = 'process', ${KIND.ProcessStart}, lowerUTF8(${x}) = 'network', ${KIND.Network}, lowerUTF8(${x}) = 'library', ${KIND.Library}, 0)`;
}

const START_TYPES = ["start", "creation", "process_start", "process_started"];
const END_TYPES = ["end", "termination", "terminate", "process_stop"];

function typeIs(words: string[]): (x: string) => string {
  return (x) => `if(lowerUTF8(${x}) IN (${words.map((w) => literal(w)).join(", ")}), 1, 0)`;
}

/** A per-value classifier lifted to a column: scalar as is, multi-value by the first value that classifies. */
function perValue(r: ColRef | undefined, text: (x: string) => string, num: ((x: string, asText: boolean) => string) | null): string {
  if (!r) return "0";
  const c = ident(r.col);
  if (r.kind === "multi") return `arrayFirst(k -> k != 0, arrayMap(x -> ${text("x")}, ${c}))`;
  if (r.kind === "num") {
    if (!num) return "0"; // String(n) is never a category or type word
    if (r.type === "Nullable(Float64)") return `if(isNull(${c}), 0, ${num(`assumeNotNull(${c})`, false)})`;
    if (r.type === "Nullable(String)") return `if(isNull(${c}), 0, ${num(`assumeNotNull(${c})`, true)})`;
    return `if(empty(${c}), 0, ${num(`${c}[1]`, true)})`;
  }
  if (r.type === "Array(String)") return `if(empty(${c}), 0, ${text(`${c}[1]`)})`;
  return `if(isNull(${c}), 0, ${text(`assumeNotNull(${c})`)})`;
}

/** The event kind of each row (UInt8), as `eventKinds` classifies it. */
export function eventKindSql(layout: ViewLayout): string {
  const groups = new Map<string, { expr: string; segments: number[] }>();
  for (const { seg, meta, id } of layout.segments()) {
    const code = layout.refOf(seg, meta, logicalColumn(seg, "eventCode"));
    const category = layout.refOf(seg, meta, logicalColumn(seg, "category"));
    const type = layout.refOf(seg, meta, logicalColumn(seg, "type"));
    if (!code && !category) continue; // every row is Other
    const key = JSON.stringify([code, category, type]);
    let g = groups.get(key);
    if (!g) {
      const k = perValue(code, codeOfText, codeOfNumber);
      const cat = perValue(category, categoryOfText, null);
      // ECS process events carry start and end under one category; the type tells them apart.
      const byType = type ? `multiIf(${perValue(type, typeIs(END_TYPES), null)} = 1, ${KIND.ProcessEnd}, ${perValue(type, typeIs(START_TYPES), null)} = 1, ${KIND.ProcessStart}, 0)` : `${KIND.ProcessStart}`;
      const expr = `toUInt8(multiIf(${k} != 0, ${k}, ${cat} = ${KIND.ProcessStart}, ${byType}, ${cat}))`;
      g = { expr, segments: [] };
      groups.set(key, g);
    }
    g.segments.push(id);
  }
  const parts = [...groups.values()];
  if (parts.length === 0) return "toUInt8(0)";
  return `multiIf(${parts.map((g) => `${inSegments(g.segments)}, ${g.expr}`).join(", ")}, toUInt8(0))`;
}
