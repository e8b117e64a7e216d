/**
 * EQL AST → the shared QueryPlan. Dialect rules live here, not in the parser:
 * - `elastic` (default): `==`/`!=`/`in`/`like`/`regex` and functions are case-sensitive; `:`, `in~`,
 *   `like~`, `regex~` and `fn~()` are not; `:` with `*`/`?` is a wildcard match.
 * - `endgame` (Python EQL): case-insensitive everywhere unless `caseSensitive`; `==`/`=`/`!=` against a
 *   string with `*` is a wildcard match; a maxspan without unit is seconds.
 * Both accept the union of the syntax (Endgame pipes, `join`, lineage, `=`) so pasted queries run.
 * Wildcard patterns are handed to the plan with `\` escaped, since EQL treats a backslash in a
 * pattern as a literal character (Windows paths) and the plan's wildcard reads `\` as an escape.
 */
import { QueryError, type Span } from "../errors.ts";
import { assertNever, type Expr, type Pipe, type QueryPlan, type SampleStage, type SequenceStage, type Source } from "../plan.ts";
import type { CallNode, DurationNode, EventQueryNode, ExprNode, FieldNode, PipeNode, QueryNode, StageNode } from "./ast.ts";
import { eqlFunction, eqlFunctionNames } from "./functions.ts";
import { firstMissing } from "./walk.ts";

export interface LowerOptions {
  dialect?: "elastic" | "endgame";
  /** Endgame only: compare strings case-sensitively (Python EQL's switch). */
  caseSensitive?: boolean;
  /** The field holding the event category (`process where` tests it); default `event.category`. */
  eventCategoryField?: string;
}

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  sec: 1000,
  secs: 1000,
  second: 1000,
  seconds: 1000,
  m: 60_000,
  min: 60_000,
  mins: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
};

const PIPES = ["head", "tail", "count", "unique", "unique_count", "filter", "sort"];

class Lowerer {
  private readonly endgame: boolean;
  /** Default case-insensitivity of `==`, `in` and functions. */
  private readonly ci: boolean;
  private readonly categoryField: string;
  private readonly lambdas: string[] = [];

  constructor(opts: LowerOptions) {
    this.endgame = opts.dialect === "endgame";
    this.ci = this.endgame && !opts.caseSensitive;
    this.categoryField = opts.eventCategoryField ?? "event.category";
  }

  query(ast: QueryNode): QueryPlan {
    if (ast.incomplete) {
      const miss = firstMissing(ast);
      const at = miss ? miss.span : { start: ast.source.length, end: ast.source.length };
      const expected = miss ? miss.expected : [];
      throw new QueryError(`incomplete query${expected.length ? `: expected ${expected.join(", ")}` : ""}`, at, expected);
    }
    const source = this.source(ast);
    const pipes = ast.pipes.map((p) => this.pipe(p));
    return { source, pipes };
  }

  private source(ast: QueryNode): Source {
    const body = ast.body;
    switch (body.kind) {
      case "eventQuery":
        return { kind: "events", where: this.eventQuery(body) };
      case "sequence": {
        const prefix = body.by.map((k) => this.expr(k));
        const stages = body.stages.map((s) => this.sequenceStage(s, prefix));
        const until = body.until ? this.sequenceStage(body.until, prefix) : null;
        this.checkKeyCounts(body.stages, body.until, body.by.length);
        const total = body.stages.reduce((sum, s) => sum + (s.missing ? 0 : (s.runs ?? 1)), 0);
        if (total < 2 && !body.stages.some((s) => s.missing)) {
          throw new QueryError(`a sequence needs at least 2 queries (or one with runs=N), found ${total}`, body.span, ["["]);
        }
        if (body.stages.every((s) => s.missing)) {
          throw new QueryError("a sequence needs at least one query that is not a missing event", body.span, ["["]);
        }
        return { kind: "sequence", stages, until, maxspanMs: body.maxspan ? this.duration(body.maxspan) : null };
      }
      case "sample": {
        const prefix = body.by.map((k) => this.expr(k));
        if (body.stages.length < 2) throw new QueryError(`a sample needs at least 2 queries, found ${body.stages.length}`, body.span, ["["]);
        this.checkKeyCounts(body.stages, null, body.by.length);
        return { kind: "sample", stages: body.stages.map((s) => this.plainStage(s, prefix, "sample")) };
      }
      case "join": {
        const prefix = body.by.map((k) => this.expr(k));
        if (body.stages.length < 2) throw new QueryError(`a join needs at least 2 queries, found ${body.stages.length}`, body.span, ["["]);
        this.checkKeyCounts(body.stages, body.until, body.by.length);
        return {
          kind: "join",
          stages: body.stages.map((s) => this.plainStage(s, prefix, "join")),
          until: body.until ? this.plainStage(body.until, prefix, "join") : null,
        };
      }
      default:
        return assertNever(body);
    }
  }

  private checkKeyCounts(stages: StageNode[], until: StageNode | null, shared: number): void {
    const all = until ? [...stages, until] : stages;
    const first = all[0];
    if (!first) return;
    for (const s of all) {
      if (s.by.length !== first.by.length) {
        throw new QueryError(
          `inconsistent number of join keys: expected ${first.by.length + shared} but found ${s.by.length + shared}`,
          s.by[0]?.span ?? s.span,
          [],
        );
      }
    }
  }

  private sequenceStage(s: StageNode, prefix: Expr[]): SequenceStage {
    const stage: SequenceStage = { where: this.eventQuery(s.query), keys: [...prefix, ...s.by.map((k) => this.expr(k))], missing: s.missing, runs: s.runs ?? 1 };
    if (s.fork !== null) stage.fork = s.fork;
    return stage;
  }

  private plainStage(s: StageNode, prefix: Expr[], what: string): SampleStage {
    if (s.runs !== null) throw new QueryError(`unsupported: with runs in a ${what}`, s.span, []);
    if (s.fork !== null) throw new QueryError(`unsupported: fork in a ${what}`, s.span, []);
    return { where: this.eventQuery(s.query), keys: [...prefix, ...s.by.map((k) => this.expr(k))] };
  }

  private duration(d: DurationNode): number {
    if (d.unit === null) {
      if (this.endgame) return d.value * 1000;
      throw new QueryError("maxspan needs a time unit (ms, s, m, h, d)", d.span, ["ms", "s", "m", "h", "d"]);
    }
    const per = UNIT_MS[d.unit];
    if (per === undefined) throw new QueryError(`unknown time unit '${d.unit}'`, d.span, ["ms", "s", "m", "h", "d"]);
    if (d.value < 0) throw new QueryError("maxspan must not be negative", d.span, []);
    return d.value * per;
  }

  private eventQuery(q: EventQueryNode): Expr {
    const where = this.expr(q.where);
    const cat = q.category;
    if (cat.style === "ident" && cat.name === "any") return where;
    const test: Expr = {
      kind: "compare",
      op: "==",
      left: { kind: "field", name: this.categoryField, span: cat.span },
      right: { kind: "literal", value: cat.name, span: cat.span },
      caseInsensitive: this.ci,
    };
    if (where.kind === "literal" && where.value === true) return test;
    return { kind: "and", args: where.kind === "and" ? [test, ...where.args] : [test, where] };
  }

  private pipe(p: PipeNode): Pipe {
    const fail = (msg: string, span: Span = p.span): never => {
      throw new QueryError(msg, span, []);
    };
    switch (p.name) {
      case "head":
      case "tail": {
        const arg = p.args[0];
        if (p.args.length !== 1 || !arg || arg.kind !== "number" || !Number.isInteger(arg.value) || arg.value < 0) {
          return fail(`${p.name} needs one non-negative whole number`, arg?.span ?? p.span);
        }
        return { kind: p.name, n: arg.value };
      }
      case "count":
        return { kind: "count", fields: p.args.map((a) => this.expr(a)) };
      case "unique":
      case "unique_count":
        if (p.args.length === 0) return fail(`${p.name} needs at least one field`);
        return { kind: p.name === "unique" ? "unique" : "uniqueCount", fields: p.args.map((a) => this.expr(a)) };
      case "filter": {
        const arg = p.args[0];
        if (!arg) return fail("filter needs a condition");
        return { kind: "where", expr: this.expr(arg) };
      }
      case "sort":
        if (p.args.length === 0) return fail("sort needs at least one field");
        return { kind: "sort", keys: p.args.map((a) => ({ expr: this.expr(a), descending: false })) };
      default:
        throw new QueryError(`unknown pipe '${p.name}'`, p.nameSpan, PIPES);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Expressions
  // -------------------------------------------------------------------------------------------

  expr(node: ExprNode): Expr {
    switch (node.kind) {
      case "field":
        return this.field(node);
      case "string":
        return { kind: "literal", value: node.value, span: node.span };
      case "number": {
        const lit: Expr = { kind: "literal", value: node.value, span: node.span };
        if (/[.eE]/.test(node.text)) lit.float = true;
        return lit;
      }
      case "boolean":
        return { kind: "literal", value: node.value, span: node.span };
      case "null":
        return { kind: "literal", value: null, span: node.span };
      case "not":
        return { kind: "not", arg: this.expr(node.arg) };
      case "neg": {
        const arg = this.expr(node.arg);
        if (arg.kind === "literal" && typeof arg.value === "number") {
          const lit: Expr = { kind: "literal", value: -arg.value, span: node.span };
          if (arg.float) lit.float = true;
          return lit;
        }
        return { kind: "neg", arg };
      }
      case "logical": {
        const args: Expr[] = [];
        for (const a of node.args) {
          const e = this.expr(a);
          if (e.kind === node.op) args.push(...e.args);
          else args.push(e);
        }
        return { kind: node.op, args };
      }
      case "paren":
        return this.expr(node.expr);
      case "compare":
        return this.compare(node.op, node.left, node.right);
      case "arith":
        return { kind: "arith", op: node.op, left: this.expr(node.left), right: this.expr(node.right) };
      case "match":
        return this.match(node.op, node.insensitive, node.target, node.patterns);
      case "in": {
        const e: Expr = { kind: "in", target: this.expr(node.target), values: node.values.map((v) => this.expr(v)), caseInsensitive: node.insensitive || this.ci };
        return node.negated ? { kind: "not", arg: e } : e;
      }
      case "call":
        return this.call(node);
      case "lineage":
        return { kind: "lineage", relation: node.relation, query: this.eventQuery(node.query) };
      case "missing":
        throw new QueryError(`incomplete query: expected ${node.expected.join(", ")}`, node.span, node.expected);
      default:
        return assertNever(node);
    }
  }

  private field(node: FieldNode): Expr {
    const name = stripKeyword(node.name);
    const head = name.split(".")[0]!;
    if (node.index === null && this.lambdas.includes(head)) {
      return { kind: "lambdaVar", param: head, path: name.slice(head.length + 1) };
    }
    const out: Expr = { kind: "field", name, span: node.span };
    if (node.optional) out.optional = true;
    if (node.index !== null) {
      if (node.subfield !== null) {
        if (name !== "events") throw new QueryError("unsupported: a sub-field after an array index (only events[N].field)", node.span, []);
        out.name = stripKeyword(node.subfield);
        out.event = node.index;
      } else out.index = node.index;
    }
    return out;
  }

  private compare(opText: string, leftNode: ExprNode, rightNode: ExprNode): Expr {
    const op = opText === "=" ? "==" : (opText as "==" | "!=" | "<" | "<=" | ">" | ">=");
    const left = this.expr(leftNode);
    const right = this.expr(rightNode);
    if (op === "==" || op === "!=") {
      const lnull = isNullLit(left);
      const rnull = isNullLit(right);
      if (lnull && rnull) return { kind: "literal", value: op === "==" };
      if (lnull || rnull) {
        const e: Expr = { kind: "isNull", arg: lnull ? right : left };
        return op === "==" ? e : { kind: "not", arg: e };
      }
      if (this.endgame) {
        // Python EQL: `field == "a*b"` is a wildcard match (only `*` is special there).
        const [target, pat] = isWildLit(right) && left.kind !== "literal" ? [left, right] : isWildLit(left) && right.kind !== "literal" ? [right, left] : [null, null];
        if (target && pat && pat.kind === "literal" && typeof pat.value === "string") {
          const e: Expr = { kind: "wildcard", target, patterns: [escapeStarOnly(pat.value)], caseInsensitive: this.ci };
          return op === "==" ? e : { kind: "not", arg: e };
        }
      }
    }
    return { kind: "compare", op, left, right, caseInsensitive: this.ci };
  }

  private match(op: ":" | "like" | "regex", insensitive: boolean, targetNode: ExprNode, patternNodes: ExprNode[]): Expr {
    const target = this.expr(targetNode);
    const values: string[] = [];
    for (const p of patternNodes) {
      const e = this.expr(p);
      if (e.kind !== "literal" || typeof e.value !== "string") {
        throw new QueryError(`the ${op === ":" ? "':'" : op} operator needs string ${op === "regex" ? "patterns" : "values"}`, p.span, ["string"]);
      }
      values.push(e.value);
    }
    if (op === "regex") return { kind: "regex", target, patterns: values, caseInsensitive: insensitive };
    if (op === "like") return { kind: "wildcard", target, patterns: values.map(escapeBackslash), caseInsensitive: insensitive };
    // `:` is case-insensitive equality, a wildcard match when a value has `*` or `?`.
    if (values.some((v) => v.includes("*") || v.includes("?"))) {
      return { kind: "wildcard", target, patterns: values.map(escapeBackslash), caseInsensitive: true };
    }
    if (values.length === 1) return { kind: "compare", op: "==", left: target, right: { kind: "literal", value: values[0]! }, caseInsensitive: true };
    return { kind: "in", target, values: values.map((v) => ({ kind: "literal", value: v })), caseInsensitive: true };
  }

  private call(node: CallNode): Expr {
    const info = eqlFunction(node.name);
    if (!info) {
      throw new QueryError(`unknown function '${node.name}'`, node.nameSpan, eqlFunctionNames());
    }
    if (node.insensitive && !info.tilde) {
      throw new QueryError(`function '${info.name}' has no case-insensitive (~) form`, node.nameSpan, [info.name]);
    }
    const n = node.args.length;
    if (n < info.minArgs || n > info.maxArgs) {
      const want = info.minArgs === info.maxArgs ? `${info.minArgs}` : info.maxArgs === Number.POSITIVE_INFINITY ? `at least ${info.minArgs}` : `${info.minArgs} to ${info.maxArgs}`;
      throw new QueryError(`function '${info.name}' takes ${want} argument${want === "1" ? "" : "s"}, found ${n}`, node.span, []);
    }
    const ci = node.insensitive || this.ci;
    if (info.name === "arraySearch" || info.name === "arrayCount") {
      const v = node.args[1]!;
      if (v.kind !== "field" || v.optional || v.index !== null || v.name.includes(".")) {
        throw new QueryError(`the second argument of ${info.name} names the element variable`, v.span, ["variable name"]);
      }
      const array = this.expr(node.args[0]!);
      this.lambdas.push(v.name);
      try {
        const body = this.expr(node.args[2]!);
        return { kind: "call", name: info.name, args: [array, { kind: "lambda", param: v.name, body }], caseInsensitive: ci };
      } finally {
        this.lambdas.pop();
      }
    }
    const args = node.args.map((a) => this.expr(a));
    if (info.name === "wildcard" && args.slice(1).every((a) => a.kind === "literal" && typeof a.value === "string")) {
      const patterns = args.slice(1).map((a) => escapeStarOnly((a as { value: string }).value));
      return { kind: "wildcard", target: args[0]!, patterns, caseInsensitive: ci };
    }
    return { kind: "call", name: info.name, args, caseInsensitive: ci };
  }
}

function stripKeyword(name: string): string {
  return name.length > 8 && name.endsWith(".keyword") ? name.slice(0, -8) : name;
}

function isNullLit(e: Expr): boolean {
  return e.kind === "literal" && e.value === null;
}

function isWildLit(e: Expr): boolean {
  return e.kind === "literal" && typeof e.value === "string" && e.value.includes("*");
}

function escapeBackslash(p: string): string {
  return p.replace(/\\/g, "\\\\");
}

/** Python EQL wildcards know only `*`: `?` and `\` are literal. */
function escapeStarOnly(p: string): string {
  return p.replace(/[\\?]/g, (c) => "\\" + c);
}

/** Lower a parsed EQL query to the shared plan; throws a positioned QueryError for anything it cannot run. */
export function lowerEql(ast: QueryNode, opts: LowerOptions = {}): QueryPlan {
  return new Lowerer(opts).query(ast);
}

/** Lower a lone EQL expression (see parseEqlExpression). */
export function lowerEqlExpression(ast: ExprNode, opts: LowerOptions = {}): Expr {
  return new Lowerer(opts).expr(ast);
}
