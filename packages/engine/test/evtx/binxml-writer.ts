/**
 * Writes BinXML by hand, token by token, into a chunk-sized buffer, for constructs the sample files lack.
 * Offsets are chunk offsets, as in a real chunk: names and template definitions are written inline the
 * first time and referenced by offset afterwards.
 */
export class BinXmlWriter {
  readonly bytes = new Uint8Array(0x10000);
  readonly view = new DataView(this.bytes.buffer);
  pos: number;
  private readonly names = new Map<string, number>();

  constructor(start = 512) {
    this.pos = start;
  }

  u8(v: number): this {
    this.bytes[this.pos++] = v;
    return this;
  }
  u16(v: number): this {
    this.view.setUint16(this.pos, v, true);
    this.pos += 2;
    return this;
  }
  u32(v: number): this {
    this.view.setUint32(this.pos, v, true);
    this.pos += 4;
    return this;
  }
  raw(b: ArrayLike<number>): this {
    this.bytes.set(b, this.pos);
    this.pos += b.length;
    return this;
  }
  utf16(s: string): this {
    for (let i = 0; i < s.length; i++) this.u16(s.charCodeAt(i));
    return this;
  }

  /** A name reference: the offset, followed by the name itself the first time it is used. */
  private nameRef(name: string): this {
    const known = this.names.get(name);
    if (known !== undefined) return this.u32(known);
    const at = this.pos + 4;
    this.names.set(name, at);
    return this.u32(at).u32(0).u16(0).u16(name.length).utf16(name).u16(0);
  }

  fragment(): this {
    return this.raw([0x0f, 0x01, 0x01, 0x00]);
  }
  /** An element start; `dependencyId: false` writes the shorter header used outside template definitions. */
  open(name: string, hasAttrs = false, dependencyId = true): this {
    this.u8(hasAttrs ? 0x41 : 0x01);
    if (dependencyId) this.u16(0xffff);
    this.u32(0).nameRef(name);
    return hasAttrs ? this.u32(0) : this;
  }
  attr(name: string): this {
    return this.u8(0x06).nameRef(name);
  }
  closeStart(): this {
    return this.u8(0x02);
  }
  closeEmpty(): this {
    return this.u8(0x03);
  }
  end(): this {
    return this.u8(0x04);
  }
  eof(): this {
    return this.u8(0x00);
  }
  text(s: string): this {
    return this.u8(0x05).u8(0x01).u16(s.length).utf16(s);
  }
  subst(index: number, type: number, optional = false): this {
    return this.u8(optional ? 0x0e : 0x0d).u16(index).u8(type);
  }
  charRef(n: number): this {
    return this.u8(0x08).u16(n);
  }
  entityRef(name: string): this {
    return this.u8(0x09).nameRef(name);
  }
  cdata(s: string): this {
    return this.u8(0x07).u16(s.length).utf16(s);
  }
  pi(target: string, data: string): this {
    this.u8(0x0a).nameRef(target);
    return this.u8(0x0b).u16(data.length).utf16(data);
  }

  /**
   * A template instance. `body` writes the definition's content the first time (pass the offset returned
   * then to reuse it); `values` are [type, bytes] pairs.
   */
  template(def: number | ((w: BinXmlWriter) => void), values: [number, ArrayLike<number>][]): number {
    this.u8(0x0c).u8(0x01).u32(0x1234);
    let defOffset: number;
    if (typeof def === "number") {
      defOffset = def;
      this.u32(def);
    } else {
      defOffset = this.pos + 4;
      this.u32(defOffset).u32(0).raw(new Uint8Array(16));
      const sizeAt = this.pos;
      this.u32(0);
      const bodyStart = this.pos;
      def(this);
      this.view.setUint32(sizeAt, this.pos - bodyStart, true);
    }
    this.u32(values.length);
    for (const [type, b] of values) this.u16(b.length).u8(type).u8(0);
    for (const [, b] of values) this.raw(b);
    return defOffset;
  }
}

/** Little-endian bytes of an integer (BigInt for 64-bit values). */
export function le(value: number | bigint, size: number): number[] {
  let v = BigInt(value);
  if (v < 0n) v += 1n << BigInt(8 * size);
  const out: number[] = [];
  for (let i = 0; i < size; i++) {
    out.push(Number(v & 0xffn));
    v >>= 8n;
  }
  return out;
}

/** UTF-16LE bytes of a string. */
export function wstr(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i) & 0xff, s.charCodeAt(i) >> 8);
  return out;
}
