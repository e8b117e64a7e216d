import { winEventFromXml } from "../winevent.ts";
import { eventFromNodes } from "./event-fields.ts";
import type { BinaryFormat, BinaryParser, ParseSink } from "../types.ts";
import { CHUNK_SIZE, type ChunkSink, hasChunkMagic, parseChunk } from "./chunk.ts";
import { crc32 } from "./crc32.ts";

/** The file header occupies the first 4 KiB; chunks follow back to back. */
const FILE_HEADER_BLOCK = 4096;
const FILE_MAGIC = [0x45, 0x6c, 0x66, 0x46, 0x69, 0x6c, 0x65, 0x00]; // "ElfFile\0"

/** True when the bytes start with the EVTX file magic. */
function hasFileMagic(b: Uint8Array): boolean {
  if (b.length < 8) return false;
  for (let i = 0; i < 8; i++) if (b[i] !== FILE_MAGIC[i]) return false;
  return true;
}

/**
 * Streaming EVTX reader: bytes arrive in any split; each 64 KiB chunk is parsed as soon as it is complete
 * (straight from the caller's buffer when it lies in one piece, else assembled in one reused buffer), so a
 * file is never held whole.
 */
class EvtxParser implements BinaryParser {
  private readonly header = new Uint8Array(FILE_HEADER_BLOCK);
  private headerFill = 0;
  private readonly chunk = new Uint8Array(CHUNK_SIZE);
  private chunkFill = 0;
  /** File offset of the chunk being assembled. */
  private chunkBase = FILE_HEADER_BLOCK;
  private chunkIndex = 0;
  /** Chunks the header says are in use; later ones are slack space. */
  private chunkCount = 0;
  private readonly chunkSink: ChunkSink;

  constructor(private readonly sink: ParseSink) {
    this.chunkSink = {
      record: (xml, offset, nodes) => {
        try {
          // The fields straight from the BinXML; the XML is parsed only where that could differ.
          sink.event(eventFromNodes(nodes, xml) ?? winEventFromXml(xml));
        } catch (e) {
          sink.problem({ offset, reason: `corrupt record: ${(e as Error).message}` });
        }
      },
      problem: (offset, reason) => sink.problem({ offset, reason }),
    };
  }

  write(data: Uint8Array): void {
    let p = 0;
    if (this.headerFill < FILE_HEADER_BLOCK) {
      const n = Math.min(FILE_HEADER_BLOCK - this.headerFill, data.length);
      this.header.set(data.subarray(0, n), this.headerFill);
      this.headerFill += n;
      p = n;
      if (this.headerFill === FILE_HEADER_BLOCK) this.readHeader();
    }
    while (p < data.length) {
      if (this.chunkFill === 0 && data.length - p >= CHUNK_SIZE) {
        this.flush(data.subarray(p, p + CHUNK_SIZE));
        p += CHUNK_SIZE;
        continue;
      }
      const n = Math.min(CHUNK_SIZE - this.chunkFill, data.length - p);
      this.chunk.set(data.subarray(p, p + n), this.chunkFill);
      this.chunkFill += n;
      p += n;
      if (this.chunkFill === CHUNK_SIZE) {
        this.flush(this.chunk);
        this.chunkFill = 0;
      }
    }
  }

  end(): void {
    if (this.headerFill < FILE_HEADER_BLOCK) {
      this.sink.problem({ offset: 0, reason: `truncated file: header has ${this.headerFill} of ${FILE_HEADER_BLOCK} bytes` });
      return;
    }
    if (this.chunkFill > 0) {
      const rest = this.chunk.subarray(0, this.chunkFill);
      // A short tail of zeros is padding, not a lost chunk.
      if (hasChunkMagic(rest) || !rest.every((v) => v === 0)) this.flush(rest);
      this.chunkFill = 0;
    }
  }

  private readHeader(): void {
    const h = this.header;
    const view = new DataView(h.buffer);
    if (!hasFileMagic(h)) this.sink.problem({ offset: 0, reason: "bad file header: no ElfFile magic" });
    else if (crc32(h, 0, 120) !== view.getUint32(124, true)) {
      // Chunks carry their own checksums, so a damaged file header costs nothing else.
      this.sink.problem({ offset: 124, reason: "bad file header checksum: chunks are read anyway" });
    }
    this.chunkCount = view.getUint16(42, true);
  }

  private flush(bytes: Uint8Array): void {
    const index = this.chunkIndex++;
    const base = this.chunkBase;
    this.chunkBase += bytes.length;
    // Chunks past the header's count are preallocated space (zeros) or stale: read them only if they look alive.
    if (index >= this.chunkCount && !hasChunkMagic(bytes)) return;
    parseChunk(bytes, base, this.chunkSink);
  }
}

/** Binary Windows event logs (.evtx), recognised by the `ElfFile\0` magic. */
export const evtxFormat: BinaryFormat = {
  kind: "binary",
  name: "evtx",
  description: "Windows EVTX event log (binary)",
  sniff: (head) => (hasFileMagic(head) ? 1 : 0),
  open: (sink) => new EvtxParser(sink),
};
