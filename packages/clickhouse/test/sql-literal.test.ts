import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Connection, SqlSafetyError, checkDatasetName, ident, literal } from "../src/index.ts";
import { haveClickHouse, startServer, type TestServer } from "./server.ts";

const HOSTILE = [
  "it's",
  "back\\slash",
  "trailing\\",
  "'); DROP TABLE quarry_x_events; --",
  "a\u0000b",
  "tab\tnew\nline\rcr",
  "\u001f\u007f",
  "unicode: ünïcödé 漢字 🙂 \u202e",
  "\\'",
  "''",
  "-- comment",
  "/* c */",
  "{v:String}",
  "",
];

describe("literal (offline)", () => {
  it("quotes and escapes strings, never leaving a raw quote or control byte", () => {
    expect(literal("it's")).toBe("'it\\'s'");
    expect(literal("a\\b")).toBe("'a\\\\b'");
    expect(literal("a\u0000b")).toBe("'a\\x00b'");
    for (const s of HOSTILE) {
      const lit = literal(s);
      // Inside the quotes, every quote is preceded by an odd run of backslashes.
      const body = lit.slice(1, -1);
      expect(/(^|[^\\])(\\\\)*'/.test(body)).toBe(false);
      expect(/[\x00-\x1f\x7f]/.test(lit)).toBe(false);
    }
  });
  it("writes numbers, booleans, null and arrays; refuses non-finite numbers", () => {
    expect(literal(1.5)).toBe("1.5");
    expect(literal(-2)).toBe("(-2)");
    expect(literal(true)).toBe("1");
    expect(literal(null)).toBe("NULL");
    expect(literal(["a", 1])).toBe("['a', 1]");
    expect(() => literal(Number.NaN)).toThrow(SqlSafetyError);
    expect(() => literal(Infinity)).toThrow(SqlSafetyError);
  });
  it("validates identifiers and dataset names", () => {
    expect(ident("c12")).toBe("`c12`");
    for (const bad of ["", "a b", "a`b", "x;DROP", "1abc", "é", "a.b", "x".repeat(200)]) expect(() => ident(bad)).toThrow(SqlSafetyError);
    expect(checkDatasetName("botsv2_2017")).toBe("botsv2_2017");
    for (const bad of ["", "_x", "a-b", "a'b", "Robert'); DROP TABLE students;--"]) expect(() => checkDatasetName(bad)).toThrow(SqlSafetyError);
  });
});

describe.skipIf(!haveClickHouse)("literal round trip through clickhouse-server 18.16", () => {
  let server: TestServer;
  let conn: Connection;
  beforeAll(async () => {
    server = await startServer();
    conn = new Connection(server.url);
  }, 120_000);
  afterAll(async () => {
    await conn?.close();
    await server?.stop();
  }, 120_000);

  it("every hostile string comes back byte for byte, and nothing else runs", async () => {
    await conn.command("CREATE TABLE canary (x String) ENGINE = Log");
    await conn.insert(ident("canary"), [{ x: "alive" }]);
    for (const s of HOSTILE) {
      const rows = await conn.rows<{ v: string; n: string | number }>(`SELECT ${literal(s)} AS v, length(${literal(s)}) AS n`);
      expect(rows).toEqual([{ v: s, n: expect.anything() }]);
      expect(Number(rows[0]!.n)).toBe(Buffer.byteLength(s, "utf8"));
      const eq = await conn.rows<{ x: string }>(`SELECT x FROM canary WHERE x = ${literal(s)} OR x = 'alive'`);
      expect(eq).toEqual([{ x: "alive" }]);
    }
    expect(await conn.rows("SELECT x FROM canary")).toEqual([{ x: "alive" }]);
    expect(await conn.rows(`SELECT ${literal(["a'b", "c\\d"])} AS a`)).toEqual([{ a: ["a'b", "c\\d"] }]);
    expect(await conn.rows(`SELECT ${literal(-2)} - ${literal(-3)} AS d`)).toEqual([{ d: 1 }]);
  });
});
