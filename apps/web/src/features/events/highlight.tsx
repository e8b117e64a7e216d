import type { ReactNode } from "react";

/**
 * The literal values a query searches for: quoted strings (EQL and SPL) and, in SPL, bare search
 * words and `field=value` values. Wildcards are dropped; only terms of 2+ characters count.
 */
export function searchTerms(lang: "eql" | "spl", query: string): string[] {
  const terms = new Set<string>();
  for (const m of query.matchAll(/"((?:[^"\\]|\\.)*)"/g)) terms.add(m[1]!.replace(/\\(.)/g, "$1"));
  if (lang === "spl") {
    const search = query.split("|")[0]!.replace(/"(?:[^"\\]|\\.)*"/g, " ");
    for (const w of search.split(/\s+/)) {
      if (!w || /^(AND|OR|NOT|index|sourcetype|source|host|earliest|latest)\b/i.test(w)) continue;
      const eq = w.indexOf("=");
      terms.add(eq >= 0 ? w.slice(eq + 1) : w);
    }
  }
  return [...terms].flatMap((t) => t.split("*")).map((t) => t.trim()).filter((t) => t.length >= 2);
}

/** Text with every occurrence of the terms wrapped in <mark>; everything stays text, never HTML. */
export function highlight(text: string, terms: string[]): ReactNode {
  if (terms.length === 0 || text.length === 0) return text;
  const re = new RegExp(terms.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "gi");
  const out: ReactNode[] = [];
  let last = 0;
  for (const m of text.matchAll(re)) {
    if (m[0].length === 0) continue;
    if (m.index! > last) out.push(text.slice(last, m.index));
    out.push(<mark key={m.index}>{m[0]}</mark>);
    last = m.index! + m[0].length;
  }
  if (out.length === 0) return text;
  out.push(text.slice(last));
  return out;
}
