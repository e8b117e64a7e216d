import type { FieldValue, FlatFields } from "../store/types.ts";
import { parseIsoLike } from "./timestamp.ts";
import type { ParsedEvent } from "./types.ts";

/**
 * Windows event XML (`<Event><System>…</System><EventData>…</EventData></Event>`) → one event,
 * with the field convention shared by the XmlWinEventLog and EVTX parsers (see DESIGN/brief):
 * System children by name, `<Data Name='X'>` → `X`, unnamed Data → multi-value `Data`, UserData
 * leaves by element name. A small hand-written tokenizer: no DOM (the engine runs in Node too),
 * one pass with indexOf, entities decoded only where an `&` occurs.
 */

/** Where a leaf element sits, which decides the field it becomes. */
const enum Section {
  None,
  System,
  EventData,
  UserData,
  Other,
}

/** Parses one Windows event XML document; throws an Error saying what and where on malformed XML. */
export function winEventFromXml(xml: string): ParsedEvent {
  const fields: FlatFields = {};
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
  const n = xml.length;
  let i = 0;
  // Most events hold no entity at all: then every text and attribute value is a plain slice.
  const entities = xml.indexOf("&") >= 0;
  const text = (start: number, end: number): string => (entities ? decodeEntities(xml, start, end) : xml.slice(start, end));

  while (i < n) {
    const lt = xml.indexOf("<", i);
    const textEnd = lt < 0 ? n : lt;
    if (textEnd > i) {
      if (leafOpen) leafText = leafText === "" ? text(i, textEnd) : leafText + text(i, textEnd);
      else if (stack.length === 0 && !isBlankRange(xml, i, textEnd)) {
        throw malformed(i, rootClosed ? "text after </Event>" : "text before <Event>");
      }
    }
    if (lt < 0) break;
    const c = xml.charCodeAt(lt + 1);
    if (c === 47 /* / */) {
      const gt = xml.indexOf(">", lt + 2);
      if (gt < 0) throw malformed(lt, "unterminated end tag");
      const open = stack.pop();
      // The usual end tag is exactly `</name>`: compared in place, without slicing the name.
      if (open === undefined || gt !== lt + 2 + open.length || !xml.startsWith(open, lt + 2)) {
        const name = xml.slice(lt + 2, gt).trim();
        if (open === undefined) throw malformed(lt, `end tag </${name}> without a start tag`);
        if (open !== name) throw malformed(lt, `expected </${open}>, found </${name}>`);
      }
      if (leafOpen) {
        addLeaf(section, stack.length + 1, leafName, leafDataName, leafText);
        leafOpen = false;
      }
      if (stack.length === 1) section = Section.None;
      if (stack.length === 0) rootClosed = true;
      i = gt + 1;
      continue;
    }
    if (c === 33 /* ! */) {
      if (xml.startsWith("<!--", lt)) {
        const end = xml.indexOf("-->", lt + 4);
        if (end < 0) throw malformed(lt, "unterminated comment");
        i = end + 3;
      } else if (xml.startsWith("<![CDATA[", lt)) {
        const end = xml.indexOf("]]>", lt + 9);
        if (end < 0) throw malformed(lt, "unterminated CDATA section");
        if (leafOpen) leafText += xml.slice(lt + 9, end);
        i = end + 3;
      } else {
        const end = xml.indexOf(">", lt + 2);
        if (end < 0) throw malformed(lt, "unterminated declaration");
        i = end + 1;
      }
      continue;
    }
    if (c === 63 /* ? */) {
      const end = xml.indexOf("?>", lt + 2);
      if (end < 0) throw malformed(lt, "unterminated processing instruction");
      i = end + 2;
      continue;
    }
    // A start tag: name, attributes, then `>` or `/>`.
    if (rootClosed) throw malformed(lt, "a second element after </Event>");
    let p = lt + 1;
    while (p < n && !isNameEnd(xml.charCodeAt(p))) p++;
    const qname = xml.slice(lt + 1, p);
    if (qname.length === 0) throw malformed(lt, "'<' not followed by a tag name");
    const local = localName(qname);
    const depth = stack.length + 1;
    if (depth === 1) {
      if (local !== "Event") throw malformed(lt, `root element is <${qname}>, not <Event>`);
      sawRoot = true;
    } else if (depth === 2) {
      section =
        local === "System"
          ? Section.System
          : local === "EventData"
            ? Section.EventData
            : local === "UserData"
              ? Section.UserData
              : Section.Other;
    }
    // A child element turns its parent from a leaf candidate into a container.
    leafOpen = false;
    let dataName: string | null = null;
    let selfClose = false;
    for (;;) {
      while (p < n && isSpace(xml.charCodeAt(p))) p++;
      if (p >= n) throw malformed(lt, `unterminated start tag <${qname}`);
      const ch = xml.charCodeAt(p);
      if (ch === 62 /* > */) {
        p++;
        break;
      }
      if (ch === 47 /* / */ && xml.charCodeAt(p + 1) === 62) {
        selfClose = true;
        p += 2;
        break;
      }
      const nameStart = p;
      while (p < n && !isNameEnd(xml.charCodeAt(p)) && xml.charCodeAt(p) !== 61) p++;
      const attr = xml.slice(nameStart, p);
      if (attr.length === 0) throw malformed(p, `bad attribute in <${qname}>`);
      while (p < n && isSpace(xml.charCodeAt(p))) p++;
      if (xml.charCodeAt(p) !== 61 /* = */) throw malformed(p, `attribute ${attr} of <${qname}> has no value`);
      p++;
      while (p < n && isSpace(xml.charCodeAt(p))) p++;
      const quote = xml.charCodeAt(p);
      if (quote !== 39 && quote !== 34) throw malformed(p, `attribute ${attr} of <${qname}> is not quoted`);
      const close = xml.indexOf(quote === 39 ? "'" : '"', p + 1);
      if (close < 0) throw malformed(p, `unterminated value of attribute ${attr}`);
      const value = text(p + 1, close);
      p = close + 1;
      if (section === Section.System && depth === 3) systemAttribute(fields, local, attr, value);
      else if (attr === "Name" && section === Section.EventData && depth === 3) dataName = value;
    }
    if (selfClose) {
      // An empty element: in EventData/UserData it is a field with an empty value.
      if (depth > 2) addLeaf(section, depth, local, dataName, "");
      if (depth === 2) section = Section.None;
      if (depth === 1) rootClosed = true;
    } else {
      stack.push(qname);
      leafOpen = depth > 2;
      leafName = local;
      leafDataName = dataName;
      leafText = "";
    }
    i = p;
  }

  if (!sawRoot) throw malformed(0, "no <Event> element");
  if (stack.length > 0) throw malformed(n, `<${stack[stack.length - 1]}> is not closed`);
  if (unnamed) fields.Data = unnamed;

  const channel = fields.Channel;
  const computer = fields.Computer;
  const sourcetype = typeof channel === "string" && channel ? "XmlWinEventLog:" + channel : "XmlWinEventLog";
  // Sysmon's UtcTime (`YYYY-MM-DD HH:MM:SS.mmm`, UTC) stands in when TimeCreated is missing.
  const systemTime = fields.SystemTime ?? fields.UtcTime;
  const event: ParsedEvent = {
    time: typeof systemTime === "string" ? parseIsoLike(systemTime) : NaN,
    raw: xml,
    fields,
    sourcetype,
    source: sourcetype,
  };
  if (typeof computer === "string" && computer) event.host = shortHost(computer);
  return event;

  function addLeaf(where: Section, depth: number, name: string, dataNameAttr: string | null, text: string): void {
    switch (where) {
      case Section.System:
        if (depth === 3) systemText(fields, name, text);
        return;
      case Section.EventData:
        if (depth !== 3) return;
        if (name === "Data") {
          if (dataNameAttr !== null && dataNameAttr !== "") setField(fields, dataNameAttr, text);
          else (unnamed ??= []).push(text);
        } else {
          setField(fields, name, text);
        }
        return;
      case Section.UserData:
        if (depth >= 3) setField(fields, name, text);
        return;
      case Section.None:
      case Section.Other:
        return;
    }
  }
}

/** System children whose text is a field; EventID is also stored as EventCode (RecordNumber is an alias). */
function systemText(fields: FlatFields, name: string, text: string): void {
  switch (name) {
    case "EventID":
      fields.EventID = text;
      fields.EventCode = text;
      return;
    case "EventRecordID":
      // RecordNumber (Splunk's name) is an alias of this field, added by the Windows normalisers.
      fields.EventRecordID = text;
      return;
    case "Version":
    case "Level":
    case "Task":
    case "Opcode":
    case "Keywords":
    case "Channel":
    case "Computer":
      fields[name] = text;
      return;
    default:
      return;
  }
}

/** System children whose attributes are fields. */
function systemAttribute(fields: FlatFields, element: string, attr: string, value: string): void {
  switch (element) {
    case "Provider":
      if (attr === "Name") fields.Provider = value;
      else if (attr === "Guid") fields.ProviderGuid = value;
      return;
    case "TimeCreated":
      if (attr === "SystemTime") fields.SystemTime = value;
      return;
    case "Execution":
      if (attr === "ProcessID" || attr === "ThreadID") fields[attr] = value;
      return;
    case "Security":
      if (attr === "UserID") fields.UserID = value;
      return;
    case "Correlation":
      if ((attr === "ActivityID" || attr === "RelatedActivityID") && value) fields[attr] = value;
      return;
    default:
      return;
  }
}

/** A repeated name becomes a multi-value field rather than overwriting the first value. */
function setField(fields: FlatFields, name: string, value: string): void {
  const prev: FieldValue | undefined = fields[name];
  if (prev === undefined) fields[name] = value;
  else if (Array.isArray(prev)) prev.push(value);
  else fields[name] = [prev, value];
}

/** Splunk's `host` for a Windows event: the first label of the computer name (IPs kept whole). */
export function shortHost(computer: string): string {
  const dot = computer.indexOf(".");
  if (dot <= 0) return computer;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(computer)) return computer;
  return computer.slice(0, dot);
}

function localName(qname: string): string {
  const colon = qname.indexOf(":");
  return colon < 0 ? qname : qname.slice(colon + 1);
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

const NAMED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** The text of s[start, end) with XML entities decoded; unknown entities are kept as written. */
export function decodeEntities(s: string, start: number, end: number): string {
  let amp = s.indexOf("&", start);
  if (amp < 0 || amp >= end) return s.slice(start, end);
  let out = "";
  let from = start;
  while (amp >= 0 && amp < end) {
    const semi = s.indexOf(";", amp + 1);
    if (semi < 0 || semi >= end || semi - amp > 12) {
      amp = s.indexOf("&", amp + 1);
      continue;
    }
    const ent = s.slice(amp + 1, semi);
    let rep: string | undefined;
    if (ent.charCodeAt(0) === 35 /* # */) {
      const code = ent.charCodeAt(1) === 120 || ent.charCodeAt(1) === 88 ? parseInt(ent.slice(2), 16) : parseInt(ent.slice(1), 10);
      if (Number.isInteger(code) && code >= 0 && code <= 0x10ffff) rep = String.fromCodePoint(code);
    } else {
      rep = NAMED[ent];
    }
    if (rep !== undefined) {
      out += s.slice(from, amp) + rep;
      from = semi + 1;
    }
    amp = s.indexOf("&", semi + 1);
  }
  return out + s.slice(from, end);
}
