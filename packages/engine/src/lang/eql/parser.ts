/**
 * Hand-written recursive-descent EQL parser with Elastic's precedence:
 * `or` < `and` < `not` < comparisons and predicates (`==`, `:`, `in`, `like`, `regex`) < `+ -` <
 * `* / %` < unary minus < primaries. It accepts the Endgame extras too (`=`, `join`, lineage,
 * single-quoted and `?"…"` strings, `x:f()` method calls); dialect rules are applied when lowering.
 *
 * Text that runs out mid-query yields `incomplete: true` and `missing` nodes instead of an error;
 * anything else wrong throws a positioned QueryError naming what was expected. Nesting is bounded.
 */
import { QueryError, type Span } from "../errors.ts";
import type {
  CallNode,
  CategoryNode,
  CompareOpText,
  DurationNode,
  EventQueryNode,
  ExprNode,
  FieldNode,
  JoinNode,
  MissingNode,
  PipeNode,
  QueryBody,
  QueryNode,
  SampleNode,
  SequenceNode,
  StageNode,
} from "./ast.ts";
import { lexEql, type Token } from "./lexer.ts";
import { markOriginal } from "./origin.ts";

/** Deepest nesting of parentheses, `not`, calls and lineage before the parser gives up. */
export const MAX_DEPTH = 200;

const COMPARE_OPS = new Set(["==", "=", "!=", "<", "<=", ">", ">="]);
/** Words that end an expression or start a clause; never field names when bare. */
const RESERVED = new Set(["and", "or", "not", "in", "like", "regex", "where", "by", "with", "until", "of", "sequence", "sample", "join"]);
const QUERY_WORDS = new Set(["sequence", "sample", "join"]);
const TIME_UNITS = new Set(["ms", "s", "m", "h", "d", "sec", "secs", "second", "seconds", "min", "mins", "minute", "minutes", "hour", "hours", "day", "days"]);
const EXPR_START = ["field", "string", "number", "true", "false", "null", "function", "(", "not", "-"];

class Parser {
  private pos = 0;
  private depth = 0;
  incomplete = false;

  constructor(
    private readonly tokens: Token[],
    private readonly source: string,
  ) {}

  private peek(k = 0): Token {
    return this.tokens[Math.min(this.pos + k, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== "eof") this.pos++;
    return t;
  }

  private atEof(): boolean {
    return this.peek().kind === "eof";
  }

  private isOp(v: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === "op" && t.value === v;
  }

  private isWord(v: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === "ident" && t.value === v;
  }

  private node<T extends object>(n: T): T {
    return markOriginal(n, this.source);
  }

  private describe(t: Token): string {
    if (t.kind === "eof") return "end of query";
    if (t.kind === "string") return `string ${t.text.length > 30 ? t.text.slice(0, 30) + "…" : t.text}`;
    return `'${t.text.length > 30 ? t.text.slice(0, 30) + "…" : t.text}'`;
  }

  private fail(expected: string[], t: Token = this.peek()): never {
    const what = expected.length === 1 ? expected[0] : `one of ${expected.join(", ")}`;
    throw new QueryError(`expected ${what}, found ${this.describe(t)}`, { start: t.start, end: Math.max(t.end, t.start + 1) }, expected);
  }

  /** Consume an operator; at end of text, note the query as incomplete instead of failing. */
  private expectOp(v: string, expected: string[] = [v]): Token | null {
    if (this.isOp(v)) return this.next();
    if (this.atEof()) {
      this.incomplete = true;
      return null;
    }
    return this.fail(expected);
  }

  private expectWord(v: string): Token | null {
    if (this.isWord(v)) return this.next();
    if (this.atEof()) {
      this.incomplete = true;
      return null;
    }
    return this.fail([v]);
  }

  private enter(t: Token): void {
    if (++this.depth > MAX_DEPTH) {
      throw new QueryError(`query nested too deeply (more than ${MAX_DEPTH} levels)`, { start: t.start, end: t.end }, []);
    }
  }

  private leave(): void {
    this.depth--;
  }

  private missing(expected: string[]): MissingNode {
    this.incomplete = true;
    const at = this.peek().start;
    return this.node({ kind: "missing", expected, span: { start: at, end: at } });
  }

  private spanFrom(start: number): Span {
    const prev = this.tokens[this.pos - 1];
    return { start, end: prev && prev.end > start ? prev.end : start };
  }

  // -------------------------------------------------------------------------------------------
  // Queries
  // -------------------------------------------------------------------------------------------

  parseQuery(comments: QueryNode["comments"]): QueryNode {
    const body = this.parseBody();
    const pipes: PipeNode[] = [];
    while (this.isOp("|")) pipes.push(this.parsePipe());
    if (!this.atEof()) {
      const expected = body.kind === "eventQuery" || pipes.length > 0 ? ["and", "or", "|", "end of query"] : ["[", "until", "|", "end of query"];
      this.fail(expected);
    }
    return this.node({ kind: "query", body, pipes, comments, source: this.source, incomplete: this.incomplete, span: { start: 0, end: this.source.length } });
  }

  private parseBody(): QueryBody {
    const t = this.peek();
    if (t.kind === "ident" && !this.isWord("where", 1)) {
      if (t.value === "sequence") return this.parseSequence();
      if (t.value === "sample") return this.parseSample();
      if (t.value === "join") return this.parseJoin();
    }
    return this.parseEventQuery();
  }

  private parseCategory(): CategoryNode {
    const t = this.peek();
    // `sample where …` is an event query on the category "sample", so only operator words are refused.
    if (t.kind === "ident" && (!RESERVED.has(t.value) || QUERY_WORDS.has(t.value))) {
      this.next();
      return this.node({ kind: "category", name: t.value, style: "ident", span: { start: t.start, end: t.end } });
    }
    if (t.kind === "quotedIdent" || t.kind === "string") {
      this.next();
      return this.node({ kind: "category", name: t.value, style: t.kind === "string" ? "string" : "backtick", span: { start: t.start, end: t.end } });
    }
    if (t.kind === "eof") {
      this.incomplete = true;
      return this.node({ kind: "category", name: "", style: "ident", span: { start: t.start, end: t.start } });
    }
    return this.fail(["event category", "any", "sequence", "sample"]);
  }

  private parseEventQuery(): EventQueryNode {
    const start = this.peek().start;
    const category = this.parseCategory();
    let where: ExprNode;
    if (this.expectWord("where")) where = this.parseExpr();
    else where = this.missing(["where"]);
    return this.node({ kind: "eventQuery", category, where, span: this.spanFrom(start) });
  }

  private parseByList(): ExprNode[] {
    const keys: ExprNode[] = [this.parseExpr()];
    while (this.isOp(",")) {
      this.next();
      keys.push(this.parseExpr());
    }
    return keys;
  }

  private parseDuration(): DurationNode {
    const t = this.peek();
    if (t.kind !== "number") {
      if (t.kind === "eof") {
        this.incomplete = true;
        return this.node({ kind: "duration", value: 0, unit: null, span: { start: t.start, end: t.start } });
      }
      return this.fail(["time span such as 5s"]);
    }
    this.next();
    let unit: string | null = null;
    const u = this.peek();
    if (u.kind === "ident" && (!u.spaced || TIME_UNITS.has(u.value))) {
      if (!TIME_UNITS.has(u.value)) {
        throw new QueryError(`unknown time unit '${u.value}'`, { start: u.start, end: u.end }, ["ms", "s", "m", "h", "d"]);
      }
      this.next();
      unit = u.value;
    }
    return this.node({ kind: "duration", value: Number(t.value), unit, span: this.spanFrom(t.start) });
  }

  /** `sequence [by k…] [with maxspan=5s] [stages…] [until [q]]` (header clauses in either order). */
  private parseSequence(): SequenceNode {
    const start = this.next().start;
    let by: ExprNode[] = [];
    let maxspan: DurationNode | null = null;
    for (let k = 0; k < 2; k++) {
      if (this.isWord("by") && by.length === 0) {
        this.next();
        by = this.parseByList();
      } else if (this.isWord("with") && maxspan === null) {
        this.next();
        this.expectWord("maxspan");
        this.expectOp("=");
        maxspan = this.parseDuration();
      }
    }
    const stages = this.parseStages(true);
    let until: StageNode | null = null;
    if (this.isWord("until")) {
      this.next();
      until = this.parseStage(false, "until");
    }
    return this.node({ kind: "sequence", by, maxspan, stages, until, span: this.spanFrom(start) });
  }

  private parseSample(): SampleNode {
    const start = this.next().start;
    let by: ExprNode[] = [];
    if (this.isWord("by")) {
      this.next();
      by = this.parseByList();
    }
    const stages = this.parseStages(false);
    return this.node({ kind: "sample", by, stages, span: this.spanFrom(start) });
  }

  private parseJoin(): JoinNode {
    const start = this.next().start;
    let by: ExprNode[] = [];
    if (this.isWord("by")) {
      this.next();
      by = this.parseByList();
    }
    const stages = this.parseStages(false);
    let until: StageNode | null = null;
    if (this.isWord("until")) {
      this.next();
      until = this.parseStage(false, "until");
    }
    return this.node({ kind: "join", by, stages, until, span: this.spanFrom(start) });
  }

  private parseStages(allowMissing: boolean): StageNode[] {
    const stages: StageNode[] = [];
    while (this.isOp("[") || this.isOp("![") || (this.isOp("!") && this.isOp("[", 1))) {
      stages.push(this.parseStage(allowMissing));
    }
    if (stages.length === 0) {
      if (this.atEof()) this.incomplete = true;
      else this.fail(allowMissing ? ["[", "![", "by", "with"] : ["[", "by"]);
    }
    return stages;
  }

  private parseStage(allowMissing: boolean, role = "stage"): StageNode {
    const open = this.peek();
    let missing = false;
    if (this.isOp("![") || this.isOp("!")) {
      if (!allowMissing) {
        const where = role === "until" ? "an until clause" : "a sample or join";
        throw new QueryError(`missing events (![…]) are not allowed in ${where}`, { start: open.start, end: open.end }, ["["]);
      }
      missing = true;
      this.next();
      if (open.value === "!") this.next();
    } else if (!this.expectOp("[")) {
      return this.node({ kind: "stage", query: this.parseEventQuery(), by: [], missing, runs: null, fork: null, span: { start: open.start, end: open.start } });
    }
    const query = this.parseEventQuery();
    this.expectOp("]", ["]", "and", "or"]);
    let by: ExprNode[] = [];
    let runs: number | null = null;
    let fork: boolean | null = null;
    for (;;) {
      if (this.isWord("by") && by.length === 0) {
        this.next();
        by = this.parseByList();
      } else if (this.isWord("with") && this.isWord("runs", 1) && runs === null) {
        this.next();
        this.next();
        this.expectOp("=");
        const t = this.peek();
        if (t.kind === "number") {
          this.next();
          runs = Number(t.value);
          if (!Number.isInteger(runs) || runs < 1 || runs > 100) {
            throw new QueryError("runs must be an integer between 1 and 100", { start: t.start, end: t.end }, ["integer"]);
          }
        } else if (t.kind === "eof") this.incomplete = true;
        else this.fail(["number of runs"]);
      } else if (this.isWord("fork") && fork === null) {
        this.next();
        fork = true;
        if (this.isOp("=")) {
          this.next();
          const t = this.peek();
          if (t.kind === "ident" && (t.value === "true" || t.value === "false")) {
            this.next();
            fork = t.value === "true";
          } else if (t.kind === "number" && (t.value === "1" || t.value === "0")) {
            this.next();
            fork = t.value === "1";
          } else if (t.kind === "eof") this.incomplete = true;
          else this.fail(["true", "false"]);
        }
      } else break;
    }
    return this.node({ kind: "stage", query, by, missing, runs, fork, span: this.spanFrom(open.start) });
  }

  private parsePipe(): PipeNode {
    const bar = this.next();
    const t = this.peek();
    if (t.kind !== "ident") {
      if (t.kind === "eof") {
        this.incomplete = true;
        return this.node({ kind: "pipe", name: "", nameSpan: { start: t.start, end: t.start }, args: [], span: { start: bar.start, end: bar.end } });
      }
      return this.fail(["pipe name (head, tail, count, unique, unique_count, filter, sort)"]);
    }
    this.next();
    const args: ExprNode[] = [];
    if (t.value === "filter") args.push(this.parseExpr());
    else {
      while (!this.atEof() && !this.isOp("|")) {
        args.push(this.parseExpr());
        if (this.isOp(",")) this.next();
      }
    }
    return this.node({ kind: "pipe", name: t.value, nameSpan: { start: t.start, end: t.end }, args, span: this.spanFrom(bar.start) });
  }

  // -------------------------------------------------------------------------------------------
  // Expressions
  // -------------------------------------------------------------------------------------------

  parseExpr(): ExprNode {
    return this.parseLogical("or");
  }

  /** An expression that must use up the whole text. */
  parseWholeExpr(): ExprNode {
    const expr = this.parseExpr();
    if (!this.atEof()) this.fail(["and", "or", "end of expression"]);
    return expr;
  }

  private parseLogical(op: "and" | "or"): ExprNode {
    const start = this.peek().start;
    const sub = (): ExprNode => (op === "or" ? this.parseLogical("and") : this.parseNot());
    const first = sub();
    if (!this.isWord(op)) return first;
    const args = [first];
    while (this.isWord(op)) {
      this.next();
      args.push(sub());
    }
    return this.node({ kind: "logical", op, args, span: this.spanFrom(start) });
  }

  private parseNot(): ExprNode {
    if (this.isWord("not") && !this.isWord("in", 1)) {
      const t = this.next();
      this.enter(t);
      const arg = this.parseNot();
      this.leave();
      return this.node({ kind: "not", arg, span: this.spanFrom(t.start) });
    }
    return this.parsePredicate();
  }

  private parsePredicate(): ExprNode {
    const start = this.peek().start;
    const left = this.parseAdditive();
    const t = this.peek();
    if (t.kind === "op" && COMPARE_OPS.has(t.value)) {
      this.next();
      const right = this.parseAdditive();
      const after = this.peek();
      if (after.kind === "op" && COMPARE_OPS.has(after.value)) {
        throw new QueryError("comparisons cannot be chained; combine them with and/or", { start: after.start, end: after.end }, ["and", "or"]);
      }
      return this.node({ kind: "compare", op: t.value as CompareOpText, left, right, span: this.spanFrom(start) });
    }
    if (this.isWord("in") || (this.isWord("not") && this.isWord("in", 1))) {
      const negated = this.isWord("not");
      if (negated) this.next();
      this.next();
      const insensitive = this.tilde();
      const values = this.parseList(true);
      return this.node({ kind: "in", target: left, values, negated, insensitive, span: this.spanFrom(start) });
    }
    if (this.isOp(":") || this.isWord("like") || this.isWord("regex")) {
      const op = this.next().value as ":" | "like" | "regex";
      const insensitive = op !== ":" && this.tilde();
      const list = this.isOp("(");
      const patterns = list ? this.parseList(false) : [this.parseAdditive()];
      return this.node({ kind: "match", op, insensitive, target: left, patterns, list, span: this.spanFrom(start) });
    }
    return left;
  }

  /** An adjacent `~` after `in`, `like`, `regex` or a function name. */
  private tilde(): boolean {
    const t = this.peek();
    if (t.kind === "op" && t.value === "~" && !t.spaced) {
      this.next();
      return true;
    }
    return false;
  }

  private parseList(required: boolean): ExprNode[] {
    const open = this.peek();
    if (!this.expectOp("(")) return [this.missing(["("])];
    if (!required && this.isOp(")")) {
      throw new QueryError("empty pattern list", { start: open.start, end: this.peek().end }, ["string"]);
    }
    this.enter(open);
    const items: ExprNode[] = [];
    if (this.isOp(")")) throw new QueryError("empty list", { start: open.start, end: this.peek().end }, ["value"]);
    items.push(this.parseExpr());
    while (this.isOp(",")) {
      this.next();
      items.push(this.parseExpr());
    }
    this.expectOp(")", [")", ","]);
    this.leave();
    return items;
  }

  private parseAdditive(): ExprNode {
    const start = this.peek().start;
    let left = this.parseMultiplicative();
    let chain = 0;
    while (this.isOp("+") || this.isOp("-")) {
      // Each operator deepens the (left-nested) tree, so it counts toward the nesting bound.
      this.enter(this.peek());
      chain++;
      const op = this.next().value as "+" | "-";
      const right = this.parseMultiplicative();
      left = this.node({ kind: "arith", op, left, right, span: this.spanFrom(start) });
    }
    this.depth -= chain;
    return left;
  }

  private parseMultiplicative(): ExprNode {
    const start = this.peek().start;
    let left = this.parseUnary();
    let chain = 0;
    while (this.isOp("*") || this.isOp("/") || this.isOp("%")) {
      this.enter(this.peek());
      chain++;
      const op = this.next().value as "*" | "/" | "%";
      const right = this.parseUnary();
      left = this.node({ kind: "arith", op, left, right, span: this.spanFrom(start) });
    }
    this.depth -= chain;
    return left;
  }

  private parseUnary(): ExprNode {
    if (this.isOp("-") || this.isOp("+")) {
      const t = this.next();
      this.enter(t);
      const arg = this.parseUnary();
      this.leave();
      if (t.value === "+") return arg;
      return this.node({ kind: "neg", arg, span: this.spanFrom(t.start) });
    }
    return this.parsePostfix();
  }

  /** Endgame's method syntax: `value:name(args)` is `name(value, args)`. */
  private parsePostfix(): ExprNode {
    const start = this.peek().start;
    let expr = this.parsePrimary();
    let chain = 0;
    while (this.isOp(":") && this.peek(1).kind === "ident" && this.isOp("(", 2) && !RESERVED.has(this.peek(1).value)) {
      this.next();
      const name = this.next();
      this.enter(name);
      chain++;
      const args = this.parseArgs();
      expr = this.node({ kind: "call", name: name.value, nameSpan: { start: name.start, end: name.end }, insensitive: false, args: [expr, ...args], method: true, span: this.spanFrom(start) } satisfies CallNode);
    }
    this.depth -= chain;
    return expr;
  }

  private parseArgs(): ExprNode[] {
    this.expectOp("(");
    const args: ExprNode[] = [];
    if (this.isOp(")")) {
      this.next();
      return args;
    }
    if (this.atEof()) {
      this.incomplete = true;
      return [this.missing(EXPR_START)];
    }
    args.push(this.parseExpr());
    while (this.isOp(",")) {
      this.next();
      args.push(this.parseExpr());
    }
    this.expectOp(")", [")", ","]);
    return args;
  }

  private parsePrimary(): ExprNode {
    const t = this.peek();
    switch (t.kind) {
      case "eof":
        return this.missing(EXPR_START);
      case "number": {
        this.next();
        const value = Number(t.value);
        if (!Number.isFinite(value)) throw new QueryError(`number out of range: ${t.text}`, { start: t.start, end: t.end }, []);
        return this.node({ kind: "number", value, text: t.text, span: { start: t.start, end: t.end } });
      }
      case "string":
        this.next();
        return this.node({ kind: "string", value: t.value, style: t.style ?? "double", span: { start: t.start, end: t.end } });
      case "quotedIdent":
        this.next();
        return this.fieldRest(t.value, false, true, t.start);
      case "op":
        if (t.value === "(") {
          this.next();
          this.enter(t);
          const expr = this.parseExpr();
          this.expectOp(")", [")", "and", "or"]);
          this.leave();
          return this.node({ kind: "paren", expr, span: this.spanFrom(t.start) });
        }
        if (t.value === "?") {
          const f = this.peek(1);
          if (!f.spaced && (f.kind === "ident" || f.kind === "quotedIdent")) {
            this.next();
            this.next();
            return this.fieldRest(f.value, true, f.kind === "quotedIdent", t.start);
          }
          if (f.kind === "eof") {
            this.next();
            return this.missing(["field"]);
          }
        }
        return this.fail(EXPR_START);
      case "ident": {
        const v = t.value;
        if (v === "true" || v === "false") {
          this.next();
          return this.node({ kind: "boolean", value: v === "true", span: { start: t.start, end: t.end } });
        }
        if (v === "null") {
          this.next();
          return this.node({ kind: "null", span: { start: t.start, end: t.end } });
        }
        if ((v === "descendant" || v === "child" || v === "event") && this.isWord("of", 1)) {
          this.next();
          this.next();
          this.enter(t);
          if (!this.expectOp("[")) {
            this.leave();
            return this.missing(["["]);
          }
          const query = this.parseEventQuery();
          this.expectOp("]", ["]", "and", "or"]);
          this.leave();
          return this.node({ kind: "lineage", relation: v, query, span: this.spanFrom(t.start) });
        }
        if (RESERVED.has(v)) return this.fail(EXPR_START);
        if (this.isOp("(", 1) || (this.isOp("~", 1) && !this.peek(1).spaced && this.isOp("(", 2))) {
          this.next();
          const insensitive = this.tilde();
          this.enter(t);
          const args = this.parseArgs();
          this.leave();
          return this.node({ kind: "call", name: v, nameSpan: { start: t.start, end: t.end }, insensitive, args, method: false, span: this.spanFrom(t.start) });
        }
        this.next();
        return this.fieldRest(v, false, false, t.start);
      }
    }
  }

  /** After a field name: an adjacent `[N]` index and `.sub` path (`list[1]`, `events[1].pid`). */
  private fieldRest(name: string, optional: boolean, quoted: boolean, start: number): FieldNode {
    let index: number | null = null;
    let subfield: string | null = null;
    const open = this.peek();
    if (open.kind === "op" && open.value === "[" && !open.spaced && this.peek(1).kind === "number" && this.isOp("]", 2)) {
      const num = this.peek(1);
      if (!/^\d+$/.test(num.value)) throw new QueryError("array index must be a non-negative integer", { start: num.start, end: num.end }, ["integer"]);
      this.next();
      this.next();
      this.next();
      index = Number(num.value);
      const dot = this.peek();
      if (dot.kind === "op" && dot.value === "." && !dot.spaced && this.peek(1).kind === "ident" && !this.peek(1).spaced) {
        this.next();
        subfield = this.next().value;
      }
    }
    return this.node({ kind: "field", name, optional, quoted, index, subfield, span: this.spanFrom(start) });
  }
}

/** Parse an EQL query; half-typed text yields `incomplete: true`, anything else wrong throws a QueryError. */
export function parseEql(text: string): QueryNode {
  const { tokens, comments } = lexEql(text);
  for (const c of comments) markOriginal(c, text);
  const parser = new Parser(tokens, text);
  return parser.parseQuery(comments);
}

/** Parse a lone EQL expression (the Endgame folding tests, editor snippets); throws QueryError. */
export function parseEqlExpression(text: string): ExprNode {
  const { tokens } = lexEql(text);
  return new Parser(tokens, text).parseWholeExpr();
}
