/**
 * A linear-time matcher for Lucene regular expressions (Thompson NFA simulation). Lucene runs
 * regexes as automata, so a pattern such as `([^ ]+[ ]{3,}[^ ]*){3,}.*` (from a real detection
 * rule) is safe there; JavaScript's backtracking engine can take exponential time on it. Patterns
 * whose shape could backtrack badly run here instead: time is O(text length × pattern size).
 *
 * Syntax: `|`, concatenation, `*` `+` `?` `{n}` `{n,}` `{n,m}`, `( )`, `[ ]` classes with ranges
 * and `^` negation, `.`, `@` (any string), `#` (empty language), `"…"` literals, `<n-m>` numeric
 * ranges, `\` escapes (`\d \s \w` and negations). Always anchored (whole-value match).
 */

type CharTest = (c: number) => boolean;

type Node =
  | { kind: "char"; test: CharTest }
  | { kind: "seq"; items: Node[] }
  | { kind: "alt"; items: Node[] }
  | { kind: "repeat"; item: Node; min: number; max: number }
  | { kind: "empty" }
  | { kind: "none" };

/** Largest NFA built from counted repetitions before the pattern is refused. */
const MAX_STATES = 20000;

class Parser {
  private i = 0;
  constructor(
    private readonly src: string,
    private readonly ci: boolean,
  ) {}

  parse(): Node {
    const n = this.alt();
    if (this.i < this.src.length) throw new SyntaxError(`unexpected "${this.src[this.i]}" at ${this.i}`);
    return n;
  }

  private alt(): Node {
    const items = [this.seq()];
    while (this.src[this.i] === "|") {
      this.i++;
      items.push(this.seq());
    }
    return items.length === 1 ? items[0]! : { kind: "alt", items };
  }

  private seq(): Node {
    const items: Node[] = [];
    while (this.i < this.src.length && this.src[this.i] !== "|" && this.src[this.i] !== ")") items.push(this.repeat());
    return items.length === 1 ? items[0]! : { kind: "seq", items };
  }

  private repeat(): Node {
    let node = this.atom();
    for (;;) {
      const c = this.src[this.i];
      if (c === "*") node = { kind: "repeat", item: node, min: 0, max: Infinity };
      else if (c === "+") node = { kind: "repeat", item: node, min: 1, max: Infinity };
      else if (c === "?") node = { kind: "repeat", item: node, min: 0, max: 1 };
      else if (c === "{") {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i));
        if (!m) throw new SyntaxError(`bad repetition at ${this.i}`);
        const min = Number(m[1]);
        const max = m[2] === undefined ? min : m[3] === "" ? Infinity : Number(m[3]);
        if (max < min) throw new SyntaxError(`bad repetition {${min},${max}}`);
        node = { kind: "repeat", item: node, min, max };
        this.i += m[0].length - 1;
      } else return node;
      this.i++;
    }
  }

  private atom(): Node {
    const c = this.src[this.i]!;
    this.i++;
    switch (c) {
      case "(": {
        const n = this.i < this.src.length && this.src[this.i] === ")" ? ({ kind: "empty" } as Node) : this.alt();
        if (this.src[this.i] !== ")") throw new SyntaxError("missing )");
        this.i++;
        return n;
      }
      case "[":
        return this.klass();
      case ".":
        return { kind: "char", test: () => true };
      case "@":
        return { kind: "repeat", item: { kind: "char", test: () => true }, min: 0, max: Infinity };
      case "#":
        return { kind: "none" };
      case '"': {
        const end = this.src.indexOf('"', this.i);
        const lit = end < 0 ? this.src.slice(this.i) : this.src.slice(this.i, end);
        this.i = end < 0 ? this.src.length : end + 1;
        return { kind: "seq", items: [...lit].map((ch) => this.literal(ch)) };
      }
      case "<": {
        const m = /^(\d+)-(\d+)>/.exec(this.src.slice(this.i));
        if (!m) return this.literal("<");
        this.i += m[0].length;
        const lo = Number(m[1]);
        const hi = Number(m[2]);
        if (Math.abs(hi - lo) > 5000) throw new SyntaxError("numeric range too large");
        const items: Node[] = [];
        for (let v = Math.min(lo, hi); v <= Math.max(lo, hi); v++) items.push({ kind: "seq", items: [...String(v)].map((d) => this.literal(d)) });
        // Leading zeros are allowed, as in Lucene.
        return { kind: "seq", items: [{ kind: "repeat", item: this.literal("0"), min: 0, max: Infinity }, { kind: "alt", items }] };
      }
      case "\\": {
        const e = this.src[this.i++];
        if (e === undefined) throw new SyntaxError("trailing backslash");
        return { kind: "char", test: this.escapeTest(e) ?? this.eqTest(e) };
      }
      case ")":
      case "*":
      case "+":
      case "?":
      case "{":
        throw new SyntaxError(`unexpected "${c}" at ${this.i - 1}`);
      default:
        return this.literal(c);
    }
  }

  private escapeTest(e: string): CharTest | null {
    switch (e) {
      case "d":
        return (c) => c >= 48 && c <= 57;
      case "D":
        return (c) => !(c >= 48 && c <= 57);
      case "s":
        return (c) => c === 32 || (c >= 9 && c <= 13);
      case "S":
        return (c) => !(c === 32 || (c >= 9 && c <= 13));
      case "w":
        return isWord;
      case "W":
        return (c) => !isWord(c);
      default:
        return null;
    }
  }

  private eqTest(ch: string): CharTest {
    const code = ch.charCodeAt(0);
    if (!this.ci) return (c) => c === code;
    const lo = ch.toLowerCase().charCodeAt(0);
    return (c) => c === code || c === lo;
  }

  private literal(ch: string): Node {
    return { kind: "char", test: this.eqTest(ch) };
  }

  private klass(): Node {
    let negate = false;
    if (this.src[this.i] === "^") {
      negate = true;
      this.i++;
    }
    const tests: CharTest[] = [];
    let first = true;
    while (this.i < this.src.length && (this.src[this.i] !== "]" || first)) {
      first = false;
      let ch = this.src[this.i++]!;
      if (ch === "\\") {
        const e = this.src[this.i++] ?? "\\";
        const t = this.escapeTest(e);
        if (t) {
          tests.push(t);
          continue;
        }
        ch = e;
      }
      if (this.src[this.i] === "-" && this.src[this.i + 1] !== undefined && this.src[this.i + 1] !== "]") {
        this.i++;
        let hi = this.src[this.i++]!;
        if (hi === "\\") hi = this.src[this.i++] ?? "\\";
        const a = ch.charCodeAt(0);
        const b = hi.charCodeAt(0);
        if (b < a) throw new SyntaxError(`range ${ch}-${hi} out of order`);
        tests.push(this.ci ? (c) => inRange(c, a, b) || inRange(lowerCode(c), a, b) || inRange(upperCode(c), a, b) : (c) => c >= a && c <= b);
      } else tests.push(this.eqTest(ch));
    }
    if (this.src[this.i] !== "]") throw new SyntaxError("missing ]");
    this.i++;
    const any = (c: number): boolean => tests.some((t) => t(c));
    return { kind: "char", test: negate ? (c) => !any(c) : any };
  }
}

function inRange(c: number, a: number, b: number): boolean {
  return c >= a && c <= b;
}
function lowerCode(c: number): number {
  return String.fromCharCode(c).toLowerCase().charCodeAt(0);
}
function upperCode(c: number): number {
  return String.fromCharCode(c).toUpperCase().charCodeAt(0);
}
function isWord(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/** NFA state: `test` consumes one character to `out`; otherwise epsilon edges to `out`/`out2`; `match` accepts. */
interface State {
  test: CharTest | null;
  out: State | null;
  out2: State | null;
  match: boolean;
  id: number;
}

class Builder {
  readonly states: State[] = [];
  state(test: CharTest | null, match = false): State {
    if (this.states.length > MAX_STATES) throw new SyntaxError("regular expression too large");
    const s: State = { test, out: null, out2: null, match, id: this.states.length };
    this.states.push(s);
    return s;
  }

  /** Builds `node` in front of `next`; returns the entry state. */
  build(node: Node, next: State): State {
    switch (node.kind) {
      case "char": {
        const s = this.state(node.test);
        s.out = next;
        return s;
      }
      case "empty":
        return next;
      case "none":
        return this.state(() => false);
      case "seq": {
        let entry = next;
        for (let i = node.items.length - 1; i >= 0; i--) entry = this.build(node.items[i]!, entry);
        return entry;
      }
      case "alt": {
        const entries = node.items.map((n) => this.build(n, next));
        let entry = entries[entries.length - 1]!;
        for (let i = entries.length - 2; i >= 0; i--) {
          const split = this.state(null);
          split.out = entries[i]!;
          split.out2 = entry;
          entry = split;
        }
        return entry;
      }
      case "repeat": {
        let entry = next;
        if (node.max === Infinity) {
          // A loop: split → item → back to split; the exit goes on to `next`.
          const loop = this.state(null);
          loop.out2 = next;
          loop.out = this.build(node.item, loop);
          entry = loop;
        } else {
          // Optional copies: at each, either take one more item (then the remaining copies) or stop.
          for (let k = node.max - node.min; k > 0; k--) {
            const split = this.state(null);
            split.out = this.build(node.item, entry);
            split.out2 = next;
            entry = split;
          }
        }
        for (let k = 0; k < node.min; k++) entry = this.build(node.item, entry);
        return entry;
      }
    }
  }
}

/** A compiled NFA: `test(text)` is true when the whole text matches. */
export class NfaMatcher {
  private readonly start: State;
  private readonly size: number;
  private readonly ci: boolean;

  constructor(pattern: string, caseInsensitive: boolean) {
    const node = new Parser(pattern, caseInsensitive).parse();
    const b = new Builder();
    const accept = b.state(null, true);
    this.start = b.build(node, accept);
    this.size = b.states.length;
    this.ci = caseInsensitive;
  }

  test(text: string): boolean {
    const s = this.ci ? text.toLowerCase() : text;
    const mark = new Int32Array(this.size).fill(-1);
    let current: State[] = [];
    let nextList: State[] = [];
    let gen = 0;
    const add = (list: State[], st: State | null): void => {
      const stack: Array<State | null> = [st];
      while (stack.length) {
        const x = stack.pop()!;
        if (!x || mark[x.id] === gen) continue;
        mark[x.id] = gen;
        if (x.test === null && !x.match) {
          stack.push(x.out2, x.out);
        } else list.push(x);
      }
    };
    add(current, this.start);
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      gen++;
      nextList.length = 0;
      for (const st of current) if (st.test && st.test(c)) add(nextList, st.out);
      [current, nextList] = [nextList, current];
      if (current.length === 0) return false;
    }
    return current.some((st) => st.match);
  }
}
