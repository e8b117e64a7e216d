import { useEffect, useState } from "react";
import type { DatasetStatus } from "@quarry/engine";
import { queryState, runCurrentQuery, setQueryText } from "../features/editor/query-store.ts";
import { loadSample, sampleRequested, type IngestQueue } from "../features/datasets/ingest-store.ts";
import { dataSource, runRemoteQuery, selectSource } from "../features/datasource/datasource-store.ts";
import { useRemoteDatasets } from "../features/datasource/DataSourceSwitch.tsx";
import { formatBytes } from "./format.ts";
import { investigation } from "./investigation.ts";
import { settings } from "./settings.ts";
import { decodeShare, encodeShare, type NeededFile, type SharedSource, type ShareState } from "./share.ts";
import { useStore } from "./store.ts";

const PARAM = "s";

/** The share state of the current investigation. */
export function currentShare(status: DatasetStatus | undefined): ShareState {
  const s = settings.get();
  const q = queryState.get();
  const inv = investigation.get();
  const source: SharedSource = dataSource.get().source;
  // A ClickHouse investigation needs no files of the tab: the server holds its data.
  const remote = source.kind === "clickhouse";
  return {
    v: 1,
    lang: s.lang,
    query: q.text[s.lang],
    timeRange: inv.timeRange,
    timeZone: s.timeZone,
    splitBy: inv.splitBy,
    ran: remote ? dataSource.get().answer !== null : inv.result !== null,
    datasets: remote ? [] : (status?.files ?? []).filter((f) => f.fingerprint).map((f) => ({ name: f.name, bytes: f.bytes, fingerprint: f.fingerprint })),
    sample: remote ? false : sampleRequested.get(),
    source: remote ? { kind: "clickhouse", dataset: source.dataset } : { kind: "local" },
  };
}

/** The `#s=…` part of a URL, or null. */
function hashState(): string | null {
  return new URLSearchParams(location.hash.slice(1)).get(PARAM);
}

/**
 * Keeps the URL's hash equal to the investigation state, and on first load applies a shared
 * state: settings, query, time range and data source; it loads the sample by itself, names the
 * files it lacks, and runs the query once they are all loaded — or, for a ClickHouse dataset,
 * once the server behind the page lists it (and says so when it does not).
 */
export function ShareSync({ queue, status }: { queue: IngestQueue; status: DatasetStatus | undefined }) {
  const [incoming] = useState(() => {
    const text = hashState();
    if (!text) return null;
    try {
      return { state: decodeShare(text), error: null };
    } catch (e) {
      return { state: null, error: (e as Error).message };
    }
  });
  const [waiting, setWaiting] = useState<ShareState | null>(null);
  const s = useStore(settings);
  const q = useStore(queryState);
  const inv = useStore(investigation);
  const ds = useStore(dataSource);
  const remoteDatasets = useRemoteDatasets();

  // Apply a shared state once.
  useEffect(() => {
    const st = incoming?.state;
    if (!st) return;
    settings.set((p) => ({ ...p, lang: st.lang, timeZone: st.timeZone }));
    setQueryText(st.lang, st.query);
    investigation.set((p) => ({ ...p, timeRange: st.timeRange, splitBy: st.splitBy }));
    if (st.source?.kind === "clickhouse") selectSource(st.source);
    if (st.sample) void loadSample(queue).catch(() => {});
    if (st.ran) setWaiting(st);
  }, [incoming, queue]);

  // Run the shared query once every file it needs is loaded, or, on ClickHouse, once the server lists the dataset.
  const shared = incoming?.state?.source?.kind === "clickhouse" ? incoming.state.source.dataset : null;
  const onServer = waiting?.source?.kind === "clickhouse" ? waiting.source.dataset : null;
  const missing = waiting && onServer === null ? missingFiles(waiting.datasets, status) : [];
  // Said while the page still looks at the shared dataset (the analyst may switch away).
  const stillShared = shared !== null && ds.source.kind === "clickhouse" && ds.source.dataset === shared;
  const serverProblem = stillShared ? remoteProblem(shared, remoteDatasets.data, remoteDatasets.error, remoteDatasets.isPending) : null;
  const serverReady = onServer !== null && stillShared && serverProblem === null && !remoteDatasets.isPending;
  useEffect(() => {
    if (!waiting) return;
    if (onServer !== null) {
      if (!serverReady) return;
      setWaiting(null);
      void runRemoteQuery();
      return;
    }
    if (!status || status.events === 0 || missing.length > 0) return;
    setWaiting(null);
    void runCurrentQuery();
  }, [waiting, status, missing.length, onServer, serverReady]);

  // Mirror the state into the URL (no history entry per keystroke).
  useEffect(() => {
    if (waiting) return;
    const text = encodeShare(currentShare(status));
    if (hashState() === text) return;
    history.replaceState(null, "", `${location.pathname}${location.search}#${PARAM}=${text}`);
  }, [s, q, inv, ds, status, waiting]);

  if (incoming?.error)
    return (
      <div className="banner bad" role="alert" data-testid="share-error">
        This link could not be opened: {incoming.error}.
      </div>
    );
  if (serverProblem)
    return (
      <div className="banner bad" role="alert" data-testid="share-error">
        This link&apos;s investigation runs on ClickHouse dataset <code>{shared}</code>: {serverProblem}
      </div>
    );
  if (waiting && missing.length > 0)
    return (
      <div className="banner" data-testid="share-needs">
        <b>This investigation needs {missing.length === 1 ? "a file" : `${missing.length} files`}</b> that are not loaded here. Drop {missing.length === 1 ? "it" : "them"} on the page; the query runs once {missing.length === 1 ? "it is" : "they are"} loaded.
        <ul>
          {missing.map((f) => (
            <li key={f.fingerprint} data-testid="needed-file" data-file={f.name}>
              <code>{f.name}</code> · {formatBytes(f.bytes)} · fingerprint <code>{f.fingerprint}</code>
            </li>
          ))}
        </ul>
      </div>
    );
  return null;
}

/** Why a shared ClickHouse dataset cannot be used here, or null (also while the list is loading). */
function remoteProblem(dataset: string, list: Array<{ dataset: string }> | null | undefined, error: Error | null, pending: boolean): string | null {
  if (pending) return null;
  if (error) return `the server's datasets could not be listed (${error.message}).`;
  if (!list) return "this page is not served with a ClickHouse backend (quarry serve --clickhouse URL).";
  if (!list.some((d) => d.dataset === dataset)) return "the ClickHouse server behind this page has no such dataset.";
  return null;
}

function missingFiles(needed: NeededFile[], status: DatasetStatus | undefined): NeededFile[] {
  const have = new Set((status?.files ?? []).map((f) => f.fingerprint));
  return needed.filter((f) => !have.has(f.fingerprint));
}
