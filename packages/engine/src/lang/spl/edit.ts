import type { Span } from "../errors.ts";
import { parseSpl } from "./parse.ts";
import { blankComments, splitPipeline } from "./pipeline.ts";

/** A pipeline as written: stages keep their original text (comments included) and spans. */
export interface SplPipelineNode {
  kind: "pipeline";
  stages: SplStageNode[];
}

/** One stage; `text` is printed back verbatim unless an edit replaced it. */
export interface SplStageNode {
  kind: "stage";
  /** Command name (`search` for the leading search terms). */
  command: string;
  text: string;
  span: Span | null;
}

/** A search-language filter an edit adds: `field=value` / `field!=value`. */
export interface SplFilterNode {
  kind: "filter";
  field: string;
  value: string | number;
  negate: boolean;
}

/** Parses a query into its stage list (validating it with the full parser first). */
export function parseSplPipeline(query: string): SplPipelineNode {
  const parsed = parseSpl(query);
  const spans = splitPipeline(blankComments(query), 0, query.length);
  const stages: SplStageNode[] = spans.map((s, i) => ({
    kind: "stage",
    command: i === 0 && !s.piped ? "search" : (parsed.stages.find((p) => p.span.start === s.span.start)?.command ?? ""),
    text: query.slice(s.span.start, s.span.end),
    span: s.span,
  }));
  return { kind: "pipeline", stages };
}

const SIMPLE_FIELD = /^[A-Za-z_][\w.{}@-]*$/;

/** Prints a filter in the search language (quoted value, escaped) or, when search cannot say it exactly, as `where`. */
export function printFilter(f: SplFilterNode): { command: "search" | "where"; text: string } {
  const v = typeof f.value === "number" ? String(f.value) : f.value;
  // `*` is always a wildcard in search and odd field names need quoting: use where for those.
  if (SIMPLE_FIELD.test(f.field) && !v.includes("*")) {
    const quoted = typeof f.value === "number" ? v : `"${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
    return { command: "search", text: `${f.field}${f.negate ? "!=" : "="}${quoted}` };
  }
  const field = `'${f.field.replace(/'/g, "")}'`;
  const lit = typeof f.value === "number" ? v : `"${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
  return { command: "where", text: `${field}${f.negate ? "!=" : "="}${lit}` };
}

/**
 * Adds a filter. When the pipeline is only a search (or only pipes that keep events as they are),
 * the term joins the leading search; after a transforming command it becomes a `| search` (or
 * `| where`) stage at the end, filtering the result rows the user clicked on.
 */
export function appendSplFilter(ast: SplPipelineNode, filter: SplFilterNode): SplPipelineNode {
  const printed = printFilter(filter);
  const onlySearch = ast.stages.length === 1 && ast.stages[0]!.command === "search" && ast.stages[0]!.span !== null;
  if (onlySearch && printed.command === "search") {
    const first = ast.stages[0]!;
    const body = first.text.trimEnd();
    const trailing = first.text.slice(body.length);
    const text = body.trim() === "" || body.trim() === "*" ? ` ${printed.text}` : `${body} ${printed.text}`;
    return { kind: "pipeline", stages: [{ ...first, text: text + trailing }] };
  }
  const stage: SplStageNode = { kind: "stage", command: printed.command, text: ` ${printed.command} ${printed.text}`, span: null };
  const stages = ast.stages.map((s, i) => (i === ast.stages.length - 1 ? { ...s, text: s.text.trimEnd() + " " } : s));
  return { kind: "pipeline", stages: [...stages, stage] };
}

/** Prints a pipeline back to query text. */
export function printSplPipeline(ast: SplPipelineNode): string {
  return ast.stages.map((s) => s.text).join("|");
}

/** Convenience: the query with `field=value` (or `!=`) added, through the stage AST. */
export function splWithFilter(query: string, field: string, value: string | number, negate = false): string {
  const ast = parseSplPipeline(query.trim() === "" ? "*" : query);
  return printSplPipeline(appendSplFilter(ast, { kind: "filter", field, value, negate }));
}
