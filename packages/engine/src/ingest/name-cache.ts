/**
 * Canonical strings for the names parsers read out of event text (element names, attribute names,
 * `<Data Name='…'>` values). A name sliced from the text is a fresh string: every keyed access
 * with it (`fields[name]`) makes V8 hash it and look it up in its string table first. Returning
 * one internalized string per distinct name skips the slice and that lookup on every repeat.
 *
 * The cache is a fixed two-way table keyed by the name's length and first, middle and last
 * characters, verified in place with `startsWith`, so a hit costs no allocation and no hashing of
 * the whole name. Entries are internalized copies, so no cached name keeps a chunk of text alive.
 */
const SLOTS = 4096;
const MASK = SLOTS - 1;
const table: string[] = new Array<string>(SLOTS).fill("");

/** The canonical string equal to `text.slice(start, end)`. */
export function canonicalName(text: string, start: number, end: number): string {
  const len = end - start;
  if (len <= 0) return "";
  const h =
    (((text.charCodeAt(start) * 31 + text.charCodeAt(start + (len >> 1))) * 31 + text.charCodeAt(end - 1)) * 31 + len) & MASK;
  const a = table[h]!;
  if (a.length === len && text.startsWith(a, start)) return a;
  const h2 = h ^ 1;
  const b = table[h2]!;
  if (b.length === len && text.startsWith(b, start)) return b;
  const name = internalize(text.slice(start, end));
  // The newer name takes the first way; the one it displaces moves to the second.
  table[h2] = a;
  table[h] = name;
  return name;
}

/** The internalized copy of a string: property keys are internalized (array-index names aside). */
export function internalize(s: string): string {
  for (const k in { [s]: 0 }) return k;
  return s;
}
