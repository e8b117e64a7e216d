import { Dataset } from "./dataset.ts";
import { Dict } from "./dict.ts";
import type { Column, FieldType, Segment } from "./types.ts";

/**
 * Dataset ⇄ bytes, for browser caching (IndexedDB/OPFS). Layout: 8-byte magic, u32 length of a
 * JSON header, the header, then 8-byte-aligned buffers the header points into. Typed arrays are
 * stored as they are (little-endian, as every browser is); strings (dictionaries, `_raw`) are
 * joined per block and stored as UTF-8, or as UTF-16 code units when a block holds a lone
 * surrogate, so the round trip is exact.
 */

const MAGIC = "QRYDS001";
/** Joined string blocks stay well below V8's maximum string length. */
const MAX_BLOCK_CHARS = 32 * 1024 * 1024;

interface BufRef {
  offset: number;
  byteLength: number;
}

interface StrRef {
  count: number;
  lengths: BufRef;
  blocks: Array<{ count: number; encoding: "utf8" | "utf16"; data: BufRef }>;
}

type ColumnMeta =
  | { name: string; kind: "str"; dict: number; ids: BufRef; boolean?: true }
  | { name: string; kind: "num"; values: BufRef }
  | { name: string; kind: "multi"; dict: number; offsets: BufRef; ids: BufRef }
  | { name: string; kind: "slice"; dict: number; start: BufRef; length: BufRef; outside: { rows: BufRef; values: StrRef } };

interface Header {
  nextSeq: number;
  fieldTypes: Array<[string, FieldType]>;
  dicts: Array<{ name: string | null; values: StrRef }>;
  segments: Array<{
    id: number;
    rowCount: number;
    sourcetype: string;
    aliases: Array<[string, string]>;
    time: BufRef;
    seq: BufRef;
    raw: StrRef;
    columns: ColumnMeta[];
  }>;
}

/** Collects buffers and hands out their (future) positions in the body. */
class BodyWriter {
  readonly parts: Uint8Array[] = [];
  size = 0;

  add(bytes: Uint8Array): BufRef {
    const pad = (8 - (this.size % 8)) % 8;
    if (pad) {
      this.parts.push(new Uint8Array(pad));
      this.size += pad;
    }
    const ref = { offset: this.size, byteLength: bytes.byteLength };
    this.parts.push(bytes);
    this.size += bytes.byteLength;
    return ref;
  }

  typed(a: Uint32Array | Float64Array | Uint16Array): BufRef {
    return this.add(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  }

  strings(list: readonly string[], from = 0): StrRef {
    const n = list.length - from;
    const lengths = new Uint32Array(n);
    const blocks: StrRef["blocks"] = [];
    const encoder = new TextEncoder();
    let i = 0;
    while (i < n) {
      const parts: string[] = [];
      let chars = 0;
      const start = i;
      while (i < n && (chars === 0 || chars + list[from + i]!.length <= MAX_BLOCK_CHARS)) {
        const s = list[from + i]!;
        lengths[i] = s.length;
        parts.push(s);
        chars += s.length;
        i++;
      }
      const joined = parts.join("");
      if (hasLoneSurrogate(joined)) {
        const units = new Uint16Array(joined.length);
        for (let k = 0; k < joined.length; k++) units[k] = joined.charCodeAt(k);
        blocks.push({ count: i - start, encoding: "utf16", data: this.typed(units) });
      } else {
        blocks.push({ count: i - start, encoding: "utf8", data: this.add(encoder.encode(joined)) });
      }
    }
    return { count: n, lengths: this.typed(lengths), blocks };
  }
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function hasLoneSurrogate(s: string): boolean {
  return LONE_SURROGATE.test(s);
}

/** Serialises a dataset (segments, dictionaries, field types, sequence counter) to bytes. */
export function serializeDataset(ds: Dataset): Uint8Array {
  const body = new BodyWriter();
  const dictIndex = new Map<Dict, number>();
  const dicts: Header["dicts"] = [];
  const addDict = (d: Dict, name: string | null): number => {
    let idx = dictIndex.get(d);
    if (idx === undefined) {
      idx = dicts.length;
      dictIndex.set(d, idx);
      dicts.push({ name, values: body.strings(d.values, 1) });
    }
    return idx;
  };
  for (const [name, d] of ds.dicts) addDict(d, name);
  const segments: Header["segments"] = ds.segments.map((seg) => ({
    id: seg.id,
    rowCount: seg.rowCount,
    sourcetype: seg.sourcetype,
    aliases: [...seg.aliases],
    time: body.typed(seg.time),
    seq: body.typed(seg.seq),
    raw: body.strings(seg.raw),
    columns: [...seg.columns].map(([name, col]) => columnMeta(name, col, body, addDict)),
  }));
  const header: Header = { nextSeq: ds.nextSeq, fieldTypes: [...ds.fieldTypes], dicts, segments };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const preamble = 8 + 4 + headerBytes.length;
  const bodyStart = preamble + ((8 - (preamble % 8)) % 8);
  const out = new Uint8Array(bodyStart + body.size);
  for (let i = 0; i < 8; i++) out[i] = MAGIC.charCodeAt(i);
  new DataView(out.buffer).setUint32(8, headerBytes.length, true);
  out.set(headerBytes, 12);
  let pos = bodyStart;
  for (const p of body.parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

function columnMeta(name: string, col: Column, body: BodyWriter, addDict: (d: Dict, name: string | null) => number): ColumnMeta {
  switch (col.kind) {
    case "str":
      return {
        name,
        kind: "str",
        dict: addDict(col.dict, null),
        ids: body.typed(col.ids),
        ...(col.boolean ? { boolean: true as const } : {}),
      };
    case "num":
      return { name, kind: "num", values: body.typed(col.values) };
    case "multi":
      return { name, kind: "multi", dict: addDict(col.dict, null), offsets: body.typed(col.offsets), ids: body.typed(col.ids) };
    case "slice": {
      const rows = Uint32Array.from(col.outside.keys());
      const values = [...col.outside.values()];
      return {
        name,
        kind: "slice",
        dict: addDict(col.dict, null),
        start: body.typed(col.start),
        length: body.typed(col.length),
        outside: { rows: body.typed(rows), values: body.strings(values) },
      };
    }
  }
}

/** Rebuilds a dataset from `serializeDataset` bytes; throws a clear Error on bytes that are not one. */
export function deserializeDataset(bytes: Uint8Array): Dataset {
  if (bytes.length < 12) throw new Error("not a serialised Quarry dataset: too short");
  for (let i = 0; i < 8; i++) {
    if (bytes[i] !== MAGIC.charCodeAt(i)) throw new Error("not a serialised Quarry dataset: bad magic (or another version)");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(8, true);
  if (12 + headerLength > bytes.length) throw new Error("serialised dataset is truncated (header)");
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLength))) as Header;
  const preamble = 12 + headerLength;
  const bodyStart = preamble + ((8 - (preamble % 8)) % 8);
  const reader = new BodyReader(bytes, bodyStart);

  const ds = new Dataset();
  ds.nextSeq = header.nextSeq;
  for (const [name, type] of header.fieldTypes) ds.fieldTypes.set(name, type);
  const dicts = header.dicts.map((meta) => {
    const d = meta.name === null ? new Dict() : ds.dict(meta.name);
    for (const v of reader.strings(meta.values)) d.values.push(v);
    // The value→id index is rebuilt on first intern/lookup.
    d.compact();
    return d;
  });
  for (const meta of header.segments) {
    const raw = reader.strings(meta.raw);
    const columns = new Map<string, Column>();
    for (const c of meta.columns) {
      switch (c.kind) {
        case "str":
          columns.set(c.name, {
            kind: "str",
            ids: reader.u32(c.ids),
            dict: dicts[c.dict]!,
            ...(c.boolean ? { boolean: true } : {}),
          });
          break;
        case "num":
          columns.set(c.name, { kind: "num", values: reader.f64(c.values) });
          break;
        case "multi":
          columns.set(c.name, { kind: "multi", offsets: reader.u32(c.offsets), ids: reader.u32(c.ids), dict: dicts[c.dict]! });
          break;
        case "slice": {
          const rows = reader.u32(c.outside.rows);
          const values = reader.strings(c.outside.values);
          const outside = new Map<number, string>();
          for (let i = 0; i < rows.length; i++) outside.set(rows[i]!, values[i]!);
          columns.set(c.name, { kind: "slice", start: reader.u32(c.start), length: reader.u16(c.length), raw, outside, dict: dicts[c.dict]! });
          break;
        }
      }
    }
    const seg: Segment = {
      id: meta.id,
      rowCount: meta.rowCount,
      time: reader.f64(meta.time),
      seq: reader.u32(meta.seq),
      raw,
      columns,
      aliases: new Map(meta.aliases),
      sourcetype: meta.sourcetype,
    };
    ds.segments.push(seg);
  }
  return ds;
}

class BodyReader {
  constructor(
    private readonly bytes: Uint8Array,
    private readonly start: number,
  ) {}

  private slice(ref: BufRef): Uint8Array {
    const from = this.start + ref.offset;
    if (from + ref.byteLength > this.bytes.length) throw new Error("serialised dataset is truncated (body)");
    return this.bytes.subarray(from, from + ref.byteLength);
  }

  /** A typed view when aligned, else a copy (the input may sit at any offset of its buffer). */
  private aligned(ref: BufRef, size: number): ArrayBuffer | { buffer: ArrayBufferLike; byteOffset: number } {
    const s = this.slice(ref);
    if (s.byteOffset % size === 0) return { buffer: s.buffer, byteOffset: s.byteOffset };
    return s.slice().buffer;
  }

  u32(ref: BufRef): Uint32Array {
    const a = this.aligned(ref, 4);
    return a instanceof ArrayBuffer ? new Uint32Array(a) : new Uint32Array(a.buffer, a.byteOffset, ref.byteLength / 4);
  }

  f64(ref: BufRef): Float64Array {
    const a = this.aligned(ref, 8);
    return a instanceof ArrayBuffer ? new Float64Array(a) : new Float64Array(a.buffer, a.byteOffset, ref.byteLength / 8);
  }

  u16(ref: BufRef): Uint16Array {
    const a = this.aligned(ref, 2);
    return a instanceof ArrayBuffer ? new Uint16Array(a) : new Uint16Array(a.buffer, a.byteOffset, ref.byteLength / 2);
  }

  strings(ref: StrRef): string[] {
    const lengths = this.u32(ref.lengths);
    const out: string[] = new Array<string>(ref.count);
    const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
    let i = 0;
    for (const block of ref.blocks) {
      let joined: string;
      if (block.encoding === "utf8") joined = decoder.decode(this.slice(block.data));
      else {
        const units = this.u16(block.data);
        const parts: string[] = [];
        for (let k = 0; k < units.length; k += 8192) parts.push(String.fromCharCode(...units.subarray(k, k + 8192)));
        joined = parts.join("");
      }
      let pos = 0;
      for (let k = 0; k < block.count; k++, i++) {
        const len = lengths[i]!;
        out[i] = joined.slice(pos, pos + len);
        pos += len;
      }
    }
    return out;
  }
}
