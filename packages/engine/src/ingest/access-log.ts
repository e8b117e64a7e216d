import type { FlatFields } from "../store/types.ts";
import { parseClfTime } from "./find-timestamp.ts";
import { LineSplitter, sampleOf } from "./lines.ts";
import type { TextFormat } from "./types.ts";

/**
 * Apache/NCSA access logs: combined (`access_combined`, with referer and user agent) and common
 * (`access_common`). Field names follow Splunk's access extractions (clientip, ident, user,
 * method, uri, uri_path, uri_query, version, status, bytes, referer, useragent). A user agent
 * without its closing quote still loads, as Splunk's extraction does.
 */
const ACCESS = /^(\S+) (\S+) (\S+) \[([^\]]+)\] "(.*?)" (\d{3}|-) (\d+|-)(?: "(.*?)" "(.*))?$/;

/** Apache/NCSA access logs → `access_combined` / `access_common`. */
export const accessLogFormat: TextFormat = {
  kind: "text",
  name: "access-log",
  description: "Apache/NCSA access log (combined or common)",
  sniff(head) {
    const lines = head.split("\n", 20).filter((l) => l.trim().length > 0);
    if (lines.length === 0) return 0;
    const ok = lines.filter((l) => ACCESS.test(l.replace(/\r$/, ""))).length;
    return ok / lines.length >= 0.6 ? 0.9 : 0;
  },
  open(sink) {
    const splitter = new LineSplitter((line, lineNo) => {
      if (line.trim().length === 0) return;
      const m = ACCESS.exec(line);
      if (!m) {
        sink.problem({ line: lineNo, reason: "not an access log line", sample: sampleOf(line) });
        return;
      }
      const [, clientip, ident, user, when, request, status, bytes, referer, agentText] = m;
      // The request and agent are matched leniently: attack payloads put bare quotes inside them.
      const useragent = agentText?.endsWith('"') ? agentText.slice(0, -1) : agentText;
      const fields: FlatFields = { clientip: clientip! };
      if (ident !== "-") fields.ident = ident!;
      if (user !== "-") fields.user = user!;
      fields.req_time = when!;
      fields.request = request!;
      const sp1 = request!.indexOf(" ");
      if (sp1 > 0) {
        fields.method = request!.slice(0, sp1);
        const sp2 = request!.lastIndexOf(" ");
        const uri = sp2 > sp1 ? request!.slice(sp1 + 1, sp2) : request!.slice(sp1 + 1);
        if (sp2 > sp1) fields.version = request!.slice(sp2 + 1);
        fields.uri = uri;
        const q = uri.indexOf("?");
        fields.uri_path = q < 0 ? uri : uri.slice(0, q);
        if (q >= 0) fields.uri_query = uri.slice(q + 1);
      }
      if (status !== "-") fields.status = Number(status);
      if (bytes !== "-") fields.bytes = Number(bytes);
      const combined = referer !== undefined;
      if (combined) {
        if (referer !== "-") fields.referer = referer!;
        if (useragent !== "-" && useragent !== "") fields.useragent = useragent!;
      }
      sink.event({
        time: parseClfTime(when!),
        raw: line,
        fields,
        sourcetype: combined ? "access_combined" : "access_common",
      });
    }, (p) => sink.problem(p));
    return { write: (c) => splitter.write(c), end: () => splitter.end() };
  },
};
