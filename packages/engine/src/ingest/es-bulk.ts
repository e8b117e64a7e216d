import { LineSplitter, sampleOf } from "./lines.ts";
import { emitJsonText } from "./ndjson.ts";
import type { TextFormat } from "./types.ts";

const ACTIONS = new Set(["index", "create", "update", "delete"]);

/** The action and metadata of an Elasticsearch `_bulk` action line, or null when the line is not one. */
export function parseBulkAction(line: string): { action: string; index?: string; id?: string } | null {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return null;
  }
  if (v === null || typeof v !== "object" || Array.isArray(v)) return null;
  const keys = Object.keys(v);
  if (keys.length !== 1 || !ACTIONS.has(keys[0]!)) return null;
  const meta = (v as Record<string, unknown>)[keys[0]!];
  if (meta === null || typeof meta !== "object" || Array.isArray(meta)) return null;
  const m = meta as Record<string, unknown>;
  const out: { action: string; index?: string; id?: string } = { action: keys[0]! };
  if (typeof m._index === "string") out.index = m._index;
  if (typeof m._id === "string" || typeof m._id === "number") out.id = String(m._id);
  return out;
}

/**
 * Elasticsearch `_bulk` files: an action line (`{"index":{…}}`, `create`, `update`, `delete`)
 * before each document. `_index`/`_id` from the action become fields and the event's index.
 * `delete` has no document; an `update` document is its `doc`.
 */
export const esBulkFormat: TextFormat = {
  kind: "text",
  name: "es-bulk",
  description: "Elasticsearch _bulk (action line + document)",
  sniff(head) {
    const lines = head.split("\n", 6).map((l) => l.trim()).filter(Boolean);
    if (lines.length === 0) return 0;
    return parseBulkAction(lines[0]!) ? 0.9 : 0;
  },
  open(sink) {
    let pending: { action: string; index?: string; id?: string; line: number } | null = null;
    const splitter = new LineSplitter((line, lineNo) => {
      const text = line.trim();
      if (text.length === 0) return;
      if (pending === null) {
        const action = parseBulkAction(text);
        if (!action) {
          sink.problem({ line: lineNo, reason: "bulk action expected: a document without an action line", sample: sampleOf(text) });
          return;
        }
        if (action.action !== "delete") pending = { ...action, line: lineNo };
        return;
      }
      const meta = pending;
      pending = null;
      const extra = { ...(meta.index !== undefined ? { index: meta.index } : {}), ...(meta.id !== undefined ? { id: meta.id } : {}) };
      if (meta.action === "update") {
        let doc: unknown;
        try {
          doc = (JSON.parse(text) as { doc?: unknown }).doc;
        } catch (e) {
          sink.problem({ line: lineNo, reason: `invalid JSON: ${(e as Error).message}`, sample: sampleOf(text) });
          return;
        }
        if (doc === undefined) {
          sink.problem({ line: lineNo, reason: "bulk update without a doc", sample: sampleOf(text) });
          return;
        }
        emitJsonText(sink, JSON.stringify(doc), lineNo, extra);
        return;
      }
      emitJsonText(sink, text, lineNo, extra);
    }, (p) => sink.problem(p));
    return {
      write: (c) => splitter.write(c),
      end: () => {
        splitter.end();
        if (pending !== null) {
          sink.problem({ line: pending.line, reason: "bulk action without a document at the end of the file" });
        }
      },
    };
  },
};
