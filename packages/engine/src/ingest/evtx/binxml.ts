import { assertNever } from "../../store/dataset.ts";
import { canonicalName } from "../name-cache.ts";
import { decodeEntities } from "../xml-entities.ts";
import { ARRAY_FLAG, VT, arrayTexts, scalarText } from "./values.ts";
import { utf16 } from "./utf16.ts";

/** BinXML tokens (low nibble; 0x40 is the "more data / has attributes" flag). */
const T = {
  Eof: 0x00,
  OpenStartElement: 0x01,
  CloseStartElement: 0x02,
  CloseEmptyElement: 0x03,
  EndElement: 0x04,
  Value: 0x05,
  Attribute: 0x06,
  CData: 0x07,
  CharRef: 0x08,
  EntityRef: 0x09,
  PITarget: 0x0a,
  PIData: 0x0b,
  TemplateInstance: 0x0c,
  NormalSubstitution: 0x0d,
  OptionalSubstitution: 0x0e,
  FragmentHeader: 0x0f,
} as const;

/** Nesting bound for templates and BinXML-in-BinXML values, so hostile input cannot recurse forever. */
const MAX_DEPTH = 12;
/**
 * Work budget per record (tokens parsed + nodes rendered). Real records take a few hundred; crafted templates
 * that instantiate each other many times over could otherwise take exponential time.
 */
const MAX_WORK = 1_000_000;
/** No real record renders to more XML than this; crafted nesting could, exponentially. */
const MAX_XML_CHARS = 8 << 20;

/**
 * A parsed piece of XML. Template bodies are parsed once per chunk into these nodes, then rendered once per
 * record with that record's substitution values. Besides the XML, the nodes keep what the XML tokenizer
 * would read from them (names, decoded texts), so a record's fields can be taken from the nodes
 * (event-fields.ts) instead of parsing the rendered XML again.
 */
export type XNode = TextNode | SubstNode | ElementNode | InstanceNode;

/** How the XML tokenizer treats a text node's rendering (see event-fields.ts). */
export const enum Flavor {
  /** Character data: `decoded` is what it reads (entities decoded). */
  Text,
  /** A CDATA section: `decoded` is its content, taken as is. */
  Cdata,
  /** A processing instruction: skipped. */
  Pi,
  /** Markup the tokenizer would read differently from the BinXML (a `<` or quote in a name, `]]>` in CDATA…). */
  Unsafe,
}

export interface TextNode {
  kind: "text";
  /** Already XML-escaped. */
  text: string;
  decoded: string;
  flavor: Flavor;
}
export interface SubstNode {
  kind: "subst";
  index: number;
  optional: boolean;
}
export interface ElementNode {
  kind: "element";
  name: string;
  /** The name after its namespace prefix, canonical (see name-cache.ts). */
  local: string;
  /** The tokenizer reads the name as written: no space, `>` or `/` in it, not empty, not `!…`/`?…`. */
  plain: boolean;
  attrs: AttrNode[];
  /** null for an empty element (`<X/>`). */
  children: XNode[] | null;
}
export interface AttrNode {
  /** ` Name='` */
  prefix: string;
  /** The attribute name, canonical. */
  name: string;
  /** The tokenizer reads the name as written: no space, `>`, `/` or `=` in it, not empty. */
  plain: boolean;
  value: XNode[];
  /** Made only of optional substitutions: dropped when they are all empty, as Windows renders it. */
  optional: boolean;
}
/** A template instance, rendered where it was parsed; its nodes and values are kept for the fields. */
export interface InstanceNode {
  kind: "instance";
  text: string;
  nodes: XNode[];
  values: Values;
}

/** Where a template instance's values lie in the chunk, and what they render to once computed. */
export interface Values {
  offsets: number[];
  sizes: number[];
  types: number[];
  /** By index: the unescaped text of a scalar or array value (array items joined with ", "). */
  texts: Array<string | undefined>;
  /** By index: the items of an array value. */
  items: Array<string[] | undefined>;
  /** By index: the parsed nodes of a BinXML value. */
  fragments: Array<XNode[] | undefined>;
}

export const NO_VALUES: Values = { offsets: [], sizes: [], types: [], texts: [], items: [], fragments: [] };

// Control characters XML 1.0 cannot hold literally. They are written as character references rather than
// dropped (python-evtx drops them) so no byte of a command line is lost; winEventFromXml decodes them back.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g;
const TEXT_SPECIAL = /[&<>\u0000-\u0008\u000b\u000c\u000e-\u001f]/;
const ATTR_SPECIAL = /[&<>'\u0000-\u0008\u000b\u000c\u000e-\u001f]/;

/** Escapes element text (`&`, `<`, `>`, and control characters as character references). */
function escapeText(s: string): string {
  if (!TEXT_SPECIAL.test(s)) return s;
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(CONTROL, (c) => `&#${c.charCodeAt(0)};`);
}

/** Escapes a single-quoted attribute value. */
function escapeAttr(s: string): string {
  if (!ATTR_SPECIAL.test(s)) return s;
  return escapeText(s).replace(/'/g, "&apos;");
}

/**
 * Decodes the BinXML of one 64 KiB chunk. Names and template definitions are referenced by their offset in
 * the chunk, so they are cached per chunk; a new decoder is made for every chunk.
 */
export class ChunkDecoder {
  private readonly names = new Map<number, string>();
  private readonly templates = new Map<number, XNode[]>();
  private readonly compiling = new Set<number>();
  private work = 0;
  private readonly view: DataView;

  constructor(private readonly b: Uint8Array) {
    this.view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }

  /** The top-level nodes of the fragment last rendered by `render`. */
  lastNodes: XNode[] = [];

  /** Renders the BinXML fragment in [pos, end) (chunk offsets) to XML text; throws on malformed input. */
  render(pos: number, end: number): string {
    this.work = 0;
    const nodes: XNode[] = [];
    const xml = this.renderFragment(pos, end, 0, nodes);
    this.lastNodes = nodes;
    // The XML is built by concatenation, a tree of pieces. Reading a character makes V8 flatten it
    // into one string in place, now, while it is fresh; otherwise the tree would be kept as the
    // event's `_raw` (several times the memory, and copied by every young-generation GC).
    // (indexOf does not do it: it searches a temporary flat copy.)
    xml.charCodeAt(0);
    return xml;
  }

  /** Parses the fragment into `nodes` and renders them. */
  private renderFragment(pos: number, end: number, depth: number, nodes: XNode[]): string {
    if (depth > MAX_DEPTH) throw new Error(`BinXML nested deeper than ${MAX_DEPTH} levels`);
    this.parseContent(pos, end, nodes, depth, false, false);
    return this.renderNodes(nodes, NO_VALUES, depth, false);
  }

  private spend(): void {
    if (++this.work > MAX_WORK) throw new Error(`record needs more than ${MAX_WORK} BinXML steps`);
  }

  private need(pos: number, n: number, end: number): void {
    if (pos + n > end) throw new Error(`BinXML runs past its end at chunk offset ${pos}`);
  }

  private u16(pos: number): number {
    return this.view.getUint16(pos, true);
  }

  private u32(pos: number): number {
    return this.view.getUint32(pos, true);
  }

  /** The name string at a chunk offset: next-offset u32, hash u16, length u16, UTF-16 text, NUL. */
  private name(off: number): string {
    const cached = this.names.get(off);
    if (cached !== undefined) return cached;
    if (off + 8 > this.b.length) throw new Error(`name offset ${off} is outside the chunk`);
    const len = this.u16(off + 6);
    if (off + 8 + 2 * len > this.b.length) throw new Error(`name at offset ${off} runs past the chunk`);
    const s = utf16(this.b, off + 8, len);
    this.names.set(off, s);
    return s;
  }

  /** Skips a name stored inline at `pos`. */
  private skipName(pos: number, end: number): number {
    this.need(pos, 8, end);
    const next = pos + 8 + 2 * this.u16(pos + 6) + 2;
    this.need(pos, next - pos, end);
    return next;
  }

  /** Reads a name reference (u32 offset) at `pos`; returns [name, position after it and any inline copy]. */
  private nameRef(pos: number, end: number): [string, number] {
    this.need(pos, 4, end);
    const off = this.u32(pos);
    let p = pos + 4;
    if (off === p) p = this.skipName(p, end);
    return [this.name(off), p];
  }

  /** Parses tokens into `out` until EOF (or the end of the enclosing element); returns the next position. */
  private parseContent(pos: number, end: number, out: XNode[], depth: number, inElement: boolean, inTemplate: boolean): number {
    while (pos < end) {
      this.spend();
      const tok = this.b[pos]!;
      if ((tok & 0xb0) !== 0) throw new Error(`unknown BinXML token 0x${tok.toString(16)} at chunk offset ${pos}`);
      switch (tok & 0x0f) {
        case T.Eof:
          if (inElement) throw new Error(`BinXML ends inside an element at chunk offset ${pos}`);
          return pos + 1;
        case T.FragmentHeader:
          pos += 4;
          break;
        case T.OpenStartElement:
          pos = this.parseElement(pos, end, out, depth, inTemplate);
          break;
        case T.EndElement:
          if (!inElement) throw new Error(`unexpected end-element token at chunk offset ${pos}`);
          return pos + 1;
        case T.TemplateInstance:
          pos = this.parseTemplateInstance(pos, end, depth, out);
          break;
        case T.Value:
        case T.CData:
        case T.CharRef:
        case T.EntityRef:
        case T.PITarget:
        case T.NormalSubstitution:
        case T.OptionalSubstitution:
          pos = this.parseValueToken(pos, end, out);
          break;
        default:
          throw new Error(`unexpected BinXML token 0x${tok.toString(16)} at chunk offset ${pos}`);
      }
    }
    if (inElement) throw new Error("BinXML element is not closed");
    return pos;
  }

  /** Text-like tokens that may appear both in element content and in attribute values. */
  private parseValueToken(pos: number, end: number, out: XNode[], inAttr = false): number {
    const tok = this.b[pos]! & 0x0f;
    switch (tok) {
      case T.Value: {
        this.need(pos, 4, end);
        const type = this.b[pos + 1]!;
        if (type !== VT.WString) throw new Error(`value token of type 0x${type.toString(16)} at chunk offset ${pos}`);
        const len = this.u16(pos + 2);
        this.need(pos + 4, 2 * len, end);
        const text = utf16(this.b, pos + 4, len);
        out.push({ kind: "text", text: inAttr ? escapeAttr(text) : escapeText(text), decoded: text, flavor: Flavor.Text });
        return pos + 4 + 2 * len;
      }
      case T.CData: {
        this.need(pos, 3, end);
        const len = this.u16(pos + 1);
        this.need(pos + 3, 2 * len, end);
        const content = utf16(this.b, pos + 3, len);
        // In an attribute the section is plain characters to the tokenizer; `]]>` inside would end it early.
        const flavor = inAttr || content.includes("]]>") ? Flavor.Unsafe : Flavor.Cdata;
        out.push({ kind: "text", text: `<![CDATA[${content}]]>`, decoded: content, flavor });
        return pos + 3 + 2 * len;
      }
      case T.CharRef: {
        this.need(pos, 3, end);
        const code = this.u16(pos + 1);
        out.push({ kind: "text", text: `&#${code};`, decoded: String.fromCodePoint(code), flavor: Flavor.Text });
        return pos + 3;
      }
      case T.EntityRef: {
        const [name, next] = this.nameRef(pos + 1, end);
        const text = `&${name};`;
        // Decoded on its own as the tokenizer would: each `&` of it finds its `;` within it.
        const flavor = /[<'"]/.test(name) ? Flavor.Unsafe : Flavor.Text;
        out.push({ kind: "text", text, decoded: decodeEntities(text, 0, text.length), flavor });
        return next;
      }
      case T.PITarget: {
        const [target, next] = this.nameRef(pos + 1, end);
        let p = next;
        let data = "";
        if (p < end && (this.b[p]! & 0x0f) === T.PIData) {
          this.need(p, 3, end);
          const len = this.u16(p + 1);
          this.need(p + 3, 2 * len, end);
          data = " " + utf16(this.b, p + 3, len);
          p += 3 + 2 * len;
        }
        const text = `<?${target}${data}?>`;
        const flavor = inAttr || text.indexOf("?>") < text.length - 2 ? Flavor.Unsafe : Flavor.Pi;
        out.push({ kind: "text", text, decoded: "", flavor });
        return p;
      }
      case T.NormalSubstitution:
      case T.OptionalSubstitution:
        this.need(pos, 4, end);
        out.push({ kind: "subst", index: this.u16(pos + 1), optional: tok === T.OptionalSubstitution });
        return pos + 4;
      default:
        throw new Error(`unexpected BinXML token 0x${tok.toString(16)} at chunk offset ${pos}`);
    }
  }

  /**
   * Elements in template definitions carry a u16 dependency id after the token; elements written directly in
   * a record or in a BinXML value may not. Decide by where the name offset lands: an inline name starts
   * right after the header, and a reference points back into the chunk.
   */
  private hasDependencyId(pos: number, end: number): boolean {
    if (pos + 11 > end) return pos + 9 > end;
    const withDep = this.u32(pos + 7);
    const without = this.u32(pos + 5);
    if (withDep === pos + 11) return true;
    if (without === pos + 9) return false;
    const plausible = (off: number) => off >= 128 && off + 8 <= pos;
    if (plausible(withDep)) return true;
    if (plausible(without)) return false;
    return true;
  }

  /**
   * OpenStartElement: token, dependency id u16, data size u32, name offset u32, the name when stored inline,
   * then (with the 0x40 flag) the attribute list size u32 and the attributes.
   */
  private parseElement(pos: number, end: number, out: XNode[], depth: number, inTemplate: boolean): number {
    const hasAttrs = (this.b[pos]! & 0x40) !== 0;
    const head = inTemplate || this.hasDependencyId(pos, end) ? 11 : 9;
    this.need(pos, head, end);
    const nameOff = this.u32(pos + head - 4);
    let p = pos + head;
    if (nameOff === p) p = this.skipName(p, end);
    if (hasAttrs) {
      this.need(p, 4, end);
      p += 4;
    }
    const name = this.name(nameOff);
    const colon = name.indexOf(":");
    const el: ElementNode = {
      kind: "element",
      name,
      local: canonicalName(name, colon + 1, name.length),
      plain: isPlainElementName(name),
      attrs: [],
      children: null,
    };
    if (hasAttrs) {
      while (p < end && (this.b[p]! & 0xbf) === T.Attribute) {
        const [attrName, next] = this.nameRef(p + 1, end);
        p = next;
        const value: XNode[] = [];
        while (p < end) {
          const t = this.b[p]! & 0xbf;
          if (t === T.Attribute || t === T.CloseStartElement || t === T.CloseEmptyElement) break;
          p = this.parseValueToken(p, end, value, true);
        }
        const optional = value.length > 0 && value.every((n) => n.kind === "subst" && n.optional);
        el.attrs.push({
          prefix: ` ${attrName}='`,
          name: canonicalName(attrName, 0, attrName.length),
          plain: isPlainAttributeName(attrName),
          value,
          optional,
        });
      }
    }
    this.need(p, 1, end);
    const close = this.b[p]!;
    if (close === T.CloseStartElement) {
      el.children = [];
      p = this.parseContent(p + 1, end, el.children, depth, true, inTemplate);
    } else if (close === T.CloseEmptyElement) {
      p += 1;
    } else {
      throw new Error(`element <${el.name}> is not closed properly at chunk offset ${p}`);
    }
    out.push(el);
    return p;
  }

  /**
   * TemplateInstance: token, unknown u8, template id u32, definition offset u32, then (when the definition is
   * inline) next-template u32 + GUID + data size u32 + body, then the value count, descriptors and values.
   */
  private parseTemplateInstance(pos: number, end: number, depth: number, out: XNode[]): number {
    if (depth > MAX_DEPTH) throw new Error(`templates nested deeper than ${MAX_DEPTH} levels`);
    this.need(pos, 10, end);
    const defOff = this.u32(pos + 6);
    let p = pos + 10;
    if (defOff === p) {
      this.need(p, 24, end);
      p += 24 + this.u32(p + 20);
    }
    const nodes = this.template(defOff, depth);
    this.need(p, 4, end);
    const count = this.u32(p);
    p += 4;
    this.need(p, 4 * count, end);
    const values: Values = {
      offsets: new Array<number>(count),
      sizes: new Array<number>(count),
      types: new Array<number>(count),
      texts: new Array<string | undefined>(count),
      items: new Array<string[] | undefined>(count),
      fragments: new Array<XNode[] | undefined>(count),
    };
    let v = p + 4 * count;
    for (let i = 0; i < count; i++) {
      const size = this.u16(p + 4 * i);
      values.offsets[i] = v;
      values.sizes[i] = size;
      values.types[i] = this.b[p + 4 * i + 2]!;
      v += size;
    }
    if (v > end) throw new Error(`template values run past the record at chunk offset ${p}`);
    out.push({ kind: "instance", text: this.renderNodes(nodes, values, depth + 1, false), nodes, values });
    return v;
  }

  /** The parsed body of the template defined at a chunk offset (cached for the chunk). */
  private template(defOff: number, depth: number): XNode[] {
    const cached = this.templates.get(defOff);
    if (cached) return cached;
    if (defOff + 24 > this.b.length) throw new Error(`template offset ${defOff} is outside the chunk`);
    const bodyStart = defOff + 24;
    const bodyEnd = bodyStart + this.u32(defOff + 20);
    if (bodyEnd > this.b.length) throw new Error(`template at offset ${defOff} runs past the chunk`);
    // A template that instantiates itself would recurse forever.
    if (this.compiling.has(defOff)) throw new Error(`template at chunk offset ${defOff} contains itself`);
    this.compiling.add(defOff);
    const nodes: XNode[] = [];
    try {
      this.parseContent(bodyStart, bodyEnd, nodes, depth + 1, false, true);
    } finally {
      this.compiling.delete(defOff);
    }
    this.templates.set(defOff, nodes);
    return nodes;
  }

  private renderNodes(nodes: XNode[], values: Values, depth: number, inAttr: boolean): string {
    let s = "";
    for (const node of nodes) {
      this.spend();
      if (s.length > MAX_XML_CHARS) throw new Error(`record renders to more than ${MAX_XML_CHARS} characters`);
      switch (node.kind) {
        case "text":
        case "instance":
          s += node.text;
          break;
        case "subst":
          s += this.substText(node.index, values, depth, inAttr);
          break;
        case "element":
          s += this.renderElement(node, values, depth);
          break;
        default:
          assertNever(node);
      }
    }
    return s;
  }

  private renderElement(el: ElementNode, values: Values, depth: number): string {
    let head = "<" + el.name;
    for (const a of el.attrs) {
      if (a.optional && allEmpty(a.value, values)) continue;
      head += a.prefix + this.renderNodes(a.value, values, depth, true) + "'";
    }
    const children = el.children;
    if (children === null) return head + "/>";
    // An array value as an element's whole content repeats the element once per item, as Windows renders it.
    const only = children.length === 1 ? children[0]! : null;
    if (only?.kind === "subst" && only.index < values.types.length && (values.types[only.index]! & ARRAY_FLAG) !== 0) {
      const items = this.arrayItems(values, only.index);
      let s = "";
      for (const item of items) s += head + ">" + escapeText(item) + "</" + el.name + ">";
      return s;
    }
    return head + ">" + this.renderNodes(children, values, depth, false) + "</" + el.name + ">";
  }

  private substText(index: number, values: Values, depth: number, inAttr: boolean): string {
    if (index >= values.types.length) {
      throw new Error(`substitution ${index} refers past the ${values.types.length} values of its template`);
    }
    const type = values.types[index]!;
    const pos = values.offsets[index]!;
    const size = values.sizes[index]!;
    if (type === VT.Null || size === 0) return "";
    if (type === VT.BinXml) {
      const nodes: XNode[] = [];
      const xml = this.renderFragment(pos, pos + size, depth + 1, nodes);
      values.fragments[index] = nodes;
      return xml;
    }
    let text = values.texts[index];
    if (text === undefined) {
      text = (type & ARRAY_FLAG) !== 0 ? this.arrayItems(values, index).join(", ") : scalarText(this.b, this.view, type, pos, size);
      values.texts[index] = text;
    }
    return inAttr ? escapeAttr(text) : escapeText(text);
  }

  /** The items of the array value at `index` (computed once per instance). */
  private arrayItems(values: Values, index: number): string[] {
    let items = values.items[index];
    if (items === undefined) {
      items = arrayTexts(this.b, this.view, values.types[index]!, values.offsets[index]!, values.sizes[index]!);
      values.items[index] = items;
    }
    return items;
  }
}

/** Whether the XML tokenizer reads an element name exactly as written (see `ElementNode.plain`). */
function isPlainElementName(name: string): boolean {
  if (name.length === 0) return false;
  const first = name.charCodeAt(0);
  if (first === 33 /* ! */ || first === 63 /* ? */) return false;
  for (let i = 0; i < name.length; i++) if (isNameEnd(name.charCodeAt(i))) return false;
  return true;
}

/** Whether the XML tokenizer reads an attribute name exactly as written (see `AttrNode.plain`). */
function isPlainAttributeName(name: string): boolean {
  if (name.length === 0) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (isNameEnd(c) || c === 61 /* = */) return false;
  }
  return true;
}

/** The characters that end a name for the XML tokenizer (winevent.ts). */
function isNameEnd(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 62 || c === 47;
}

/** True when the value at `index` renders as nothing. */
export function isEmpty(values: Values, index: number): boolean {
  return index >= values.types.length || values.types[index] === VT.Null || values.sizes[index] === 0;
}

/** True when every node is a substitution whose value is empty. */
export function allEmpty(nodes: XNode[], values: Values): boolean {
  for (const n of nodes) if (n.kind !== "subst" || !isEmpty(values, n.index)) return false;
  return true;
}
