import { useEffect, useMemo, useState } from "react";
import { engine } from "../engine/client.ts";
import { datasetChanged, useEngine } from "../engine/hooks.ts";
import { DatasetsPanel } from "../features/datasets/DatasetsPanel.tsx";
import { IngestQueue } from "../features/datasets/ingest-store.ts";
import { Header } from "./Header.tsx";
import { HelpOverlay } from "./HelpOverlay.tsx";
import { applyTheme, settings } from "./settings.ts";
import { useStore } from "./store.ts";

/** The workspace: header on top, datasets and fields on the left, the investigation on the right. */
export function App() {
  const queue = useMemo(() => new IngestQueue(engine, datasetChanged), []);
  const theme = useStore(settings).theme;
  const [help, setHelp] = useState(false);
  const status = useEngine("status", {});
  useEffect(() => applyTheme(theme), [theme]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      const typing = t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.isContentEditable);
      if (e.key === "?" && !typing) setHelp((h) => !h);
      if (e.key === "Escape") setHelp(false);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
  const restart = () => {
    engine.restart();
    queue.reloadAll();
    datasetChanged();
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
      <div className="workspace">
        <aside className="sidebar">
          <DatasetsPanel queue={queue} />
        </aside>
        <main className="main">
          {hasData ? (
            <section className="panel welcome">
              <p className="muted">Data loaded. Query panels appear here.</p>
            </section>
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
