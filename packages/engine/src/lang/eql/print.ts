/**
 * EQL AST → text. Nodes that came unchanged from the parser are reprinted from their original text
 * (layout and inner comments intact); nodes built by edits are printed from their structure, with
 * parentheses added by precedence. Comments that fall between reprinted pieces are put back before
 * the next piece that followed them in the source, and any left over go at the end.
 */
import { assertNever } from "../plan.ts";
import type { Comment, EqlNode, EventQueryNode, ExprNode, QueryNode, StageNode } from "./ast.ts";
import { originalSource } from "./origin.ts";

const PLAIN_IDENT = /^[A-Za-z_@][A-Za-z0-9_@]*(\.[A-Za-z0-9_@]+)*$/;
const NOT_PLAIN = new Set(["and", "or", "not", "in", "like", "regex", "where", "by", "with", "until", "of", "sequence", "sample", "join", "true", "false", "null", "any"]);

/** Whether a field name can be written without backticks. */
export function isPlainName(name: string): boolean {
  return PLAIN_IDENT.test(name) && !NOT_PLAIN.has(name);
}

function precedence(e: ExprNode): number {
  switch (e.kind) {
    case "logical":
      return e.op === "or" ? 1 : 2;
    case "not":
      return 3;
    case "compare":
    case "match":
    case "in":
      return 4;
    case "arith":
      return e.op === "+" || e.op === "-" ? 5 : 6;
    case "neg":
      return 7;
    default:
      return 8;
  }
}

function quoteString(value: string, style: string): string {
  if (style === "triple" && !value.includes('"""') && !value.endsWith('"')) return `"""${value}"""`;
  if (style === "rawDouble" && !value.includes('"') && !value.endsWith("\\")) return `?"${value}"`;
  if (style === "rawSingle" && !value.includes("'") && !value.endsWith("\\")) return `?'${value}'`;
  const q = style === "single" || style === "rawSingle" ? "'" : '"';
  let out = q;
  for (const ch of value) {
    if (ch === "\\") out += "\\\\";
    else if (ch === q) out += "\\" + q;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else out += ch;
  }
  return out + q;
}

class Printer {
  private out = "";
  private readonly pending: Comment[];
  private readonly emitted = new Set<Comment>();

  constructor(
    private readonly source: string | null,
    comments: Comment[],
    private readonly reuse: boolean,
  ) {
    this.pending = comments;
  }

  result(): string {
    for (const c of this.pending) {
      if (this.emitted.has(c)) continue;
      this.out += c.block ? ` ${c.text}` : `\n${c.text}`;
    }
    return this.out;
  }

  private emit(s: string): void {
    this.out += s;
  }

  /** Print a parsed, unchanged node from its source text; false if the node was built by an edit. */
  private verbatim(node: EqlNode): boolean {
    const src = originalSource(node);
    if (!this.reuse || src === undefined || node.span.end < node.span.start || node.span.end > src.length) return false;
    if (src === this.source) {
      for (const c of this.pending) {
        if (this.emitted.has(c)) continue;
        if (c.span.end <= node.span.start) {
          this.emitted.add(c);
          this.out += c.block ? `${c.text} ` : `${c.text}\n`;
        } else if (c.span.start >= node.span.start && c.span.end <= node.span.end) this.emitted.add(c);
      }
    }
    this.emit(src.slice(node.span.start, node.span.end));
    return true;
  }

  query(q: QueryNode): void {
    if (this.reuse && originalSource(q) === q.source && this.source === q.source) {
      this.emit(q.source);
      for (const c of this.pending) this.emitted.add(c);
      return;
    }
    this.body(q.body);
    // New pipes follow the layout of the ones already there (one per line, or all on one line).
    let sep = this.out.includes("\n") ? "\n" : " ";
    for (const p of q.pipes) {
      const src = originalSource(p);
      if (this.reuse && src !== undefined) {
        let i = p.span.start;
        while (i > 0 && /\s/.test(src[i - 1]!)) i--;
        sep = src.slice(i, p.span.start).includes("\n") ? "\n" : " ";
      }
      this.emit(sep);
      if (this.verbatim(p)) continue;
      this.emit(`| ${p.name}`);
      p.args.forEach((a, i) => {
        this.emit(i === 0 ? " " : ", ");
        this.expr(a, 0);
      });
    }
  }

  private body(b: QueryNode["body"]): void {
    if (this.verbatim(b)) return;
    switch (b.kind) {
      case "eventQuery":
        this.eventQuery(b);
        return;
      case "sequence":
        this.emit("sequence");
        this.byList(b.by);
        if (b.maxspan && !this.verbatimAfter(" with maxspan=", b.maxspan)) this.emit(` with maxspan=${b.maxspan.value}${b.maxspan.unit ?? ""}`);
        for (const s of b.stages) this.stage(s, "\n  ");
        if (b.until) this.stage(b.until, "\nuntil ");
        return;
      case "sample":
        this.emit("sample");
        this.byList(b.by);
        for (const s of b.stages) this.stage(s, "\n  ");
        return;
      case "join":
        this.emit("join");
        this.byList(b.by);
        for (const s of b.stages) this.stage(s, "\n  ");
        if (b.until) this.stage(b.until, "\nuntil ");
        return;
      default:
        assertNever(b);
    }
  }

  private verbatimAfter(prefix: string, node: EqlNode): boolean {
    if (!this.reuse || originalSource(node) === undefined) return false;
    this.emit(prefix);
    return this.verbatim(node);
  }

  private byList(keys: ExprNode[]): void {
    keys.forEach((k, i) => {
      this.emit(i === 0 ? " by " : ", ");
      this.expr(k, 0);
    });
  }

  private stage(s: StageNode, lead: string): void {
    this.emit(lead);
    if (this.verbatim(s)) return;
    this.emit(s.missing ? "![" : "[");
    this.eventQuery(s.query);
    this.emit("]");
    this.byList(s.by);
    if (s.runs !== null) this.emit(` with runs=${s.runs}`);
    if (s.fork !== null) this.emit(` fork=${s.fork}`);
  }

  private eventQuery(q: EventQueryNode): void {
    if (this.verbatim(q)) return;
    const c = q.category;
    if (!this.verbatim(c)) {
      if (c.style === "string") this.emit(quoteString(c.name, "double"));
      else if (c.style === "backtick" || !isPlainName(c.name) && c.name !== "any") this.emit("`" + c.name.replace(/`/g, "``") + "`");
      else this.emit(c.name);
    }
    this.emit(" where ");
    this.expr(q.where, 0);
  }

  expr(e: ExprNode, minPrec: number): void {
    const wrap = precedence(e) < minPrec;
    if (wrap) this.emit("(");
    if (!this.verbatim(e)) this.exprBody(e);
    if (wrap) this.emit(")");
  }

  private list(items: ExprNode[]): void {
    this.emit("(");
    items.forEach((v, i) => {
      if (i > 0) this.emit(", ");
      this.expr(v, 0);
    });
    this.emit(")");
  }

  private exprBody(e: ExprNode): void {
    switch (e.kind) {
      case "field": {
        const name = e.quoted || !isPlainName(e.name) ? "`" + e.name.replace(/`/g, "``") + "`" : e.name;
        this.emit(`${e.optional ? "?" : ""}${name}${e.index !== null ? `[${e.index}]` : ""}${e.subfield !== null ? `.${e.subfield}` : ""}`);
        return;
      }
      case "string":
        this.emit(quoteString(e.value, e.style));
        return;
      case "number":
        this.emit(e.text);
        return;
      case "boolean":
        this.emit(String(e.value));
        return;
      case "null":
        this.emit("null");
        return;
      case "missing":
        return;
      case "not":
        this.emit("not ");
        this.expr(e.arg, 3);
        return;
      case "neg":
        this.emit("-");
        this.expr(e.arg, 7);
        return;
      case "logical": {
        const p = e.op === "or" ? 1 : 2;
        e.args.forEach((a, i) => {
          if (i > 0) this.emit(` ${e.op} `);
          this.expr(a, p);
        });
        return;
      }
      case "compare":
        this.expr(e.left, 5);
        this.emit(` ${e.op} `);
        this.expr(e.right, 5);
        return;
      case "arith": {
        const p = e.op === "+" || e.op === "-" ? 5 : 6;
        this.expr(e.left, p);
        this.emit(` ${e.op} `);
        this.expr(e.right, p + 1);
        return;
      }
      case "match":
        this.expr(e.target, 5);
        this.emit(` ${e.op}${e.insensitive ? "~" : ""} `);
        if (e.list || e.patterns.length !== 1) this.list(e.patterns);
        else this.expr(e.patterns[0]!, 5);
        return;
      case "in":
        this.expr(e.target, 5);
        this.emit(`${e.negated ? " not in" : " in"}${e.insensitive ? "~" : ""} `);
        this.list(e.values);
        return;
      case "call":
        if (e.method && e.args.length > 0) {
          this.expr(e.args[0]!, 8);
          this.emit(`:${e.name}`);
          this.list(e.args.slice(1));
        } else {
          this.emit(`${e.name}${e.insensitive ? "~" : ""}`);
          this.list(e.args);
        }
        return;
      case "lineage":
        this.emit(`${e.relation} of [`);
        this.eventQuery(e.query);
        this.emit("]");
        return;
      case "paren":
        this.emit("(");
        this.expr(e.expr, 0);
        this.emit(")");
        return;
      default:
        assertNever(e);
    }
  }
}

/**
 * Print a query; unchanged parts keep their original text and comments. `reuseSource: false`
 * prints everything from the structure (normalised layout; comments go to the end).
 */
export function printEql(ast: QueryNode, opts: { reuseSource?: boolean } = {}): string {
  const p = new Printer(ast.source, ast.comments, opts.reuseSource !== false);
  p.query(ast);
  return p.result();
}

/** Print a lone expression. */
export function printEqlExpression(e: ExprNode): string {
  const p = new Printer(null, [], false);
  p.expr(e, 0);
  return p.result();
}
