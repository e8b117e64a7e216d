/**
 * Pattern compilation shared by the filter and the row evaluator: EQL/SPL `*`/`?` wildcards,
 * Lucene regular expressions (whole-value match, as Elasticsearch's `regexp` query), and SPL
 * search terms. Compiled patterns are cached by source text.
 */

import { NfaMatcher } from "./nfa.ts";

const cache = new Map<string, RegExp>();
const nfaCache = new Map<string, NfaMatcher>();

function cached(key: string, build: () => RegExp): RegExp {
  let re = cache.get(key);
  if (!re) {
    if (cache.size > 10000) cache.clear();
    re = build();
    cache.set(key, re);
  }
  return re;
}

function escapeRe(ch: string): string {
  // Not "-": outside a class it needs no escape, and "\-" is a syntax error under the u flag.
  return /[\\^$.*+?()[\]{}|/]/.test(ch) ? "\\" + ch : ch;
}

/** A whole-value matcher for a wildcard pattern: `*` = any run, `?` = one character, `\` escapes. */
export function wildcardRegExp(pattern: string, caseInsensitive: boolean): RegExp {
  return cached(`w${caseInsensitive ? "i" : "s"}${pattern}`, () => {
    let src = "";
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern[i]!;
      if (c === "*") src += "[\\s\\S]*";
      else if (c === "?") src += "[\\s\\S]";
      else if (c === "\\" && i + 1 < pattern.length) src += escapeRe(pattern[++i]!);
      else src += escapeRe(c);
    }
    return new RegExp(`^(?:${src})$`, caseInsensitive ? "iu" : "u");
  });
}

/**
 * A whole-value matcher for a Lucene regular expression (a RegExp, or an automaton for shapes that could backtrack badly). Lucene differs from JavaScript: it is
 * always anchored, `"..."` quotes literals, `@` is any string, `#` the empty language, `<n-m>` a
 * numeric range, and `.` also matches newlines. Throws SyntaxError on a malformed pattern.
 */
export function luceneRegExp(pattern: string, caseInsensitive: boolean): { test(text: string): boolean } {
  try {
    rejectNestedQuantifiers(pattern);
  } catch {
    // Could backtrack exponentially in JavaScript: run it as an automaton, as Lucene does.
    const key = `n${caseInsensitive ? "i" : "s"}${pattern}`;
    let m = nfaCache.get(key);
    if (!m) {
      if (nfaCache.size > 1000) nfaCache.clear();
      m = new NfaMatcher(pattern, caseInsensitive);
      nfaCache.set(key, m);
    }
    return m;
  }
  return cached(`r${caseInsensitive ? "i" : "s"}${pattern}`, () => {
    let src = "";
    let inClass = false;
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern[i]!;
      if (c === "\\" && i + 1 < pattern.length) {
        const n = pattern[++i]!;
        // Lucene 9 knows \d \s \w and their negations; any other escaped character is literal.
        // "-" too: inside a class an unescaped "-" would make a range (no u flag here, so "\\-" is valid).
        src += /[dDsSwW]/.test(n) ? "\\" + n : n === "-" ? "\\-" : escapeRe(n);
        continue;
      }
      if (inClass) {
        if (c === "]") inClass = false;
        src += c === "[" ? "\\[" : c;
        continue;
      }
      switch (c) {
        case "[":
          inClass = true;
          src += c;
          if (pattern[i + 1] === "^") {
            src += "^";
            i++;
          }
          break;
        case ".":
          src += "[\\s\\S]";
          break;
        case "@":
          src += "[\\s\\S]*";
          break;
        case "#":
          src += "(?!)";
          break;
        case '"': {
          const end = pattern.indexOf('"', i + 1);
          const lit = end < 0 ? pattern.slice(i + 1) : pattern.slice(i + 1, end);
          for (const ch of lit) src += escapeRe(ch);
          i = end < 0 ? pattern.length : end;
          break;
        }
        case "<": {
          const m = /^<(\d+)-(\d+)>/.exec(pattern.slice(i));
          if (m) {
            src += numericRange(Number(m[1]), Number(m[2]));
            i += m[0].length - 1;
          } else src += "<";
          break;
        }
        case "/":
        case "-":
          src += "\\" + c;
          break;
        default:
          src += c;
      }
    }
    return new RegExp(`^(?:${src})$`, caseInsensitive ? "i" : "");
  });
}

/**
 * Lucene runs regexes as automata in linear time; JavaScript backtracks, and a quantified group
 * that itself contains a quantifier (`(a+)+`, `(x*y?)*`) can take exponential time on one value.
 * Such patterns are refused with a clear error instead of hanging the worker.
 */
export function rejectNestedQuantifiers(pattern: string): void {
  const stack: boolean[] = [];
  let inner = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "\\") {
      i++;
      continue;
    }
    if (c === "[") {
      const end = pattern.indexOf("]", i + 2);
      i = end < 0 ? pattern.length : end;
      continue;
    }
    if (c === "(") {
      stack.push(inner);
      inner = false;
    } else if (c === ")") {
      const hadQuantifier = inner;
      inner = stack.pop() ?? false;
      const next = pattern[i + 1];
      if (hadQuantifier && (next === "*" || next === "+" || next === "{")) {
        throw new SyntaxError("nested repetition such as (a+)+ is not supported (it can take exponential time)");
      }
      if (hadQuantifier) inner = true;
    } else if (c === "*" || c === "+" || c === "{" || c === "?") inner = true;
  }
}

function numericRange(lo: number, hi: number): string {
  const a = Math.min(lo, hi);
  const b = Math.max(lo, hi);
  if (b - a > 5000) return "\\d+";
  const alts: string[] = [];
  for (let v = a; v <= b; v++) alts.push(String(v));
  return `0*(?:${alts.join("|")})`;
}

/**
 * An SPL search-term matcher over raw text: case-insensitive, `*` wildcards, and the term must sit
 * on token boundaries (Splunk matches whole segments, so `fail` does not match `failed`, but
 * `fail*` does).
 */
export function termRegExp(text: string): RegExp {
  return cached(`t${text}`, () => {
    let src = "";
    for (const c of text) src += c === "*" ? "[\\s\\S]*?" : escapeRe(c);
    const startWord = /^[\p{L}\p{N}_]/u.test(text);
    const endWord = /[\p{L}\p{N}_]$/u.test(text);
    const pre = startWord ? "(?<![\\p{L}\\p{N}_])" : "";
    const post = endWord ? "(?![\\p{L}\\p{N}_])" : "";
    return new RegExp(pre + src + post, "iu");
  });
}
