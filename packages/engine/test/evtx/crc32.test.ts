import { crc32 as zlibCrc32 } from "node:zlib";
import { describe, expect, it } from "vitest";
import { crc32 } from "../../src/ingest/evtx/crc32.ts";

describe("evtx CRC-32 (slicing-by-8)", () => {
  const bytes = new Uint8Array(70001);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919 + (i >> 3)) & 0xff;

  it("matches zlib's CRC-32 on every alignment and length", () => {
    for (const [start, end] of [[0, 0], [0, 1], [3, 100], [5, 70001], [0, 65536], [7, 15]] as const) {
      expect(crc32(bytes, start, end)).toBe(zlibCrc32(bytes.subarray(start, end)));
    }
    expect(crc32(new TextEncoder().encode("123456789"), 0, 9)).toBe(0xcbf43926);
  });

  it("continues across disjoint ranges as EVTX chunk headers need (0..120 then 128..512)", () => {
    const joined = new Uint8Array([...bytes.subarray(0, 120), ...bytes.subarray(128, 512)]);
    expect(crc32(bytes, 128, 512, crc32(bytes, 0, 120))).toBe(zlibCrc32(joined));
  });
});
