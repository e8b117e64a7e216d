import { QueryError, type Span } from "../errors.ts";
import type { Expr, TimeRange } from "../plan.ts";
import { Cursor } from "./cursor.ts";
import { splFunctionName } from "./expr.ts";
import { resolveTimeModifier } from "./time.ts";

/** Context the search language needs to lower time modifiers. */
export interface SearchContext {
  nowMs: number;
  tz: string;
}

/** A parsed search clause: its filter and the time bounds of any earliest=/latest= terms. */
export interface SearchClause {
  where: Expr;
  timeRange: TimeRange;
}

const TRUE: Expr = { kind: "literal", value: true };
const FIELD_OP = /^([A-Za-z_@][\w.{}@:-]*?)\s*(!=|<=|>=|==|=|<|>)/;

/**
 * Parses the search language (leading search or `| search`) to a plan expression with Splunk's
 * semantics: OR binds tighter than implicit/explicit AND, values are case-insensitive with `*`
 * wildcards, `field!=v` needs the field to exist while `NOT field=v` keeps events without it.
 * `index=NAME` also matches events loaded without an index (files dropped into Quarry have none).
 */
export function parseSearch(text: string, start: number, end: number, ctx: SearchContext): SearchClause {
  const cur = new Cursor(text, start, end);
  const timeRange: TimeRange = { earliest: null, latest: null };
  const p = new SearchParser(cur, ctx, timeRange);
  const where = cur.atEnd() ? TRUE : p.conjunction();
  if (!cur.atEnd()) throw cur.error(`unexpected "${cur.peek()}"`);
  return { where, timeRange };
}

class SearchParser {
  constructor(
    private readonly cur: Cursor,
    private readonly ctx: SearchContext,
    private readonly time: TimeRange,
  ) {}

  conjunction(): Expr {
    const args: Expr[] = [];
    for (;;) {
      this.cur.ws();
      if (this.cur.atEnd() || this.cur.peek() === ")") break;
      if (args.length > 0 && this.cur.eatKeywordExact("AND")) {
        if (this.cur.atEnd() || this.cur.peek() === ")") throw this.cur.error("expected a search term after AND");
      }
      const e = this.disjunction();
      if (e) args.push(e);
    }
    if (args.length === 0) return TRUE;
    return args.length === 1 ? args[0]! : { kind: "and", args };
  }

  private disjunction(): Expr | null {
    const first = this.unary();
    const args: Expr[] = [first ?? TRUE];
    while (this.cur.eatKeywordExact("OR")) {
      this.cur.ws();
      if (this.cur.atEnd() || this.cur.peek() === ")") throw this.cur.error("expected a search term after OR");
      args.push(this.unary() ?? TRUE);
    }
    if (args.length === 1) return first;
    return { kind: "or", args };
  }

  private unary(): Expr | null {
    const cur = this.cur;
    cur.ws();
    if (cur.eatKeywordExact("NOT")) {
      cur.ws();
      if (cur.atEnd() || cur.peek() === ")") throw cur.error("expected a search term after NOT");
      const inner = this.unary();
      return { kind: "not", arg: inner ?? TRUE };
    }
    return this.primary();
  }

  private primary(): Expr | null {
    const cur = this.cur;
    cur.ws();
    const start = cur.pos;
    const c = cur.peek();
    if (c === "(") {
      cur.pos++;
      const e = this.conjunction();
      if (!cur.eat(")")) throw cur.error('expected ")"', [")"]);
      return e;
    }
    if (c === "[") throw new QueryError("subsearches [ ... ] are not supported", { start, end: start + 1 });
    if (c === '"') {
      const q = cur.quoted();
      return { kind: "term", text: q.value, phrase: true };
    }
    const head = text(cur).slice(cur.pos, Math.min(cur.end, cur.pos + 200));
    const fm = FIELD_OP.exec(head);
    if (fm && !/[*\\]/.test(fm[1]!)) {
      const field = fm[1]!;
      const op = fm[2]!;
      const fieldSpan: Span = { start, end: start + field.length };
      cur.pos += fm[0].length;
      cur.ws();
      const v = this.value();
      if (!v) throw cur.error(`expected a value after ${field}${op}`);
      return this.comparison(field, fieldSpan, op, v.value, v.span, v.quoted);
    }
    // `field IN (a, b)`
    const inm = /^([A-Za-z_@][\w.{}@:-]*)\s+IN\s*\(/i.exec(head);
    if (inm) {
      const field = inm[1]!;
      cur.pos += inm[0].length;
      const items: Expr[] = [];
      for (;;) {
        cur.ws();
        if (cur.eat(")")) break;
        const v = this.value(true);
        if (!v) throw cur.error('expected a value or ")" in IN list');
        items.push(this.match(field, v.value));
        cur.eat(",");
      }
      return present(field, items.length === 1 ? items[0]! : { kind: "or", args: items });
    }
    const fn = /^(TERM|CASE)\(/.exec(head);
    if (fn) {
      cur.pos += fn[0].length;
      const v = this.value();
      if (!v) throw cur.error(`expected a term inside ${fn[1]}()`);
      cur.expect(")");
      return { kind: "term", text: v.value, phrase: v.quoted };
    }
    const w = this.value();
    if (!w) throw cur.error(`unexpected "${c}"`);
    if (w.value === "*" && !w.quoted) return null;
    return { kind: "term", text: w.value, phrase: w.quoted };
  }

  /** A search value: quoted string or bare word; `\x` escapes in bare words are resolved. */
  private value(inList = false): { value: string; span: Span; quoted: boolean } | null {
    const cur = this.cur;
    cur.ws();
    if (cur.peek() === '"') {
      // `\=` escapes an equals sign in search values, quoted or not (base64 padding in the seed's hunt).
      const q = cur.quoted();
      return { value: q.value.replace(/\\=/g, "="), span: q.span, quoted: true };
    }
    const start = cur.pos;
    let out = "";
    while (cur.pos < cur.end) {
      const ch = cur.text[cur.pos]!;
      if (/\s/.test(ch) || ch === ")" || ch === "(" || (inList && ch === ",")) break;
      if (ch === "\\" && cur.pos + 1 < cur.end) {
        const n = cur.text[cur.pos + 1]!;
        if ('\\"=()| '.includes(n)) {
          out += n;
          cur.pos += 2;
          continue;
        }
      }
      if (ch === '"') {
        // A quoted run inside a bare word (`a"b c"d`) belongs to the word.
        const q = cur.quoted();
        out += q.value;
        continue;
      }
      out += ch;
      cur.pos++;
    }
    if (cur.pos === start) return null;
    return { value: out, span: { start, end: cur.pos }, quoted: false };
  }

  private comparison(field: string, fieldSpan: Span, op: string, value: string, span: Span, _quoted: boolean): Expr {
    const lower = field.toLowerCase();
    if (lower === "earliest" || lower === "latest" || lower === "_index_earliest" || lower === "_index_latest") {
      const t = resolveTimeModifier(value, this.ctx.nowMs, this.ctx.tz);
      if (t === null) throw new QueryError(`cannot read time "${value}" (use -24h@h, now, epoch seconds or %m/%d/%Y:%H:%M:%S)`, span);
      if (lower.endsWith("earliest")) this.time.earliest = this.time.earliest === null ? t : Math.max(this.time.earliest, t);
      else this.time.latest = this.time.latest === null ? t : Math.min(this.time.latest, t);
      return TRUE;
    }
    if (op === "=" || op === "==") {
      if (value === "*") {
        // index=* matches everything, including events loaded without an index.
        if (field === "index") return TRUE;
        return { kind: "not", arg: { kind: "isNull", arg: fieldRef(field, fieldSpan) } };
      }
      const m = present(field, this.match(field, value));
      if (field === "index") return { kind: "or", args: [{ kind: "isNull", arg: { kind: "field", name: "index" } }, m] };
      return m;
    }
    if (op === "!=") return present(field, { kind: "not", arg: this.match(field, value) });
    const num = Number(value);
    const right: Expr = { kind: "literal", value: value !== "" && !Number.isNaN(num) ? num : value, span };
    return present(field, { kind: "compare", op: op as "<" | "<=" | ">" | ">=", left: fieldRef(field, fieldSpan), right, caseInsensitive: true });
  }

  /** Case-insensitive equality or wildcard match of a field against a search value. */
  private match(field: string, value: string): Expr {
    const target = fieldRef(field);
    // field=10.0.0.0/8 matches addresses in the block, as Splunk's search does.
    if (/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(value)) return { kind: "call", name: splFunctionName("cidrmatch"), args: [{ kind: "literal", value }, target] };
    // SPL has only the `*` wildcard: backslashes and `?` are literal, so escape them for the matcher.
    if (value.includes("*")) return { kind: "wildcard", target, patterns: [value.replace(/[\\?]/g, "\\$&")], caseInsensitive: true };
    return { kind: "compare", op: "==", left: target, right: { kind: "literal", value }, caseInsensitive: true };
  }
}

function fieldRef(name: string, span?: Span): Expr {
  return span ? { kind: "field", name, span } : { kind: "field", name };
}

/** `match` guarded by the field's presence, so the result is two-valued (false when absent). */
function present(field: string, match: Expr): Expr {
  return { kind: "and", args: [{ kind: "not", arg: { kind: "isNull", arg: fieldRef(field) } }, match] };
}

function text(cur: Cursor): string {
  return cur.text;
}
