import { useEffect, useState } from "react";
import type { DatasetStatus } from "@quarry/engine";
import { queryState, runCurrentQuery, setQueryText } from "../features/editor/query-store.ts";
import { loadSample, sampleRequested, type IngestQueue } from "../features/datasets/ingest-store.ts";
import { formatBytes } from "./format.ts";
import { investigation } from "./investigation.ts";
import { settings } from "./settings.ts";
import { decodeShare, encodeShare, type NeededFile, type ShareState } from "./share.ts";
import { useStore } from "./store.ts";

const PARAM = "s";

/** The share state of the current investigation. */
export function currentShare(status: DatasetStatus | undefined): ShareState {
  const s = settings.get();
  const q = queryState.get();
  const inv = investigation.get();
  return {
    v: 1,
    lang: s.lang,
    query: q.text[s.lang],
    timeRange: inv.timeRange,
    timeZone: s.timeZone,
    splitBy: inv.splitBy,
    ran: inv.result !== null,
    datasets: (status?.files ?? []).filter((f) => f.fingerprint).map((f) => ({ name: f.name, bytes: f.bytes, fingerprint: f.fingerprint })),
    sample: sampleRequested.get(),
  };
}

/** The `#s=…` part of a URL, or null. */
function hashState(): string | null {
  return new URLSearchParams(location.hash.slice(1)).get(PARAM);
}

/**
 * Keeps the URL's hash equal to the investigation state, and on first load applies a shared
 * state: settings, query, time range; it loads the sample by itself, names the files it lacks,
 * and runs the query once they are all loaded.
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

  // Apply a shared state once.
  useEffect(() => {
    const st = incoming?.state;
    if (!st) return;
    settings.set((p) => ({ ...p, lang: st.lang, timeZone: st.timeZone }));
    setQueryText(st.lang, st.query);
    investigation.set((p) => ({ ...p, timeRange: st.timeRange, splitBy: st.splitBy }));
    if (st.sample) void loadSample(queue).catch(() => {});
    if (st.ran) setWaiting(st);
  }, [incoming, queue]);

  // Run the shared query once every file it needs is loaded.
  const missing = waiting ? missingFiles(waiting.datasets, status) : [];
  useEffect(() => {
    if (!waiting || !status || status.events === 0 || missing.length > 0) return;
    setWaiting(null);
    void runCurrentQuery();
  }, [waiting, status, missing.length]);

  // Mirror the state into the URL (no history entry per keystroke).
  useEffect(() => {
    if (waiting) return;
    const text = encodeShare(currentShare(status));
    if (hashState() === text) return;
    history.replaceState(null, "", `${location.pathname}${location.search}#${PARAM}=${text}`);
  }, [s, q, inv, status, waiting]);

  if (incoming?.error)
    return (
      <div className="banner bad" role="alert" data-testid="share-error">
        This link could not be opened: {incoming.error}.
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

function missingFiles(needed: NeededFile[], status: DatasetStatus | undefined): NeededFile[] {
  const have = new Set((status?.files ?? []).map((f) => f.fingerprint));
  return needed.filter((f) => !have.has(f.fingerprint));
}
