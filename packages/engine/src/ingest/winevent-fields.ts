import type { FieldValue, FlatFields } from "../store/types.ts";
import { parseIsoLike } from "./timestamp.ts";
import type { ParsedEvent } from "./types.ts";

/**
 * The field convention of Windows event XML, shared by the XML tokenizer, its learned event
 * shapes and the EVTX reader: System children by name, `<Data Name='X'>` → `X`, unnamed Data →
 * multi-value `Data`, UserData leaves by element name, a repeated name → multi-value.
 */

/**
 * A new, empty field object. Without a prototype, it is a dictionary-mode object from the start:
 * a Windows event has more fields than V8 keeps in fast mode for stores with computed names, and
 * building a plain `{}` that far costs a map transition per field and a conversion (measured 2.3x
 * slower for 25 fields). It also keeps names like `constructor` or `__proto__` ordinary fields.
 */
export function newFields(): FlatFields {
  return Object.create(null) as FlatFields;
}

/** Where a leaf element sits, which decides the field it becomes. */
export const enum Section {
  None,
  System,
  EventData,
  UserData,
  Other,
}

/** What a text or attribute value of the event becomes. */
export const enum ValueAction {
  Ignore,
  /** Text of a System child (`systemText`). */
  SystemText,
  /** Attribute of a System child (`systemAttribute`). */
  SystemAttribute,
  /** A field (`setField`). */
  Field,
  /** A field known not to be set yet (a plain store; see winevent-shapes.ts). */
  NewField,
  /** Text of a `<Data>` without a Name: one more value of `Data`. */
  Unnamed,
  // A System child's text or attribute with its field worked out beforehand (see `resolveSystem`):
  /** Stored under `name`, replacing what is there. */
  Assign,
  /** Stored as EventID and as EventCode. */
  AssignEventId,
  /** Stored under `name` when not empty. */
  AssignNonEmpty,
}

/** The section a child of `<Event>` opens. */
export function sectionOf(local: string): Section {
  return local === "System"
    ? Section.System
    : local === "EventData"
      ? Section.EventData
      : local === "UserData"
        ? Section.UserData
        : Section.Other;
}

/** What the text of a leaf element (local name `name`, Data Name `dataName`) at `depth` becomes. */
export function leafAction(section: Section, depth: number, name: string, dataName: string | null): ValueAction {
  switch (section) {
    case Section.System:
      return depth === 3 ? ValueAction.SystemText : ValueAction.Ignore;
    case Section.EventData:
      if (depth !== 3) return ValueAction.Ignore;
      if (name === "Data") return dataName !== null && dataName !== "" ? ValueAction.Field : ValueAction.Unnamed;
      return ValueAction.Field;
    case Section.UserData:
      return depth >= 3 ? ValueAction.Field : ValueAction.Ignore;
    case Section.None:
    case Section.Other:
      return ValueAction.Ignore;
  }
}

/** The field name a leaf's `ValueAction.Field` (or SystemText) stores under. */
export function leafField(name: string, dataName: string | null): string {
  return name === "Data" && dataName !== null && dataName !== "" ? dataName : name;
}

/**
 * Applies one value: `name` is the field (or System child) name, `element` the System child an
 * attribute belongs to. Returns the (possibly new) list of unnamed Data values.
 */
export function applyValue(
  fields: FlatFields,
  unnamed: string[] | null,
  action: ValueAction,
  name: string,
  element: string,
  value: string,
): string[] | null {
  switch (action) {
    case ValueAction.Ignore:
      return unnamed;
    case ValueAction.SystemText:
      systemText(fields, name, value);
      return unnamed;
    case ValueAction.SystemAttribute:
      systemAttribute(fields, element, name, value);
      return unnamed;
    case ValueAction.Field:
      setField(fields, name, value);
      return unnamed;
    case ValueAction.NewField:
      fields[name] = value;
      return unnamed;
    case ValueAction.Unnamed:
      (unnamed ??= []).push(value);
      return unnamed;
    case ValueAction.Assign:
      fields[name] = value;
      return unnamed;
    case ValueAction.AssignEventId:
      fields.EventID = value;
      fields.EventCode = value;
      return unnamed;
    case ValueAction.AssignNonEmpty:
      if (value) fields[name] = value;
      return unnamed;
  }
}

/**
 * A SystemText or SystemAttribute action as the store it makes: [Assign…, field] or [Ignore, ""].
 * For readers that decide once per place in the markup (winevent-shapes.ts).
 */
export function resolveSystem(action: ValueAction, name: string, element: string): [ValueAction, string] {
  if (action === ValueAction.SystemText) {
    const key = systemTextKey(name);
    return key === "" ? [ValueAction.Ignore, ""] : [key === "EventID" ? ValueAction.AssignEventId : ValueAction.Assign, key];
  }
  if (action === ValueAction.SystemAttribute) {
    const key = systemAttributeKey(element, name);
    return key === "" ? [ValueAction.Ignore, ""] : [element === "Correlation" ? ValueAction.AssignNonEmpty : ValueAction.Assign, key];
  }
  return [action, name];
}

/** System children whose text is a field; EventID is also stored as EventCode (RecordNumber is an alias). */
function systemText(fields: FlatFields, name: string, text: string): void {
  const key = systemTextKey(name);
  if (key === "") return;
  fields[key] = text;
  if (key === "EventID") fields.EventCode = text;
}

/** The field the text of System child `name` is stored as, "" for none. */
function systemTextKey(name: string): string {
  switch (name) {
    // RecordNumber (Splunk's name) is an alias of EventRecordID, added by the Windows normalisers.
    case "EventID":
    case "EventRecordID":
    case "Version":
    case "Level":
    case "Task":
    case "Opcode":
    case "Keywords":
    case "Channel":
    case "Computer":
      return name;
    default:
      return "";
  }
}

/** System children whose attributes are fields (Correlation's only when not empty). */
function systemAttribute(fields: FlatFields, element: string, attr: string, value: string): void {
  const key = systemAttributeKey(element, attr);
  if (key !== "" && (value || element !== "Correlation")) fields[key] = value;
}

/** The field attribute `attr` of System child `element` is stored as, "" for none. */
function systemAttributeKey(element: string, attr: string): string {
  switch (element) {
    case "Provider":
      return attr === "Name" ? "Provider" : attr === "Guid" ? "ProviderGuid" : "";
    case "TimeCreated":
      return attr === "SystemTime" ? "SystemTime" : "";
    case "Execution":
      return attr === "ProcessID" || attr === "ThreadID" ? attr : "";
    case "Security":
      return attr === "UserID" ? "UserID" : "";
    case "Correlation":
      return attr === "ActivityID" || attr === "RelatedActivityID" ? attr : "";
    default:
      return "";
  }
}

/** A repeated name becomes a multi-value field rather than overwriting the first value. */
function setField(fields: FlatFields, name: string, value: string): void {
  const prev: FieldValue | undefined = fields[name];
  if (prev === undefined) fields[name] = value;
  else if (Array.isArray(prev)) prev.push(value);
  else fields[name] = [prev, value];
}

/** The parsed event from its fields: sourcetype from the channel, host from the computer, time. */
export function finishWinEvent(raw: string, fields: FlatFields, unnamed: string[] | null): ParsedEvent {
  if (unnamed) fields.Data = unnamed;
  const channel = fields.Channel;
  const computer = fields.Computer;
  const sourcetype = typeof channel === "string" && channel ? "XmlWinEventLog:" + channel : "XmlWinEventLog";
  // Sysmon's UtcTime (`YYYY-MM-DD HH:MM:SS.mmm`, UTC) stands in when TimeCreated is missing.
  const systemTime = fields.SystemTime ?? fields.UtcTime;
  const event: ParsedEvent = {
    time: typeof systemTime === "string" ? parseIsoLike(systemTime) : NaN,
    raw,
    fields,
    sourcetype,
    source: sourcetype,
  };
  if (typeof computer === "string" && computer) event.host = shortHost(computer);
  return event;
}

/** Splunk's `host` for a Windows event: the first label of the computer name (IPs kept whole). */
export function shortHost(computer: string): string {
  const dot = computer.indexOf(".");
  if (dot <= 0) return computer;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(computer)) return computer;
  return computer.slice(0, dot);
}
