import { describe, expect, it } from "vitest";
import { Dataset, ingestBytes } from "../../src/index.ts";
import { evtxFormat } from "../../src/ingest/evtx/format.ts";
import { readSample } from "./helpers.ts";

/** 565 records in 15 chunks. */
const FILE = "PanacheSysmon_vs_AtomicRedTeam01.evtx";
const HEADER = 4096;
const CHUNK = 65536;
const chunkAt = (i: number) => HEADER + i * CHUNK;

/** Records in chunk i, from the chunk header's first/last record numbers (u64 at +8 and +16). */
function recordsInChunk(bytes: Uint8Array, i: number): number {
  const v = new DataView(bytes.buffer, bytes.byteOffset + chunkAt(i), 24);
  return Number(v.getBigUint64(16, true) - v.getBigUint64(8, true)) + 1;
}

/** Record start offsets in chunk i, walking the size fields from the first record at +512. */
function recordOffsets(bytes: Uint8Array, i: number): number[] {
  const base = chunkAt(i);
  const v = new DataView(bytes.buffer, bytes.byteOffset);
  const out: number[] = [];
  for (let p = base + 512; p < base + CHUNK && v.getUint32(p, true) === 0x2a2a; p += v.getUint32(p + 4, true)) out.push(p);
  return out;
}

function ingest(bytes: Uint8Array, chunkSize?: number) {
  const ds = new Dataset();
  return ingestBytes(ds, "x.evtx", bytes, chunkSize);
}

function reasons(s: ReturnType<typeof ingest>): string[] {
  return s.problems.map((p) => `${p.offset ?? "?"} ${p.reason}`);
}

describe("evtx: streaming and bad input", () => {
  const original = readSample(FILE);

  it("the test's own reading of the chunk headers agrees with the 565 records of PROVENANCE", () => {
    let n = 0;
    for (let i = 0; i < 15; i++) {
      n += recordsInChunk(original, i);
      expect(recordOffsets(original, i)).toHaveLength(recordsInChunk(original, i));
    }
    expect(n).toBe(565);
  });

  for (const size of [1, 7777, CHUNK + 3, 3 * CHUNK]) {
    it(`gives the same 565 events whatever the write size (${size} bytes)`, () => {
      const bytes = size === 1 ? original.subarray(0, HEADER + 2 * CHUNK) : original;
      const s = ingest(bytes, size);
      expect(s.problems).toEqual([]);
      expect(s.events).toBe(size === 1 ? recordsInChunk(original, 0) + recordsInChunk(original, 1) : 565);
    });
  }

  it("a file truncated inside a chunk: reports it, keeps the earlier chunks and the complete records", () => {
    const cut = chunkAt(2) + 30000;
    const s = ingest(original.slice(0, cut));
    const complete = recordOffsets(original, 2).filter((p) => {
      const size = new DataView(original.buffer, original.byteOffset).getUint32(p + 4, true);
      return p + size <= cut;
    }).length;
    expect(complete).toBeGreaterThan(0);
    expect(complete).toBeLessThan(recordsInChunk(original, 2));
    expect(s.events).toBe(recordsInChunk(original, 0) + recordsInChunk(original, 1) + complete);
    expect(reasons(s)).toEqual([`${chunkAt(2)} truncated chunk: 30000 of 65536 bytes, records past the end are lost`]);
  });

  it("a file truncated inside a chunk header or the file header", () => {
    const s = ingest(original.slice(0, chunkAt(1) + 200));
    expect(s.events).toBe(recordsInChunk(original, 0));
    expect(reasons(s)).toEqual([`${chunkAt(1)} truncated chunk: 200 of 65536 bytes, header incomplete, chunk skipped`]);
    const h = ingest(original.slice(0, 1000));
    expect(h.format).toBe("evtx");
    expect(h.events).toBe(0);
    expect(reasons(h)).toEqual(["0 truncated file: header has 1000 of 4096 bytes"]);
  });

  it("a chunk with a bad header checksum is skipped and reported; every other chunk loads", () => {
    const bytes = original.slice();
    bytes[chunkAt(3) + 20] ^= 0xff; // inside "last event record number", covered by the header CRC
    const s = ingest(bytes);
    expect(s.events).toBe(565 - recordsInChunk(original, 3));
    expect(reasons(s)).toEqual([`${chunkAt(3)} bad chunk header checksum: chunk skipped`]);
    expect(s.problemCounts).toEqual({ "bad chunk header checksum": 1 });
  });

  it("a chunk with a bad magic is skipped and reported", () => {
    const bytes = original.slice();
    bytes.set([0x58, 0x58, 0x58], chunkAt(5));
    const s = ingest(bytes);
    expect(s.events).toBe(565 - recordsInChunk(original, 5));
    expect(reasons(s)).toEqual([`${chunkAt(5)} bad chunk magic: not ElfChnk, chunk skipped`]);
  });

  it("a record with a broken signature: reported at its offset, the chunk's other records kept", () => {
    const bytes = original.slice();
    const victim = recordOffsets(original, 4)[3]!;
    bytes[victim] = 0x00;
    const s = ingest(bytes);
    expect(s.events).toBe(564);
    expect(reasons(s)).toEqual([
      `${chunkAt(4) + 512} bad chunk records checksum: records that still parse are kept`,
      `${victim} corrupt record: bad signature or size, skipped to the next record`,
      `${chunkAt(4) + 8} record count mismatch: the chunk header numbers ${recordsInChunk(original, 4)} records, ${recordsInChunk(original, 4) - 1} found`,
    ]);
  });

  it("a record whose BinXML is broken: reported, the others kept", () => {
    const bytes = original.slice();
    const victim = recordOffsets(original, 6)[0]!;
    bytes[victim + 24] = 0xff; // the fragment header token
    const s = ingest(bytes);
    expect(s.events).toBe(564);
    expect(s.problems).toHaveLength(2);
    expect(s.problems[1]).toMatchObject({ offset: victim });
    expect(s.problems[1]!.reason).toMatch(/^corrupt record: unknown BinXML token 0xff/);
  });

  it("random damage never throws or hangs, and costs at most the damaged chunks", () => {
    let seed = 12345;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const small = original.slice(0, chunkAt(3)); // 3 chunks keep the loop fast
    const total = recordsInChunk(original, 0) + recordsInChunk(original, 1) + recordsInChunk(original, 2);
    for (let round = 0; round < 40; round++) {
      const bytes = small.slice();
      const chunk = Math.floor(rand() * 3);
      for (let k = 0; k < 1 + Math.floor(rand() * 30); k++) {
        bytes[chunkAt(chunk) + 512 + Math.floor(rand() * (CHUNK - 512))] = Math.floor(rand() * 256);
      }
      const s = ingest(bytes);
      expect(s.events).toBeGreaterThanOrEqual(total - recordsInChunk(original, chunk));
      expect(s.events + s.problemTotal).toBeGreaterThan(0);
    }
  });

  it("a damaged file header is reported; the self-checked chunks still load", () => {
    const bytes = original.slice();
    bytes[24] ^= 0x01; // next record number, covered by the file header CRC
    const s = ingest(bytes);
    expect(s.format).toBe("evtx");
    expect(s.events).toBe(565);
    expect(reasons(s)).toEqual(["124 bad file header checksum: chunks are read anyway"]);
  });

  it("is chosen by the ElfFile magic only", () => {
    expect(evtxFormat.sniff(original.subarray(0, 64))).toBe(1);
    expect(evtxFormat.sniff(original.subarray(chunkAt(0), chunkAt(0) + 64))).toBe(0);
    expect(evtxFormat.sniff(new TextEncoder().encode("ElfFile"))).toBe(0);
    const other = ingest(new TextEncoder().encode("<Event xmlns='x'>"));
    expect(other.format).not.toBe("evtx");
  });

  it("a file of only the header and zero-filled chunks: no events, the missing in-use chunks reported", () => {
    const bytes = new Uint8Array(HEADER + 2 * CHUNK);
    bytes.set(original.subarray(0, HEADER));
    // The header says 15 chunks are in use, so zero-filled ones in that range are reported.
    const s = ingest(bytes);
    expect(s.events).toBe(0);
    expect(s.problemCounts).toEqual({ "bad chunk magic": 2 });
  });
});
