import type { QueryInfo, WireError } from "@quarry/engine";
import { investigation } from "../../app/investigation.ts";
import { settings, type QueryLanguage } from "../../app/settings.ts";
import { createStore } from "../../app/store.ts";
import { engine } from "../../engine/client.ts";

/** Most history entries kept. */
const HISTORY = 50;

export interface QueryState {
  /** The query text per language: switching language keeps each one's text. */
  text: Record<QueryLanguage, string>;
  status: "idle" | "running" | "done" | "error";
  /** Counts runs, so a caller (or test) can tell a new answer from the previous one. */
  runs: number;
  /** The error of the last run, with its span when the query was at fault. */
  error: WireError | null;
  /** What the last successful run was. */
  ran: { lang: QueryLanguage; text: string } | null;
  history: Array<{ lang: QueryLanguage; text: string; at: number; total: number | null }>;
}

export const DEFAULT_TEXT: Record<QueryLanguage, string> = { eql: "any where true", spl: "*" };

const HISTORY_KEY = "quarry.history";

/** The saved history, keeping only well-formed entries. */
function loadHistory(): QueryState["history"] {
  try {
    const v: unknown = JSON.parse(globalThis.localStorage?.getItem(HISTORY_KEY) ?? "[]");
    if (!Array.isArray(v)) return [];
    return v
      .filter((h): h is QueryState["history"][number] => !!h && (h.lang === "eql" || h.lang === "spl") && typeof h.text === "string" && typeof h.at === "number" && (h.total === null || typeof h.total === "number"))
      .slice(0, HISTORY);
  } catch {
    return [];
  }
}

export const queryState = createStore<QueryState>({ text: { ...DEFAULT_TEXT }, status: "idle", runs: 0, error: null, ran: null, history: loadHistory() });

// History survives reloads (this browser only; it is not part of a share URL).
let savedHistory = queryState.get().history;
queryState.subscribe(() => {
  const { history } = queryState.get();
  if (history === savedHistory) return;
  savedHistory = history;
  try {
    globalThis.localStorage?.setItem(HISTORY_KEY, JSON.stringify(history));
  } catch {
    // Storage full or disabled: history stays in memory.
  }
});

/** Replaces the current language's query text. */
export function setQueryText(lang: QueryLanguage, text: string): void {
  queryState.set((s) => (s.text[lang] === text ? s : { ...s, text: { ...s.text, [lang]: text } }));
}

/** The parse error of the text in the editor (checked while typing), null when it parses. */
export const diagnostic = createStore<string | null>(null);

let running: AbortController | null = null;

/**
 * Runs the current query in the worker. A new run aborts the previous one; the result replaces
 * the view every panel shows.
 */
export async function runCurrentQuery(): Promise<QueryInfo | null> {
  const { lang, timeZone } = settings.get();
  const text = queryState.get().text[lang];
  const range = investigation.get().timeRange;
  running?.abort();
  const abort = new AbortController();
  running = abort;
  queryState.set((s) => ({ ...s, status: "running", error: null, runs: s.runs + 1 }));
  try {
    const info = await engine.call("query", { lang, text, earliest: range?.earliest ?? null, latest: range?.latest ?? null, timeZone }, { signal: abort.signal });
    if (running !== abort) return null;
    const previous = investigation.get().result;
    investigation.set((s) => ({ ...s, result: info, expanded: null }));
    if (previous) void engine.call("release", { handle: previous.handle }).catch(() => {});
    queryState.set((s) => ({
      ...s,
      status: "done",
      ran: { lang, text },
      history: [{ lang, text, at: Date.now(), total: info.total }, ...s.history.filter((h) => h.text !== text || h.lang !== lang)].slice(0, HISTORY),
    }));
    return info;
  } catch (e) {
    if (running !== abort) return null;
    const err = e as Error & { span?: { start: number; end: number } };
    if (err.name === "CancelledError") {
      queryState.set((s) => ({ ...s, status: "idle" }));
      return null;
    }
    queryState.set((s) => ({ ...s, status: "error", error: { name: err.name, message: err.message, ...(err.span ? { span: err.span } : {}) } }));
    return null;
  }
}

/** Stops the running query. */
export function cancelQuery(): void {
  running?.abort();
}

/** Back to every loaded event (no query applied). */
export function clearQuery(): void {
  const previous = investigation.get().result;
  investigation.set((s) => ({ ...s, result: null, expanded: null }));
  queryState.set((s) => ({ ...s, status: "idle", error: null, ran: null }));
  if (previous) void engine.call("release", { handle: previous.handle }).catch(() => {});
}
