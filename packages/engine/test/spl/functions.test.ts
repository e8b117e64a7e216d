import { describe, expect, it } from "vitest";
import { runSpl, SPL_FUNCTIONS, functionNames } from "../../src/index.ts";
import { fixture } from "./fixture.ts";

/** SPL eval functions, one expression each, against hand-computed answers. */

const ds = fixture([
  {
    time: "2017-08-23T21:00:30Z",
    raw: "tcp connection from 10.0.2.107 user=FROTHLY\\service3",
    fields: { s: "  Hello World  ", n: 3.14159, ip: "10.0.2.107", mv: ["b", "a", "b", "c"], path: "C:\\Windows\\system32\\ftp.exe", q: "a%20b+c" },
  },
]);
const ev = (expr: string, tz = "UTC") => runSpl(ds, `* | eval x=${expr} | table x`, { tz, nowMs: Date.parse("2017-08-24T00:00:00Z") }).results[0]!.x;

describe("SPL eval functions", () => {
  it("conditionals and null handling", () => {
    expect(ev('if(n > 3, "big", "small")')).toBe("big");
    expect(ev('case(n < 1, "a", n < 5, "b", true(), "c")')).toBe("b");
    expect(ev("coalesce(missing, ip)")).toBe("10.0.2.107");
    expect(ev("isnull(missing)")).toBe(true);
    expect(ev("isnotnull(ip)")).toBe(true);
    expect(ev("null()")).toBeUndefined();
    expect(ev("typeof(n)")).toBe("Number");
    expect(ev("typeof(ip)")).toBe("String");
    expect(ev("typeof(missing)")).toBe("Invalid");
  });
  it("text", () => {
    expect(ev("len(ip)")).toBe(10);
    expect(ev("lower(s)")).toBe("  hello world  ");
    expect(ev("upper(ip)")).toBe("10.0.2.107");
    expect(ev("substr(ip, 1, 4)")).toBe("10.0");
    expect(ev("substr(ip, -3)")).toBe("107");
    expect(ev('replace(ip, "(\\d+)\\.(\\d+)", "\\2.\\1")')).toBe("0.10.107.2");
    expect(ev("trim(s)")).toBe("Hello World");
    expect(ev("ltrim(s)")).toBe("Hello World  ");
    expect(ev('rtrim(path, ".exe")')).toBe("C:\\Windows\\system32\\ftp");
    expect(ev("urldecode(q)")).toBe("a b c");
    expect(ev('ip . ":" . 443')).toBe("10.0.2.107:443");
  });
  it("multivalue", () => {
    expect(ev('split(ip, ".")')).toEqual(["10", "0", "2", "107"]);
    expect(ev('mvindex(split(ip, "."), -1)')).toBe("107");
    expect(ev('mvindex(split(ip, "."), 1, 2)')).toEqual(["0", "2"]);
    expect(ev("mvcount(mv)")).toBe(4);
    expect(ev('mvjoin(mv, "|")')).toBe("b|a|b|c");
    expect(ev('mvfilter(mv != "b")')).toEqual(["a", "c"]);
    expect(ev('mvappend(ip, "x", mv)')).toEqual(["10.0.2.107", "x", "b", "a", "b", "c"]);
    expect(ev("mvdedup(mv)")).toEqual(["b", "a", "c"]);
    expect(ev('mvfind(mv, "^c")')).toBe(3);
  });
  it("numbers", () => {
    expect(ev("round(n, 2)")).toBe(3.14);
    expect(ev("round(2.5)")).toBe(3);
    expect(ev("floor(n)")).toBe(3);
    expect(ev("abs(0 - n)")).toBe(3.14159);
    expect(ev('tonumber("0x1F", 16)')).toBe(31);
    expect(ev('tonumber("42")')).toBe(42);
    expect(ev("tostring(n)")).toBe("3.14159");
    expect(ev('tostring(3725, "duration")')).toBe("01:02:05");
    expect(ev("7 / 2")).toBe(3.5);
    expect(ev("n + 1")).toBe(4.14159);
    expect(ev('ip + "x"')).toBe("10.0.2.107x");
    expect(ev("missing + 1")).toBeUndefined();
  });
  it("time in the chosen timezone", () => {
    expect(ev('strftime(_time, "%Y-%m-%d %H:%M:%S")', "America/Los_Angeles")).toBe("2017-08-23 14:00:30");
    expect(ev('strftime(_time, "%c")', "America/Los_Angeles")).toBe("Wed Aug 23 14:00:30 2017");
    expect(ev('strftime(_time, "%Y-%m-%dT%H:%M:%S.%3N%z")', "Asia/Tokyo")).toBe("2017-08-24T06:00:30.000+0900");
    expect(ev('strptime("2017-08-23 14:00:30", "%Y-%m-%d %H:%M:%S")', "America/Los_Angeles")).toBe(Date.parse("2017-08-23T21:00:30Z") / 1000);
    expect(ev('relative_time(_time, "-1d@d")', "America/Los_Angeles")).toBe(Date.parse("2017-08-22T07:00:00Z") / 1000);
    expect(ev("now()")).toBe(Date.parse("2017-08-24T00:00:00Z") / 1000);
  });
  it("matching", () => {
    expect(ev('searchmatch("tcp FROTHLY*")')).toBe(true);
    expect(ev('searchmatch("udp")')).toBe(false);
    expect(ev('match(path, "(?i)FTP\\.EXE$")')).toBe(true);
    expect(ev('like(path, "%ftp%")')).toBe(true);
    expect(ev('like(path, "ftp%")')).toBe(false);
    expect(ev('cidrmatch("10.0.2.0/24", ip)')).toBe(true);
    expect(ev('cidrmatch("10.0.1.0/24", ip)')).toBe(false);
  });
  it("hashes and base64 (UTF-16LE for powershell -enc)", () => {
    expect(ev('md5("abc")')).toBe("900150983cd24fb0d6963f7d28e17f72");
    expect(ev('sha256("abc")')).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    // "whoami /user" encoded as PowerShell's -EncodedCommand does (UTF-16LE, base64).
    expect(ev('base64decode("dwBoAG8AYQBtAGkAIAAvAHUAcwBlAHIA", "utf-16le")')).toBe("whoami /user");
    expect(ev('base64decode("dwBoAG8AYQBtAGkAIAAvAHUAcwBlAHIA")')).toBe("whoami /user");
    expect(ev('base64decode("aGVsbG8=")')).toBe("hello");
    expect(ev('base64encode("whoami /user", "utf-16le")')).toBe("dwBoAG8AYQBtAGkAIAAvAHUAcwBlAHIA");
    expect(ev('base64decode("!!not base64")')).toBe("!!not base64");
  });
  it("every documented function is implemented", () => {
    const registered = new Set(functionNames());
    for (const name of Object.keys(SPL_FUNCTIONS)) expect(registered.has(name === "." ? "spl.concat" : `spl.${name}`)).toBe(true);
  });
});
