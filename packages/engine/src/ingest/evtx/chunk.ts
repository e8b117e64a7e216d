import { ChunkDecoder, type XNode } from "./binxml.ts";
import { crc32 } from "./crc32.ts";

/** Every chunk is 64 KiB; its first 512 bytes are the header with the string and template tables. */
export const CHUNK_SIZE = 0x10000;
const CHUNK_HEADER_SIZE = 512;
/** A record: signature, size, record id, written FILETIME, BinXML, size again. */
const RECORD_OVERHEAD = 28;
const RECORD_SIGNATURE = 0x00002a2a;
const CHUNK_MAGIC = [0x45, 0x6c, 0x66, 0x43, 0x68, 0x6e, 0x6b, 0x00]; // "ElfChnk\0"

/** Receives what a chunk yields: each record's XML (and the nodes it was rendered from), and problems with absolute file offsets. */
export interface ChunkSink {
  record(xml: string, offset: number, nodes: XNode[]): void;
  problem(offset: number, reason: string): void;
}

/** True when the bytes start with the chunk magic. */
export function hasChunkMagic(b: Uint8Array): boolean {
  if (b.length < 8) return false;
  for (let i = 0; i < 8; i++) if (b[i] !== CHUNK_MAGIC[i]) return false;
  return true;
}

/**
 * Parses one chunk (64 KiB, or fewer bytes when the file is truncated) at file offset `base`. A bad magic or
 * header checksum skips the chunk; a records checksum mismatch is reported and every record that still
 * parses is kept; a corrupt record is reported and the scan resumes at the next valid record signature.
 */
export function parseChunk(b: Uint8Array, base: number, sink: ChunkSink): void {
  if (b.length < CHUNK_HEADER_SIZE) {
    sink.problem(base, `truncated chunk: ${b.length} of ${CHUNK_SIZE} bytes, header incomplete, chunk skipped`);
    return;
  }
  if (!hasChunkMagic(b)) {
    sink.problem(base, "bad chunk magic: not ElfChnk, chunk skipped");
    return;
  }
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const headerCrc = crc32(b, 128, CHUNK_HEADER_SIZE, crc32(b, 0, 120));
  if (headerCrc !== view.getUint32(124, true)) {
    sink.problem(base, "bad chunk header checksum: chunk skipped");
    return;
  }
  const truncated = b.length < CHUNK_SIZE;
  let limit = view.getUint32(48, true); // free space offset: where the records end
  if (limit < CHUNK_HEADER_SIZE || limit > CHUNK_SIZE) {
    sink.problem(base + 48, `corrupt chunk header: free space offset ${limit} is outside the chunk`);
    limit = CHUNK_SIZE;
  }
  if (truncated) {
    sink.problem(base, `truncated chunk: ${b.length} of ${CHUNK_SIZE} bytes, records past the end are lost`);
    limit = Math.min(limit, b.length);
  } else if (crc32(b, CHUNK_HEADER_SIZE, limit) !== view.getUint32(52, true)) {
    sink.problem(base + CHUNK_HEADER_SIZE, "bad chunk records checksum: records that still parse are kept");
  }
  // The header's record-number range tells how many records to expect, so none can go missing silently.
  const expected = Number(view.getBigUint64(16, true) - view.getBigUint64(8, true)) + 1;
  let found = 0;

  const decoder = new ChunkDecoder(b);
  let pos = CHUNK_HEADER_SIZE;
  while (pos + RECORD_OVERHEAD <= limit) {
    const size = validRecordSize(view, pos, limit);
    if (size < 0) {
      // Zero padding after the last record is normal; anything else is damage.
      if (view.getUint32(pos, true) === 0 && allZero(b, pos, limit)) break;
      // The record cut off by a truncation is already reported with the chunk.
      if (truncated && view.getUint32(pos, true) === RECORD_SIGNATURE && pos + view.getUint32(pos + 4, true) > limit) break;
      sink.problem(base + pos, "corrupt record: bad signature or size, skipped to the next record");
      pos = resync(view, pos + 1, limit);
      continue;
    }
    found++;
    try {
      const xml = decoder.render(pos + 24, pos + size - 4);
      sink.record(xml, base + pos, decoder.lastNodes);
    } catch (e) {
      sink.problem(base + pos, `corrupt record: ${(e as Error).message}`);
    }
    pos += size;
  }
  // A freshly initialised chunk holds no records and its number range means nothing.
  if (!truncated && limit > CHUNK_HEADER_SIZE && found !== expected) {
    sink.problem(base + 8, `record count mismatch: the chunk header numbers ${expected} records, ${found} found`);
  }
}

/** The record size at `pos` when its signature and both size copies agree and it fits, else -1. */
function validRecordSize(view: DataView, pos: number, limit: number): number {
  if (view.getUint32(pos, true) !== RECORD_SIGNATURE) return -1;
  const size = view.getUint32(pos + 4, true);
  if (size < RECORD_OVERHEAD || pos + size > limit) return -1;
  return view.getUint32(pos + size - 4, true) === size ? size : -1;
}

/** The next position at or after `from` holding a valid record, or `limit`. */
function resync(view: DataView, from: number, limit: number): number {
  for (let p = from; p + RECORD_OVERHEAD <= limit; p++) {
    if (validRecordSize(view, p, limit) > 0) return p;
  }
  return limit;
}

function allZero(b: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (b[i] !== 0) return false;
  return true;
}
