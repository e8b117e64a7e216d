import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Utf8Chunks } from "../../src/ingest/utf8-chunks.ts";

/** Bytes mixing ASCII, valid 2–4 byte characters and invalid or truncated sequences. */
const piece = fc.oneof(
  fc.constantFrom("a", "\n", "é", "€", "😀", "中").map((s) => [...new TextEncoder().encode(s)]),
  fc.constantFrom([0xff], [0x80], [0xc3], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0xed, 0xa0, 0x80], [0xe0, 0x80], [0xf4, 0x90], [0xc0, 0xaf]),
);

describe("Utf8Chunks", () => {
  it("decodes any byte stream, cut anywhere, exactly as one whole-buffer decode", () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), fc.array(fc.integer({ min: 0, max: 200 }), { maxLength: 8 }), (pieces, cuts) => {
        const bytes = Uint8Array.from(pieces.flat());
        const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const d = new Utf8Chunks();
        let out = "";
        let prev = 0;
        for (const c of [...at, bytes.length]) {
          out += d.decode(bytes.subarray(prev, c));
          prev = c;
        }
        out += d.end();
        expect(out).toBe(new TextDecoder().decode(bytes));
      }),
      { numRuns: 3000 },
    );
  });

  it("carries a character split across chunks and flushes a truncated one as U+FFFD", () => {
    const euro = new TextEncoder().encode("€");
    const d = new Utf8Chunks();
    expect(d.decode(euro.subarray(0, 1))).toBe("");
    expect(d.decode(euro.subarray(1, 2))).toBe("");
    expect(d.decode(Uint8Array.of(euro[2]!, 0x41))).toBe("€A");
    expect(d.decode(euro.subarray(0, 2))).toBe("");
    expect(d.end()).toBe("\uFFFD");
  });
});
