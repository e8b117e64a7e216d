import { canonicalName } from "./name-cache.ts";
import type { ParsedEvent } from "./types.ts";
import { Section, ValueAction, applyValue, finishWinEvent, leafAction, leafField, newFields, sectionOf } from "./winevent-fields.ts";
import { type ShapeTrace, type TextCursor, ValueKind } from "./winevent-shapes.ts";
import { decodeEntities } from "./xml-entities.ts";

export { shortHost } from "./winevent-fields.ts";
export type { TextCursor } from "./winevent-shapes.ts";

/**
 * Windows event XML (`<Event><System>…</System><EventData>…</EventData></Event>`) → one event,
 * with the field convention shared by the XmlWinEventLog and EVTX parsers (see DESIGN/brief):
 * System children by name, `<Data Name='X'>` → `X`, unnamed Data → multi-value `Data`, UserData
 * leaves by element name (winevent-fields.ts). A small hand-written tokenizer: no DOM (the engine
 * runs in Node too), one pass with indexOf, entities decoded only where an `&` occurs.
 */

/** Parses one Windows event XML document; throws an Error saying what and where on malformed XML. */
export function winEventFromXml(xml: string): ParsedEvent {
  return readWinEvent(xml, 0, null, null)!;
}

/**
 * Reads the event whose `<Event` start tag is at `start` straight out of a larger text (a chunk
 * of an XmlWinEventLog file), stopping at the root's end tag; `eventEnd` says where that is. The
 * caller has not looked for the event's end: this is only a fast path, and it returns null
 * (never throws) whenever the answer could differ from cutting the text at the first `</Event>`
 * and parsing that slice with `winEventFromXml` — a nested `<Event>` element, a `<` inside a tag,
 * a comment, CDATA, declaration or processing instruction (each may hide an `<Event` or
 * `</Event>`), a self-closed root, malformed XML, or no end within the text. Then the caller takes
 * the exact path. With a `trace`, the values read are recorded there (see winevent-shapes.ts).
 */
export function winEventInText(text: string, start: number, at: TextCursor, trace: ShapeTrace | null = null): ParsedEvent | null {
  try {
    return readWinEvent(text, start, at, trace);
  } catch {
    return null;
  }
}


/**
 * The tokenizer: a document (`embedded` false: `src` is the whole event, trailing text checked,
 * errors thrown with offsets into it) or an event inside a larger text (see `winEventInText`;
 * returns null instead of guessing).
 */
function readWinEvent(src: string, start: number, at: TextCursor | null, trace: ShapeTrace | null): ParsedEvent | null {
  const embedded = at !== null;
  const fields = newFields();
  let unnamed: string[] | null = null;
  /** Open element names (qualified, as written), for matching end tags. */
  const stack: string[] = [];
  let section = Section.None;
  let sawRoot = false;
  let rootClosed = false;
  // The element being read as a possible leaf: its local name, its Data Name and its text.
  let leafName = "";
  let leafDataName: string | null = null;
  let leafText = "";
  let leafOpen = false;
  let leafStart = 0;
  const n = src.length;
  let i = start;
  // Most events hold no entity at all: every text and attribute value before the next `&` is a
  // plain slice. `amp` is that position (-1: none left, -2: not searched yet).
  let amp = at !== null ? at.amp : -2;
  // The next `<` when already found while checking a start tag (-2: not known).
  let pending = -2;

  while (i < n) {
    const lt = pending !== -2 ? pending : src.indexOf("<", i);
    pending = -2;
    const textEnd = lt < 0 ? n : lt;
    if (textEnd > i) {
      if (leafOpen) {
        if (amp !== -1 && amp < i) amp = src.indexOf("&", i);
        const piece = amp >= 0 && amp < textEnd ? decodeEntities(src, i, textEnd) : src.slice(i, textEnd);
        leafText = leafText === "" ? piece : leafText + piece;
      } else if (stack.length === 0 && !isBlankRange(src, i, textEnd)) {
        throw malformed(i, rootClosed ? "text after </Event>" : "text before <Event>");
      }
    }
    if (lt < 0) break;
    const c = src.charCodeAt(lt + 1);
    if (c === 47 /* / */) {
      const open = stack.pop();
      // The usual end tag is exactly `</name>`: compared in place, without searching or slicing.
      let gt = open === undefined ? -1 : lt + 2 + open.length;
      if (gt < 0 || src.charCodeAt(gt) !== 62 || !src.startsWith(open!, lt + 2)) {
        gt = src.indexOf(">", lt + 2);
        if (gt < 0) throw malformed(lt, "unterminated end tag");
        const name = src.slice(lt + 2, gt).trim();
        if (open === undefined) throw malformed(lt, `end tag </${name}> without a start tag`);
        if (open !== name) throw malformed(lt, `expected </${open}>, found </${name}>`);
      }
      if (leafOpen) {
        const action = leafAction(section, stack.length + 1, leafName, leafDataName);
        const field = leafField(leafName, leafDataName);
        unnamed = applyValue(fields, unnamed, action, field, "", leafText);
        trace?.push(leafStart, lt, ValueKind.Text, action, field, "");
        leafOpen = false;
      }
      if (stack.length === 1) section = Section.None;
      if (stack.length === 0) {
        rootClosed = true;
        if (at !== null) {
          // The exact path cuts at the first literal `</Event>`: the root must end with exactly that.
          if (gt !== lt + 7) return null;
          at.end = gt + 1;
          at.amp = amp;
          trace?.push(gt + 1, gt + 1, ValueKind.End, ValueAction.Ignore, "", "");
          return finishWinEvent(src.slice(start, gt + 1), fields, unnamed);
        }
      }
      i = gt + 1;
      continue;
    }
    if (c === 33 /* ! */) {
      if (embedded) return null;
      if (src.startsWith("<!--", lt)) {
        const end = src.indexOf("-->", lt + 4);
        if (end < 0) throw malformed(lt, "unterminated comment");
        i = end + 3;
      } else if (src.startsWith("<![CDATA[", lt)) {
        const end = src.indexOf("]]>", lt + 9);
        if (end < 0) throw malformed(lt, "unterminated CDATA section");
        if (leafOpen) leafText += src.slice(lt + 9, end);
        i = end + 3;
      } else {
        const end = src.indexOf(">", lt + 2);
        if (end < 0) throw malformed(lt, "unterminated declaration");
        i = end + 1;
      }
      continue;
    }
    if (c === 63 /* ? */) {
      if (embedded) return null;
      const end = src.indexOf("?>", lt + 2);
      if (end < 0) throw malformed(lt, "unterminated processing instruction");
      i = end + 2;
      continue;
    }
    // A start tag: name, attributes, then `>` or `/>`.
    if (rootClosed) throw malformed(lt, "a second element after </Event>");
    let p = lt + 1;
    let colon = -1;
    for (; p < n; p++) {
      const ch = src.charCodeAt(p);
      if (isNameEnd(ch)) break;
      if (ch === 58 /* : */ && colon < 0) colon = p;
    }
    if (p === lt + 1) throw malformed(lt, "'<' not followed by a tag name");
    const qname = canonicalName(src, lt + 1, p);
    const local = colon < 0 ? qname : canonicalName(src, colon + 1, p);
    const depth = stack.length + 1;
    if (depth === 1) {
      if (local !== "Event") throw malformed(lt, `root element is <${qname}>, not <Event>`);
      sawRoot = true;
    } else {
      // An `<Event` inside an event is where the exact path reports a truncated event.
      if (embedded && qname === "Event") return null;
      if (depth === 2) section = sectionOf(local);
    }
    // A child element turns its parent from a leaf candidate into a container.
    leafOpen = false;
    let dataName: string | null = null;
    let selfClose = false;
    for (;;) {
      while (p < n && isSpace(src.charCodeAt(p))) p++;
      if (p >= n) throw malformed(lt, `unterminated start tag <${qname}`);
      const ch = src.charCodeAt(p);
      if (ch === 62 /* > */) {
        p++;
        break;
      }
      if (ch === 47 /* / */ && src.charCodeAt(p + 1) === 62) {
        selfClose = true;
        p += 2;
        break;
      }
      const nameStart = p;
      while (p < n && !isNameEnd(src.charCodeAt(p)) && src.charCodeAt(p) !== 61) p++;
      if (p === nameStart) throw malformed(p, `bad attribute in <${qname}>`);
      const attr = canonicalName(src, nameStart, p);
      while (p < n && isSpace(src.charCodeAt(p))) p++;
      if (src.charCodeAt(p) !== 61 /* = */) throw malformed(p, `attribute ${attr} of <${qname}> has no value`);
      p++;
      while (p < n && isSpace(src.charCodeAt(p))) p++;
      const quote = src.charCodeAt(p);
      if (quote !== 39 && quote !== 34) throw malformed(p, `attribute ${attr} of <${qname}> is not quoted`);
      const close = src.indexOf(quote === 39 ? "'" : '"', p + 1);
      if (close < 0) throw malformed(p, `unterminated value of attribute ${attr}`);
      if (amp !== -1 && amp <= p) amp = src.indexOf("&", p + 1);
      const entity = amp >= 0 && amp < close;
      if (section === Section.System && depth === 3) {
        applyValue(fields, null, ValueAction.SystemAttribute, attr, local, entity ? decodeEntities(src, p + 1, close) : src.slice(p + 1, close));
        trace?.push(p + 1, close, ValueKind.Attribute, ValueAction.SystemAttribute, attr, local);
      } else if (attr === "Name" && section === Section.EventData && depth === 3) {
        // The Data Name is a field name: canonical, like the element names. A shape keeps it as
        // part of the markup, since it decides the field.
        dataName = entity ? decodeEntities(src, p + 1, close) : canonicalName(src, p + 1, close);
      } else {
        trace?.push(p + 1, close, ValueKind.Attribute, ValueAction.Ignore, "", "");
      }
      p = close + 1;
    }
    if (selfClose) {
      // An empty element: in EventData/UserData it is a field with an empty value.
      if (depth > 2) {
        const action = leafAction(section, depth, local, dataName);
        const field = leafField(local, dataName);
        unnamed = applyValue(fields, unnamed, action, field, "", "");
        trace?.push(p, p, ValueKind.Empty, action, field, "");
      }
      if (depth === 2) section = Section.None;
      if (depth === 1) {
        if (embedded) return null;
        rootClosed = true;
      }
    } else {
      stack.push(qname);
      leafOpen = depth > 2;
      leafName = local;
      leafDataName = dataName;
      leafText = "";
      leafStart = p;
    }
    // The next `<`: searched from just inside this tag, so a `<` within it (which could hide an
    // `<Event`) is noticed at no extra cost.
    let next = src.indexOf("<", lt + 1);
    if (next >= 0 && next < p) {
      if (embedded) return null;
      next = src.indexOf("<", p);
    }
    pending = next;
    i = p;
  }

  if (embedded) return null;
  if (!sawRoot) throw malformed(0, "no <Event> element");
  if (stack.length > 0) throw malformed(n, `<${stack[stack.length - 1]}> is not closed`);
  return finishWinEvent(src, fields, unnamed);
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

function isNameEnd(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 62 || c === 47;
}

function isBlankRange(s: string, start: number, end: number): boolean {
  for (let k = start; k < end; k++) if (!isSpace(s.charCodeAt(k))) return false;
  return true;
}

function malformed(offset: number, what: string): Error {
  return new Error(`malformed XML at offset ${offset}: ${what}`);
}
