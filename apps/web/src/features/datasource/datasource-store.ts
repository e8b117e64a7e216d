/**
 * Which data the queries run on (the tab's own files, or a ClickHouse dataset behind
 * `quarry serve --clickhouse`) and the last server answer. Plain TS state, no React.
 */
import type { EqlResponse } from "@quarry/engine";
import { investigation } from "../../app/investigation.ts";
import { settings, type QueryLanguage } from "../../app/settings.ts";
import { createStore } from "../../app/store.ts";
import { queryState } from "../editor/query-store.ts";
import { remoteCancel, remoteEql, remoteSpl, type RemoteSpl } from "./remote.ts";

/** Where queries run. */
export type DataSource = { kind: "local" } | { kind: "clickhouse"; dataset: string };

/** A server answer, in the shape the local engine's API gives for the same query. */
export type RemoteAnswer = { lang: "eql"; text: string; tookMs: number; body: EqlResponse } | { lang: "spl"; text: string; tookMs: number; body: RemoteSpl };

export interface DataSourceState {
  source: DataSource;
  answer: RemoteAnswer | null;
}

export const dataSource = createStore<DataSourceState>({ source: { kind: "local" }, answer: null });

/** Switches the data source; the previous server answer no longer applies. */
export function selectSource(source: DataSource): void {
  dataSource.set((s) => ({ source, answer: s.source.kind === source.kind && (source.kind === "local" || (s.source.kind === "clickhouse" && s.source.dataset === source.dataset)) ? s.answer : null }));
  queryState.set((s) => ({ ...s, status: "idle", error: null }));
}

let running: { abort: AbortController; queryId: string } | null = null;

/** A query id the proxy accepts (`[A-Za-z0-9_-]`), unique enough to KILL the right query. */
export function newQueryId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return "quarry-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Runs the editor's current query on the selected ClickHouse dataset. Status and errors go to
 * the editor's query state, so they show where the query ran; a newer run replaces this one.
 */
export async function runRemoteQuery(): Promise<RemoteAnswer | null> {
  const source = dataSource.get().source;
  if (source.kind !== "clickhouse") return null;
  const { lang, timeZone } = settings.get();
  const text = queryState.get().text[lang];
  const range = investigation.get().timeRange;
  if (running) cancelRemoteQuery();
  const run = { abort: new AbortController(), queryId: newQueryId() };
  running = run;
  queryState.set((s) => ({ ...s, status: "running", error: null, runs: s.runs + 1 }));
  const started = performance.now();
  try {
    const answer = await runOn(source.dataset, lang, text, run, range, timeZone);
    if (running !== run) return null;
    running = null;
    const full: RemoteAnswer = { ...answer, tookMs: Math.round(performance.now() - started) } as RemoteAnswer;
    dataSource.set((s) => ({ ...s, answer: full }));
    queryState.set((s) => ({ ...s, status: "done", ran: { lang, text } }));
    return full;
  } catch (e) {
    if (running !== run) return null;
    running = null;
    const err = e as Error & { span?: { start: number; end: number } };
    if (err.name === "AbortError") {
      queryState.set((s) => ({ ...s, status: "idle" }));
      return null;
    }
    queryState.set((s) => ({ ...s, status: "error", error: { name: err.name, message: err.message, ...(err.span ? { span: err.span } : {}) } }));
    return null;
  }
}

async function runOn(dataset: string, lang: QueryLanguage, text: string, run: { abort: AbortController; queryId: string }, range: { earliest: number | null; latest: number | null } | null, tz: string): Promise<Omit<RemoteAnswer, "tookMs">> {
  if (lang === "eql") return { lang, text, body: await remoteEql(dataset, text, run.queryId, run.abort.signal) };
  return { lang, text, body: await remoteSpl(dataset, text, run.queryId, rangeOptions(range, tz), run.abort.signal) };
}

/** The time picker's range as SPL options: epoch seconds, as `earliest=`/`latest=` take them. */
export function rangeOptions(range: { earliest: number | null; latest: number | null } | null, tz: string): { earliest?: string; latest?: string; tz?: string } {
  const opts: { earliest?: string; latest?: string; tz?: string } = { tz };
  if (range?.earliest != null) opts.earliest = String(range.earliest / 1000);
  if (range?.latest != null) opts.latest = String(range.latest / 1000);
  return opts;
}

/** Stops the running server query: the request is dropped and the server is told to KILL it. */
export function cancelRemoteQuery(): void {
  const run = running;
  if (!run) return;
  running = null;
  run.abort.abort();
  queryState.set((s) => ({ ...s, status: "idle" }));
  // Best effort: the proxy also kills a query whose client went away.
  void remoteCancel(run.queryId).catch(() => {});
}

/** Forgets the server answer (back to no query). */
export function clearRemoteAnswer(): void {
  dataSource.set((s) => ({ ...s, answer: null }));
  queryState.set((s) => ({ ...s, status: "idle", error: null, ran: null }));
}
