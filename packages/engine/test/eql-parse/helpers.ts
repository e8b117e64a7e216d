/** Shared fixtures for the EQL front-end tests: the conformance suites and the rule corpus. */
import { readFileSync } from "node:fs";

function jsonl<T>(rel: string): T[] {
  return readFileSync(new URL(rel, import.meta.url), "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as T);
}

export interface ElasticCase {
  name: string;
  query: string;
  status: "supported" | "unsupported" | "failing";
}
export interface EndgameCase {
  name: string;
  query: string;
  case_modes: string[];
}
export interface ExpressionCase {
  expression: string;
  expected: unknown;
  case_modes: string[];
}
export interface Rule {
  id: string;
  name: string;
  path: string;
  query: string;
}

export const elasticCases = (): ElasticCase[] => jsonl("../../../../../shared/conformance/eql-elastic/queries.jsonl");
export const endgameCases = (): EndgameCase[] => jsonl("../../../../../shared/conformance/eql-endgame/queries.jsonl");
export const expressionCases = (): ExpressionCase[] => jsonl("../../../../../shared/conformance/eql-endgame/expressions.jsonl");
export const rules = (): Rule[] => jsonl("../../../../../shared/corpora/detection-rules-eql.jsonl");

/** A plan or expression without source spans, for comparing shapes across reparses. */
export function noSpans<T>(x: T): T {
  return JSON.parse(JSON.stringify(x, (k, v: unknown) => (k === "span" ? undefined : v))) as T;
}
