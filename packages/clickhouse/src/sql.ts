/**
 * The one place where values and names enter SQL text. ClickHouse 18.16 has no server-side
 * query parameters (`{name:Type}` arrived in 19.x; 18.16 answers "Unknown setting param_x"), so
 * every literal is escaped here, and every identifier is checked against a strict pattern.
 */

/** A value that can be written as a ClickHouse literal. */
export type SqlValue = string | number | boolean | null | readonly SqlValue[];

/** Raised for a value or name that cannot safely be written into SQL. */
export class SqlSafetyError extends Error {
  override readonly name = "SqlSafetyError";
}

/** Writes `value` as a ClickHouse literal: quoted, escaped strings; finite numbers; NULL; arrays. */
export function literal(value: SqlValue): string {
  if (value === null) return "NULL";
  if (typeof value === "boolean") return value ? "1" : "0";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new SqlSafetyError(`cannot write ${String(value)} as a SQL number`);
    // Exponent forms ("1e+21") are valid ClickHouse float literals; negative numbers are parenthesised
    // so "- -1" can never form a comment token ("--").
    const text = String(value);
    return value < 0 || Object.is(value, -0) ? `(${text})` : text;
  }
  if (Array.isArray(value)) return `[${value.map((v) => literal(v)).join(", ")}]`;
  return `'${escapeString(value as string)}'`;
}

/**
 * Escapes a string for a single-quoted ClickHouse literal. Backslash and quote are escaped;
 * every control character (NUL included) is written as `\xHH`, so the text of the query never
 * holds a raw control byte; everything else (unicode included) passes through as UTF-8.
 */
function escapeString(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const code = s.charCodeAt(i);
    if (ch === "\\") out += "\\\\";
    else if (ch === "'") out += "\\'";
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return out;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/** Checks a table or column name and back-quotes it; anything but `[A-Za-z_][A-Za-z0-9_]*` is refused. */
export function ident(name: string): string {
  if (!IDENT.test(name)) throw new SqlSafetyError(`invalid SQL identifier ${JSON.stringify(name)}`);
  return `\`${name}\``;
}

const DATASET = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/** Validates a dataset name (it becomes part of table names). */
export function checkDatasetName(name: string): string {
  if (!DATASET.test(name)) {
    throw new SqlSafetyError(`invalid dataset name ${JSON.stringify(name)}: use a letter, then letters, digits or _ (at most 64)`);
  }
  return name;
}
