import { useEffect, useMemo, useRef, useState } from "react";
import { engine } from "../engine/client.ts";
import { datasetChanged, useEngine } from "../engine/hooks.ts";
import { DatasetsPanel } from "../features/datasets/DatasetsPanel.tsx";
import { IngestQueue, loadSample } from "../features/datasets/ingest-store.ts";
import { EventsTable } from "../features/events/EventsTable.tsx";
import { useColumns } from "../features/events/columns.ts";
import { FieldsPanel } from "../features/fields/FieldsPanel.tsx";
import { Timechart } from "../features/timechart/Timechart.tsx";
import { QueryBar } from "../features/editor/QueryBar.tsx";
import { clearQuery, queryState, runCurrentQuery, setQueryText } from "../features/editor/query-store.ts";
import { SequencesPanel } from "../features/events/SequencesPanel.tsx";
import { queryWithFilter } from "../features/fields/filter.ts";
import { StatsPanel } from "../features/stats/StatsPanel.tsx";
import { AnalystViews } from "../features/pivots/AnalystViews.tsx";
import { dataSource, runRemoteQuery } from "../features/datasource/datasource-store.ts";
import { RemoteQueryBar } from "../features/datasource/RemoteQueryBar.tsx";
import { RemoteResults } from "../features/datasource/RemoteResults.tsx";
import { RemoteFields } from "../features/datasource/RemoteFields.tsx";
import { Header } from "./Header.tsx";
import { HelpOverlay } from "./HelpOverlay.tsx";
import { ShareSync } from "./ShareSync.tsx";
import { PanelBoundary } from "./PanelBoundary.tsx";
import { investigation, viewOf } from "./investigation.ts";
import { applyTheme, settings } from "./settings.ts";
import { useStore } from "./store.ts";

/** The workspace: header on top, datasets and fields on the left, the investigation on the right. */
export function App() {
  const queue = useMemo(() => new IngestQueue(engine, datasetChanged), []);
  const theme = useStore(settings).theme;
  const [help, setHelp] = useState(false);
  const status = useEngine("status", {});
  const inv = useStore(investigation);
  const source = useStore(dataSource).source;
  const view = viewOf(inv);
  const onValue = addFilter;
  const columns = useColumns(status.data);
  useEffect(() => applyTheme(theme), [theme]);
  // A new time range re-runs the shown query, so every panel follows the range.
  const firstRange = useRef(true);
  useEffect(() => {
    if (firstRange.current) {
      firstRange.current = false;
      return;
    }
    if (dataSource.get().source.kind === "clickhouse") {
      if (dataSource.get().answer && queryState.get().status !== "running") void runRemoteQuery();
      return;
    }
    if (investigation.get().result && queryState.get().status !== "running") void runCurrentQuery();
  }, [inv.timeRange]);
  useEffect(() => {
    // `quarry serve --open-sample` links to ?sample=1: load the sample once, on first start.
    if (new URLSearchParams(location.search).get("sample") === "1" && queue.jobs.get().length === 0) {
      void loadSample(queue).catch((e: Error) => console.warn(e.message));
      const url = new URL(location.href);
      url.searchParams.delete("sample");
      history.replaceState(null, "", url);
    }
  }, [queue]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      // Monaco may take input through EditContext on a plain element, so being inside an editor counts too.
      const typing = t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable || !!t.closest(".monaco-editor, .query-editor"));
      if (e.key === "?" && !typing) setHelp((h) => !h);
      if (e.key === "/" && !typing) {
        // "/" jumps to the query editor, as in most log tools.
        const input = document.querySelector<HTMLElement>(".query-editor textarea");
        if (input) {
          e.preventDefault();
          input.focus();
        }
      }
      if (e.key === "Escape") setHelp(false);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
  const restart = () => {
    engine.restart();
    clearQuery();
    // The saved copy comes back first; files never saved are read again from their sources.
    void engine
      .call("restore", {})
      .then((s) => (s && s.files.length > 0 ? undefined : queue.reloadAll()))
      .catch(() => queue.reloadAll())
      .finally(datasetChanged);
  };
  const hasData = (status.data?.events ?? 0) > 0;
  return (
    <div
      className="app"
      onDragOver={(e) => e.preventDefault()}
      onDrop={(e) => {
        e.preventDefault();
        queue.addFiles([...e.dataTransfer.files]);
      }}
    >
      <Header onRestart={restart} onHelp={() => setHelp(true)} />
      <ShareSync queue={queue} status={status.data} />
      <div className="app-workspace">
        <aside className="app-sidebar">
          <PanelBoundary name="datasets"><DatasetsPanel queue={queue} /></PanelBoundary>
          {source.kind === "clickhouse" && <PanelBoundary name="fields"><RemoteFields /></PanelBoundary>}
          {hasData && source.kind === "local" && inv.result?.kind !== "table" && <PanelBoundary name="fields"><FieldsPanel view={view} onValue={onValue} columns={columns} /></PanelBoundary>}
        </aside>
        <main className="app-main">
          {source.kind === "clickhouse" ? (
            <>
              <PanelBoundary name="query"><RemoteQueryBar /></PanelBoundary>
              <PanelBoundary name="results"><RemoteResults /></PanelBoundary>
              <PanelBoundary name="analyst views"><AnalystViews fields={[]} /></PanelBoundary>
            </>
          ) : hasData ? (
            <>
              <PanelBoundary name="query"><QueryBar latest={status.data?.latest ?? null} /></PanelBoundary>
              {inv.result?.kind === "table" ? (
                <PanelBoundary name="results"><StatsPanel result={inv.result} /></PanelBoundary>
              ) : (
                <>
                  <PanelBoundary name="timeline"><Timechart view={view} fields={status.data?.fields ?? []} /></PanelBoundary>
                  <PanelBoundary name="events">{inv.result?.kind === "sequences" ? <SequencesPanel result={inv.result} /> : <EventsTable view={view} columns={columns} />}</PanelBoundary>
                </>
              )}
              <PanelBoundary name="analyst views"><AnalystViews fields={status.data?.fields ?? []} /></PanelBoundary>
            </>
          ) : (
            <section className="panel welcome">
              <h1>Hunt through your logs, locally.</h1>
              <p className="muted">Drop log files anywhere on this page, pick them with “Choose files…”, or load the sample dataset. Everything is parsed and queried in this tab; nothing is uploaded.</p>
            </section>
          )}
        </main>
      </div>
      {help && <HelpOverlay onClose={() => setHelp(false)} />}
    </div>
  );
}

/** Adds `field == value` (or `!=`) to the query through its language's AST, then runs it. */
function addFilter(field: string, value: string | number, negate: boolean): void {
  const { lang } = settings.get();
  try {
    setQueryText(lang, queryWithFilter(lang, queryState.get().text[lang], field, value, negate));
    void runCurrentQuery();
  } catch (e) {
    queryState.set((s) => ({ ...s, status: "error", error: { name: "QueryError", message: `Cannot add the filter: ${(e as Error).message}` } }));
  }
}
