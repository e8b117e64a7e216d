/** Windows event XML exactly as Splunk's XmlWinEventLog stores it: one event per line, single-quoted attributes. */

/** Escapes text content of an XML element. */
export function xmlText(s: string): string {
  let out = "";
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const rep = c === 38 ? "&amp;" : c === 60 ? "&lt;" : c === 62 ? "&gt;" : null;
    if (rep) {
      out += s.slice(last, i) + rep;
      last = i + 1;
    }
  }
  return last === 0 ? s : out + s.slice(last);
}

/** Escapes a single-quoted attribute value. */
export function xmlAttr(s: string): string {
  return xmlText(s).replace(/'/g, "&apos;");
}

/** The `<System>` block's values. */
export interface SystemHeader {
  provider: string;
  providerGuid: string;
  eventId: number;
  version: number;
  level: number;
  task: number;
  keywords: string;
  /** `TimeCreated/@SystemTime` text. */
  systemTime: string;
  recordId: number;
  processId: number;
  threadId: number;
  channel: string;
  computer: string;
  /** `Security/@UserID`; omitted → `<Security/>`. */
  userId?: string;
  activityId?: string;
}

/** One event: the System header plus named Data values, or a UserData element of leaf values. */
export function winEventXml(h: SystemHeader, data: ReadonlyArray<readonly [string, string]>, userData?: { element: string; xmlns: string }): string {
  let x =
    `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='${h.provider}' Guid='${h.providerGuid}'/>` +
    `<EventID>${h.eventId}</EventID><Version>${h.version}</Version><Level>${h.level}</Level><Task>${h.task}</Task><Opcode>0</Opcode>` +
    `<Keywords>${h.keywords}</Keywords><TimeCreated SystemTime='${h.systemTime}'/><EventRecordID>${h.recordId}</EventRecordID>` +
    (h.activityId ? `<Correlation ActivityID='${h.activityId}'/>` : "<Correlation/>") +
    `<Execution ProcessID='${h.processId}' ThreadID='${h.threadId}'/><Channel>${xmlText(h.channel)}</Channel>` +
    `<Computer>${xmlText(h.computer)}</Computer>` +
    (h.userId ? `<Security UserID='${h.userId}'/>` : "<Security/>") +
    "</System>";
  if (userData) {
    x += `<UserData><${userData.element} xmlns='${userData.xmlns}'>`;
    for (const [k, v] of data) x += `<${k}>${xmlText(v)}</${k}>`;
    x += `</${userData.element}></UserData>`;
  } else {
    x += "<EventData>";
    for (const [k, v] of data) x += `<Data Name='${k}'>${xmlText(v)}</Data>`;
    x += "</EventData>";
  }
  return x + "</Event>";
}
