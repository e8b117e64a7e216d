import { QueryError, type Span } from "../errors.ts";
import { assertNever, type CompareOp, type Expr } from "../plan.ts";
import type { Cursor } from "./cursor.ts";
import { SPL_FUNCTIONS } from "./functions.ts";

/**
 * The eval/where expression grammar (Pratt parser) lowered straight to plan expressions.
 * Precedence, low to high: OR, AND, NOT, comparisons and LIKE, `+ - .`, `* / %`, unary minus.
 * Unlike the search language, string comparisons here are case-sensitive, as in Splunk.
 * Stops (without consuming) at a top-level `,`, `)`, `]` or the end of the stage.
 */
export function parseExpr(cur: Cursor): Expr {
  const e = parseBinary(cur, 0);
  return e;
}

interface Op {
  prec: number;
  build: (l: Expr, r: Expr) => Expr;
}

const CMP: Record<string, CompareOp> = { "=": "==", "==": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">=" };

function cmp(op: CompareOp): Op {
  return { prec: 4, build: (left, right) => ({ kind: "compare", op, left, right, caseInsensitive: false }) };
}

/** The binary operator at the cursor, without consuming it. */
function peekOp(cur: Cursor): { text: string; op: Op } | null {
  cur.ws();
  for (const kw of ["OR", "AND", "LIKE", "IN"]) {
    if (cur.lookingAtKeyword(kw)) {
      if (kw === "IN") return { text: kw, op: { prec: 4, build: (l) => l } };
      if (kw === "OR") return { text: kw, op: { prec: 1, build: (l, r) => flat("or", l, r) } };
      if (kw === "AND") return { text: kw, op: { prec: 2, build: (l, r) => flat("and", l, r) } };
      return { text: kw, op: { prec: 4, build: (l, r) => ({ kind: "call", name: splFunctionName("like"), args: [l, r] }) } };
    }
  }
  const two = cur.peek() + cur.peek(1);
  if (two === "==" || two === "!=" || two === "<=" || two === ">=") return { text: two, op: cmp(CMP[two]!) };
  const c = cur.peek();
  if (c === "=" || c === "<" || c === ">") return { text: c, op: cmp(CMP[c]!) };
  // SPL's + also concatenates two strings, so it is a function rather than plain arithmetic.
  if (c === "+") return { text: c, op: { prec: 5, build: (left, right) => ({ kind: "call", name: splFunctionName("add"), args: [left, right] }) } };
  if (c === "-") return { text: c, op: { prec: 5, build: (left, right) => ({ kind: "arith", op: c, left, right }) } };
  if (c === ".") return { text: c, op: { prec: 5, build: (l, r) => ({ kind: "call", name: splFunctionName("."), args: [l, r] }) } };
  if (c === "*" || c === "/" || c === "%") return { text: c, op: { prec: 6, build: (left, right) => ({ kind: "arith", op: c, left, right }) } };
  return null;
}

function flat(kind: "and" | "or", l: Expr, r: Expr): Expr {
  const args: Expr[] = [];
  for (const e of [l, r]) {
    if (e.kind === kind) args.push(...e.args);
    else args.push(e);
  }
  return { kind, args };
}

function parseBinary(cur: Cursor, minPrec: number): Expr {
  let left = parseUnary(cur);
  for (;;) {
    const next = peekOp(cur);
    if (!next || next.op.prec <= minPrec - 1 || next.op.prec < minPrec) break;
    cur.pos += next.text.length;
    if (next.text === "IN") {
      // `x IN (a, b)`: membership, case-sensitive as eval comparisons are.
      cur.expect("(", '"(" after IN');
      const values: Expr[] = [];
      if (!cur.eat(")")) {
        for (;;) {
          values.push(parseExpr(cur));
          if (cur.eat(",")) continue;
          cur.expect(")", '")" or ","');
          break;
        }
      }
      left = { kind: "in", target: left, values, caseInsensitive: false };
      continue;
    }
    const right = parseBinary(cur, next.op.prec + 1);
    left = next.op.build(left, right);
  }
  return left;
}

function parseUnary(cur: Cursor): Expr {
  cur.ws();
  if (cur.lookingAtKeyword("NOT")) {
    cur.pos += 3;
    return { kind: "not", arg: parseBinary(cur, 3) };
  }
  if (cur.peek() === "-" && !/\d/.test(cur.peek(1))) {
    cur.pos++;
    return { kind: "neg", arg: parseUnary(cur) };
  }
  if (cur.peek() === "!" && cur.peek(1) !== "=") {
    cur.pos++;
    return { kind: "not", arg: parseBinary(cur, 3) };
  }
  return parsePrimary(cur);
}

const IDENT_START = /[A-Za-z_@<]/;

function parsePrimary(cur: Cursor): Expr {
  cur.ws();
  const start = cur.pos;
  const c = cur.peek();
  if (c === "") throw new QueryError("expected an expression", { start, end: start }, ["a field", "a value", "a function"]);
  if (c === "(") {
    cur.pos++;
    const e = parseExpr(cur);
    cur.expect(")");
    return e;
  }
  if (c === '"') {
    const q = cur.quoted();
    return { kind: "literal", value: q.value, span: q.span };
  }
  if (c === "'") {
    const close = cur.text.indexOf("'", cur.pos + 1);
    if (close < 0 || close >= cur.end) throw new QueryError("unterminated 'field name'", { start, end: cur.end });
    cur.pos = close + 1;
    return { kind: "field", name: cur.text.slice(start + 1, close), span: { start, end: close + 1 } };
  }
  const num = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(cur.text.slice(cur.pos, Math.min(cur.end, cur.pos + 64)));
  if (num && !/[A-Za-z_]/.test(cur.text[cur.pos + num[0].length] ?? "")) {
    cur.pos += num[0].length;
    return { kind: "literal", value: Number(num[0]), span: { start, end: cur.pos } };
  }
  if (IDENT_START.test(c) || /\d/.test(c)) {
    const name = readIdent(cur);
    if (name.length === 0) throw cur.error(`unexpected "${c}"`);
    const span: Span = { start, end: cur.pos };
    if (cur.peek() === "(" ) return parseCall(cur, name, span);
    return { kind: "field", name, span };
  }
  throw cur.error(`unexpected "${c}" in expression`, ["a field", "a value", "a function"]);
}

/** Field names: word characters, `{}` paths, `<<FIELD>>` foreach templates, and inner dots. */
function readIdent(cur: Cursor): string {
  const start = cur.pos;
  while (cur.pos < cur.end) {
    const ch = cur.text[cur.pos]!;
    if (/[\w@{}]/.test(ch)) cur.pos++;
    else if (ch === "<" && cur.text.startsWith("<<", cur.pos)) {
      const close = cur.text.indexOf(">>", cur.pos);
      if (close < 0 || close > cur.end || !/^<<[A-Z0-9]+$/.test(cur.text.slice(cur.pos, close))) break;
      cur.pos = close + 2;
    } else if (ch === "." && /[A-Za-z_]/.test(cur.text[cur.pos + 1] ?? "") && cur.pos > start) cur.pos++;
    else break;
  }
  return cur.text.slice(start, cur.pos);
}

function parseCall(cur: Cursor, rawName: string, span: Span): Expr {
  const name = rawName.toLowerCase();
  const spec = SPL_FUNCTIONS[name];
  if (!spec || name === ".") throw new QueryError(`unknown function "${rawName}"`, span, []);
  cur.expect("(");
  const args: Expr[] = [];
  if (!cur.eat(")")) {
    for (;;) {
      args.push(parseExpr(cur));
      if (cur.eat(",")) continue;
      cur.expect(")", '")" or ","');
      break;
    }
  }
  const full: Span = { start: span.start, end: cur.pos };
  if (args.length < spec.min || args.length > spec.max) {
    const want = spec.min === spec.max ? `${spec.min}` : `${spec.min} to ${spec.max}`;
    throw new QueryError(`${name}() takes ${want} argument(s), got ${args.length}`, full);
  }
  if (name === "case" && args.length % 2 !== 0) throw new QueryError("case() takes pairs of condition, value", full);
  if (name === "mvfilter") {
    // The predicate is evaluated once per value of its one field, so it travels unevaluated (as JSON).
    const fields = new Set<string>();
    collectFields(args[0]!, fields);
    if (fields.size !== 1) throw new QueryError("mvfilter() must refer to exactly one field", full);
    const field = [...fields][0]!;
    return { kind: "call", name: splFunctionName(name), args: [{ kind: "field", name: field }, { kind: "literal", value: JSON.stringify({ expr: args[0], name: field }) }] };
  }
  return { kind: "call", name: splFunctionName(name), args };
}

/**
 * The plan name of an SPL eval function: namespaced (`spl.cidrmatch`) because SPL and EQL share
 * the executor's function registry and some names mean different things (argument order of
 * cidrmatch, match vs EQL's regex semantics). The concatenation operator is `spl.concat`.
 */
export function splFunctionName(name: string): string {
  return name === "." ? "spl.concat" : `spl.${name}`;
}

/** Adds every field an expression reads to `out`. */
export function collectFields(e: Expr, out: Set<string>): void {
  switch (e.kind) {
    case "field":
      out.add(e.name);
      return;
    case "literal":
    case "term":
    case "lineage":
    case "lambda":
    case "lambdaVar":
      return;
    case "not":
    case "neg":
    case "isNull":
      collectFields(e.arg, out);
      return;
    case "and":
    case "or":
    case "call":
      for (const a of e.args) collectFields(a, out);
      return;
    case "compare":
    case "arith":
      collectFields(e.left, out);
      collectFields(e.right, out);
      return;
    case "wildcard":
    case "regex":
      collectFields(e.target, out);
      return;
    case "in":
      collectFields(e.target, out);
      for (const v of e.values) collectFields(v, out);
      return;
    default:
      return assertNever(e);
  }
}
