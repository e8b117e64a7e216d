import { latin1, utf16 } from "./utf16.ts";

/** BinXML value types (the low 7 bits of a substitution's type byte; 0x80 marks an array). */
export const VT = {
  Null: 0x00,
  WString: 0x01,
  String: 0x02,
  Int8: 0x03,
  UInt8: 0x04,
  Int16: 0x05,
  UInt16: 0x06,
  Int32: 0x07,
  UInt32: 0x08,
  Int64: 0x09,
  UInt64: 0x0a,
  Real32: 0x0b,
  Real64: 0x0c,
  Bool: 0x0d,
  Binary: 0x0e,
  Guid: 0x0f,
  SizeT: 0x10,
  FileTime: 0x11,
  SystemTime: 0x12,
  Sid: 0x13,
  HexInt32: 0x14,
  HexInt64: 0x15,
  EvtHandle: 0x20,
  BinXml: 0x21,
  EvtXml: 0x23,
} as const;

/** Set in a value type when the value is an array of that type. */
export const ARRAY_FLAG = 0x80;

const HEX = "0123456789abcdef";
const HEX_UPPER = "0123456789ABCDEF";
/** 2^32 = 429 * 10^7 + 4967296: lets FILETIME ticks split into seconds without losing precision past 2^53. */
const TWO32_SECONDS = 429;
const TWO32_REMAINDER = 4967296;
/** Seconds from 1601-01-01 (the FILETIME epoch) to 1970-01-01. */
const EPOCH_DELTA_S = 11644473600;

function hex(n: number, width: number): string {
  let s = "";
  for (let i = width - 1; i >= 0; i--) s += HEX[(n >>> (i * 4)) & 0xf];
  return s;
}

function pad(n: number, width: number): string {
  let s = String(n);
  while (s.length < width) s = "0" + s;
  return s;
}

/** Days since 1970-01-01 → [year, month, day] (proleptic Gregorian), without allocating a Date. */
function civil(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

/**
 * Renders FILETIME ticks (100 ns since 1601) as `YYYY-MM-DDTHH:MM:SS.fffffffffZ`, nine fractional digits as
 * Splunk's XmlWinEventLog shows `SystemTime`; the last two digits are always 0 (ticks are 100 ns).
 */
function fileTimeText(lo: number, hi: number): string {
  const rest = hi * TWO32_REMAINDER + lo;
  const seconds = hi * TWO32_SECONDS + Math.floor(rest / 1e7) - EPOCH_DELTA_S;
  const frac = rest % 1e7;
  const days = Math.floor(seconds / 86400);
  let sod = seconds - days * 86400;
  const [y, m, d] = civil(days);
  const hh = Math.floor(sod / 3600);
  sod -= hh * 3600;
  const mm = Math.floor(sod / 60);
  const ss = sod - mm * 60;
  return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}T${pad(hh, 2)}:${pad(mm, 2)}:${pad(ss, 2)}.${pad(frac, 7)}00Z`;
}

function u64Text(view: DataView, pos: number, signed: boolean): string {
  const lo = view.getUint32(pos, true);
  const hi = view.getUint32(pos + 4, true);
  // Exact as a double below 2^53; beyond that BigInt keeps every digit.
  if (hi < 0x200000 && (!signed || hi < 0x80000000)) return String(hi * 4294967296 + lo);
  return signed ? view.getBigInt64(pos, true).toString() : view.getBigUint64(pos, true).toString();
}

function guidText(b: Uint8Array, view: DataView, pos: number): string {
  let s = "{" + hex(view.getUint32(pos, true), 8) + "-" + hex(view.getUint16(pos + 4, true), 4) + "-";
  s += hex(view.getUint16(pos + 6, true), 4) + "-" + hex(b[pos + 8]!, 2) + hex(b[pos + 9]!, 2) + "-";
  for (let i = 10; i < 16; i++) s += hex(b[pos + i]!, 2);
  return s + "}";
}

/** Size in bytes of the SID at `pos`, or -1 when it does not fit in `size`. */
function sidLength(b: Uint8Array, pos: number, size: number): number {
  if (size < 8) return -1;
  const n = 8 + 4 * b[pos + 1]!;
  return n <= size ? n : -1;
}

function sidText(b: Uint8Array, view: DataView, pos: number, size: number): string {
  const len = sidLength(b, pos, size);
  if (len < 0) throw new Error(`SID of ${size} bytes is too short`);
  // The 48-bit identifier authority is big-endian.
  let authority = 0;
  for (let i = 2; i < 8; i++) authority = authority * 256 + b[pos + i]!;
  let s = "S-" + b[pos]! + "-" + authority;
  for (let p = pos + 8; p < pos + len; p += 4) s += "-" + view.getUint32(p, true);
  return s;
}

function systemTimeText(view: DataView, pos: number): string {
  const g = (i: number) => view.getUint16(pos + 2 * i, true);
  return `${pad(g(0), 4)}-${pad(g(1), 2)}-${pad(g(3), 2)}T${pad(g(4), 2)}:${pad(g(5), 2)}:${pad(g(6), 2)}.${pad(g(7), 3)}Z`;
}

function binaryText(b: Uint8Array, pos: number, size: number): string {
  let s = "";
  for (let i = 0; i < size; i++) {
    const v = b[pos + i]!;
    s += HEX_UPPER[v >>> 4]! + HEX_UPPER[v & 0xf]!;
  }
  return s;
}

/** The shortest decimal that reads back as the same float32 (0.1, not 0.10000000149011612). */
function float32Text(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  for (let p = 1; p < 9; p++) {
    const t = Number(v.toPrecision(p));
    if (Math.fround(t) === v) return String(t);
  }
  return String(v);
}

function stripNuls(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 0) end--;
  return end === s.length ? s : s.slice(0, end);
}

/** Fixed element size of a scalar type, 0 when variable-sized. */
function fixedSize(type: number, size: number): number {
  switch (type) {
    case VT.Int8:
    case VT.UInt8:
      return 1;
    case VT.Int16:
    case VT.UInt16:
      return 2;
    case VT.Int32:
    case VT.UInt32:
    case VT.Real32:
    case VT.Bool:
    case VT.HexInt32:
      return 4;
    case VT.Int64:
    case VT.UInt64:
    case VT.Real64:
    case VT.FileTime:
    case VT.HexInt64:
      return 8;
    case VT.Guid:
    case VT.SystemTime:
      return 16;
    case VT.SizeT:
      return size === 4 ? 4 : 8;
    default:
      return 0;
  }
}

/**
 * Renders one scalar value (not BinXML, not an array) as Windows shows it in event XML; the text is not
 * XML-escaped yet. Throws when the value's size does not fit its type.
 */
export function scalarText(b: Uint8Array, view: DataView, type: number, pos: number, size: number): string {
  const need = fixedSize(type, size);
  if (need > 0 && size < need) throw new Error(`value of type 0x${hex(type, 2)} has ${size} bytes, needs ${need}`);
  switch (type) {
    case VT.Null:
      return "";
    case VT.WString:
      return stripNuls(utf16(b, pos, size >>> 1));
    case VT.String:
      return stripNuls(latin1(b, pos, size));
    case VT.Int8:
      return String(view.getInt8(pos));
    case VT.UInt8:
      return String(b[pos]!);
    case VT.Int16:
      return String(view.getInt16(pos, true));
    case VT.UInt16:
      return String(view.getUint16(pos, true));
    case VT.Int32:
      return String(view.getInt32(pos, true));
    case VT.UInt32:
      return String(view.getUint32(pos, true));
    case VT.Int64:
      return u64Text(view, pos, true);
    case VT.UInt64:
      return u64Text(view, pos, false);
    case VT.Real32:
      return float32Text(view.getFloat32(pos, true));
    case VT.Real64:
      return String(view.getFloat64(pos, true));
    case VT.Bool:
      return view.getUint32(pos, true) !== 0 ? "true" : "false";
    case VT.Binary:
      return binaryText(b, pos, size);
    case VT.Guid:
      return guidText(b, view, pos);
    case VT.SizeT:
      return size === 4
        ? "0x" + view.getUint32(pos, true).toString(16)
        : "0x" + view.getBigUint64(pos, true).toString(16);
    case VT.FileTime:
      return fileTimeText(view.getUint32(pos, true), view.getUint32(pos + 4, true));
    case VT.SystemTime:
      return systemTimeText(view, pos);
    case VT.Sid:
      return sidText(b, view, pos, size);
    case VT.HexInt32:
      return "0x" + hex(view.getUint32(pos, true), 8);
    case VT.HexInt64:
      return "0x" + hex(view.getUint32(pos + 4, true), 8) + hex(view.getUint32(pos, true), 8);
    case VT.EvtHandle:
    case VT.EvtXml:
      // Handles are process-local and EvtXml never occurs in stored logs: nothing meaningful to show.
      return "";
    default:
      throw new Error(`unknown value type 0x${hex(type, 2)}`);
  }
}

/** Renders an array value (type has ARRAY_FLAG) as its items' texts. */
export function arrayTexts(b: Uint8Array, view: DataView, type: number, pos: number, size: number): string[] {
  const item = type & ~ARRAY_FLAG;
  const out: string[] = [];
  const end = pos + size;
  if (item === VT.WString) {
    // NUL-terminated UTF-16 strings back to back.
    let start = pos;
    for (let p = pos; p + 1 < end; p += 2) {
      if (b[p] === 0 && b[p + 1] === 0) {
        out.push(utf16(b, start, (p - start) >>> 1));
        start = p + 2;
      }
    }
    if (start + 1 < end) out.push(utf16(b, start, (end - start) >>> 1));
    return out;
  }
  if (item === VT.String) {
    let start = pos;
    for (let p = pos; p < end; p++) {
      if (b[p] === 0) {
        out.push(latin1(b, start, p - start));
        start = p + 1;
      }
    }
    if (start < end) out.push(latin1(b, start, end - start));
    return out;
  }
  if (item === VT.Sid) {
    let p = pos;
    while (p < end) {
      const len = sidLength(b, p, end - p);
      if (len < 0) throw new Error("SID array item does not fit");
      out.push(sidText(b, view, p, len));
      p += len;
    }
    return out;
  }
  const step = fixedSize(item, 8);
  if (step === 0) throw new Error(`array of value type 0x${hex(item, 2)} is not supported`);
  for (let p = pos; p + step <= end; p += step) out.push(scalarText(b, view, item, p, step));
  return out;
}
