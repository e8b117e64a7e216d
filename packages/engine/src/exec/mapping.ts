/**
 * `applyMapping`: applies an Elasticsearch index mapping (`{"properties": …}`, or a whole
 * `{"mappings": {"properties": …}}`) to a loaded dataset: field types (`ip`, `version`, `date`,
 * `date_nanos`, numbers, keyword family), `alias` fields, multi-fields (`name.keyword` reads
 * `name`), and keyword `null_value` (an explicit JSON null in the document is indexed as that
 * value, so the query language can match it). Comment lines starting with `#` and upstream's
 * `[runtime_random_keyword_type]` placeholder (a keyword-family type) are accepted.
 */
import type { Dataset } from "../store/dataset.ts";
import type { Column, FieldType, Segment } from "../store/types.ts";

/** What a mapping declared, for the caller to report. */
export interface MappingSummary {
  types: Record<string, FieldType>;
  /** Custom date formats (Java `DateTimeFormatter` patterns such as `dd-MM-yyyy`). */
  dateFormats: Record<string, string>;
  aliases: Record<string, string>;
  nullValues: Record<string, string>;
}

const NUMBER_TYPES = new Set(["long", "integer", "short", "byte", "double", "float", "half_float", "scaled_float", "unsigned_long"]);
const KEYWORD_TYPES = new Set(["keyword", "wildcard", "constant_keyword", "text", "match_only_text", "[runtime_random_keyword_type]"]);

function typeOf(esType: string): FieldType | null {
  if (NUMBER_TYPES.has(esType)) return "number";
  if (KEYWORD_TYPES.has(esType)) return "string";
  switch (esType) {
    case "ip":
      return "ip";
    case "version":
      return "version";
    case "date":
    case "date_nanos":
      return "date";
    case "boolean":
      return "boolean";
    default:
      return null;
  }
}

/** Parses mapping text (comments allowed) or takes an object; throws SyntaxError on bad JSON. */
export function parseMapping(mapping: string | object): Record<string, unknown> {
  if (typeof mapping !== "string") return mapping as Record<string, unknown>;
  const text = mapping
    .split("\n")
    .filter((l) => !l.trimStart().startsWith("#"))
    .join("\n");
  return JSON.parse(text) as Record<string, unknown>;
}

const DATE_FORMATS = new WeakMap<Segment, Map<string, string>>();

/** The custom date format a mapping gave `field` in this segment, if any. */
export function segmentDateFormat(seg: Segment, field: string): string | undefined {
  return DATE_FORMATS.get(seg)?.get(field);
}

/** Options of `applyMapping`. */
export interface ApplyMappingOptions {
  /** Apply only to the events of this index (their `_index`, or their file's base name). */
  index?: string;
  /** Apply only to these segments (by segment id), e.g. the segments one file produced. */
  segmentIds?: number[];
}

/** Applies a mapping to the segments of a dataset (call after loading). */
export function applyMapping(ds: Dataset, mapping: string | object, opts: ApplyMappingOptions = {}): MappingSummary {
  const root = parseMapping(mapping);
  const props = ((root.mappings as Record<string, unknown> | undefined)?.properties ?? root.properties) as Record<string, unknown> | undefined;
  const summary: MappingSummary = { types: {}, dateFormats: {}, aliases: {}, nullValues: {} };
  if (props && typeof props === "object") walk(props, "", summary);
  for (const [name, t] of Object.entries(summary.types)) ds.fieldTypes.set(name, t);
  for (const seg of ds.segments) {
    if (opts.index !== undefined && segmentIndex(seg) !== opts.index) continue;
    if (opts.segmentIds !== undefined && !opts.segmentIds.includes(seg.id)) continue;
    if (Object.keys(summary.dateFormats).length) {
      let m = DATE_FORMATS.get(seg);
      if (!m) DATE_FORMATS.set(seg, (m = new Map()));
      for (const [f, fmt] of Object.entries(summary.dateFormats)) m.set(f, fmt);
    }
    for (const [alias, target] of Object.entries(summary.aliases)) {
      // A real column of that name wins over the alias, as in Elasticsearch documents cannot hold an alias field.
      if (!seg.columns.has(alias)) (seg.aliases as Map<string, string>).set(alias, seg.aliases.get(target) ?? target);
    }
    for (const [field, value] of Object.entries(summary.nullValues)) applyNullValue(ds, seg, field, value);
  }
  return summary;
}

/** The index of a segment's events: an explicit `_index` column (first row) or the file's base name. */
export function segmentIndex(seg: Segment): string {
  const idx = seg.columns.get("_index");
  if (idx && idx.kind === "str" && seg.rowCount > 0 && idx.ids[0]) return idx.dict.values[idx.ids[0]]!;
  const src = seg.columns.get("source");
  const file = src && src.kind === "str" && seg.rowCount > 0 ? (src.dict.values[src.ids[0]!] ?? "") : "";
  const base = file.split(/[\\/]/).pop() ?? "";
  const dot = base.lastIndexOf(".");
  return dot > 0 ? base.slice(0, dot) : base;
}

/**
 * Parses text with a Java date pattern (yyyy, MM, dd, HH, mm, ss, SSS and literal characters) as
 * UTC; NaN when it does not fit.
 */
export function parseDatePattern(text: string, pattern: string): number {
  let re = "";
  const parts: string[] = [];
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i]!;
    let j = i;
    while (j < pattern.length && pattern[j] === c) j++;
    const run = pattern.slice(i, j);
    if (/[yMdHmsS]/.test(c)) {
      parts.push(c);
      re += c === "y" && run.length !== 2 ? "(\\d{4})" : c === "S" ? "(\\d{1,9})" : `(\\d{1,${Math.max(2, run.length)}})`;
    } else if (c === "'") {
      const end = pattern.indexOf("'", i + 1);
      const lit = end < 0 ? pattern.slice(i + 1) : pattern.slice(i + 1, end);
      re += lit.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      j = end < 0 ? pattern.length : end + 1;
    } else re += run.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    i = j;
  }
  const m = new RegExp(`^${re}$`).exec(text.trim());
  if (!m) return NaN;
  const f: Record<string, number> = { y: 1970, M: 1, d: 1, H: 0, m: 0, s: 0, S: 0 };
  parts.forEach((p, k) => {
    const v = m[k + 1]!;
    f[p] = p === "S" ? Number(("0." + v)) * 1000 : Number(v);
  });
  return Date.UTC(f.y!, f.M! - 1, f.d!, f.H!, f.m!, f.s!) + f.S!;
}

function walk(props: Record<string, unknown>, prefix: string, out: MappingSummary): void {
  for (const [key, def] of Object.entries(props)) {
    if (!def || typeof def !== "object") continue;
    const d = def as Record<string, unknown>;
    const name = prefix + key;
    if (d.properties && typeof d.properties === "object") walk(d.properties as Record<string, unknown>, name + ".", out);
    const esType = typeof d.type === "string" ? d.type : null;
    if (esType === "alias" && typeof d.path === "string") {
      out.aliases[name] = d.path;
      continue;
    }
    if (esType) {
      const t = typeOf(esType);
      if (t) out.types[name] = t;
      if (t === "date" && typeof d.format === "string" && /[yMdHms]/.test(d.format) && !/^(strict_)?date_optional_time|^epoch_/.test(d.format)) {
        out.dateFormats[name] = d.format.split("||")[0]!;
      }
    }
    if (d.null_value !== undefined && d.null_value !== null) out.nullValues[name] = String(d.null_value);
    if (d.fields && typeof d.fields === "object") {
      for (const sub of Object.keys(d.fields as object)) {
        const subName = `${name}.${sub === "[runtime_random_keyword_type]" ? "keyword" : sub}`;
        out.aliases[subName] = name;
      }
    }
  }
}

/** Rows whose JSON document holds an explicit null at `field` get `value` in that column. */
function applyNullValue(ds: Dataset, seg: Segment, field: string, value: string): void {
  const rows: number[] = [];
  const path = field.split(".");
  for (let r = 0; r < seg.rowCount; r++) {
    const raw = seg.raw[r]!;
    if (!raw.includes("null")) continue;
    let doc: unknown;
    try {
      doc = JSON.parse(raw);
    } catch {
      continue;
    }
    if (hasExplicitNull(doc, path, field)) rows.push(r);
  }
  if (rows.length === 0) return;
  const dict = ds.dict(field);
  const id = dict.intern(value);
  const existing = seg.columns.get(field);
  let col: Column;
  if (!existing) {
    const ids = new Uint32Array(seg.rowCount);
    for (const r of rows) ids[r] = id;
    col = { kind: "str", ids, dict };
  } else if (existing.kind === "str") {
    const ids = Uint32Array.from(existing.ids);
    for (const r of rows) if (ids[r] === 0) ids[r] = id;
    col = { kind: "str", ids, dict: existing.dict };
    if (existing.dict !== dict) return;
  } else return;
  seg.columns.set(field, col);
}

function hasExplicitNull(doc: unknown, path: string[], dotted: string): boolean {
  if (!doc || typeof doc !== "object") return false;
  const o = doc as Record<string, unknown>;
  if (dotted in o) return o[dotted] === null;
  let cur: unknown = o;
  for (const p of path) {
    if (!cur || typeof cur !== "object" || !(p in (cur as object))) return false;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur === null;
}
