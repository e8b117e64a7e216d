import { useEngine, useEngineState } from "../engine/hooks.ts";
import { DataSourceSwitch } from "../features/datasource/DataSourceSwitch.tsx";
import { dataSource } from "../features/datasource/datasource-store.ts";
import { formatCount } from "./format.ts";
import { settings, type QueryLanguage } from "./settings.ts";
import { useStore } from "./store.ts";
import { useState } from "react";

/** Top bar: product name, what is loaded, engine health, language switch, theme. */
export function Header({ onRestart, onHelp }: { onRestart: () => void; onHelp: () => void }) {
  const s = useStore(settings);
  const state = useEngineState();
  const source = useStore(dataSource).source;
  const status = useEngine("status", {}, state.kind === "ready");
  const setLang = (lang: QueryLanguage) => settings.set((p) => ({ ...p, lang }));
  return (
    <header className="app-header">
      <div className="brand">
        <span className="logo" aria-hidden>◆</span> Quarry
      </div>
      <div className="dataset-status" data-testid="dataset-status">
        {state.kind === "dead" ? (
          <span className="bad">
            Engine stopped: {state.reason}{" "}
            <button type="button" onClick={onRestart}>Restart engine</button>
          </span>
        ) : source.kind === "clickhouse" ? (
          <span>Queries run on the ClickHouse dataset <b>{source.dataset}</b></span>
        ) : status.data && status.data.events > 0 ? (
          <span>
            <b>{formatCount(status.data.events)}</b> events · {status.data.files.length} file{status.data.files.length === 1 ? "" : "s"} ·{" "}
            {Object.keys(status.data.sourcetypes).length} sourcetype{Object.keys(status.data.sourcetypes).length === 1 ? "" : "s"}
          </span>
        ) : (
          <span className="muted">No data loaded</span>
        )}
      </div>
      <div className="header-tools">
        <DataSourceSwitch />
        <div className="segmented" role="radiogroup" aria-label="Query language">
          {(["eql", "spl"] as const).map((l) => (
            <button key={l} type="button" role="radio" aria-checked={s.lang === l} className={s.lang === l ? "on" : ""} data-testid={`lang-${l}`} onClick={() => setLang(l)}>
              {l.toUpperCase()}
            </button>
          ))}
        </div>
        <CopyLink />
        <button type="button" className="ghost" title="Switch theme" onClick={() => settings.set((p) => ({ ...p, theme: p.theme === "dark" ? "light" : "dark" }))}>
          {s.theme === "dark" ? "☾" : "☀"}
        </button>
        <button type="button" className="ghost" title="Keyboard shortcuts (?)" onClick={onHelp}>?</button>
      </div>
    </header>
  );
}

/** Copies the page URL, which always holds the investigation state. */
function CopyLink() {
  const [done, setDone] = useState<string | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(location.href);
      setDone("Link copied");
    } catch {
      setDone("Copy the address bar: it holds the investigation");
    }
    setTimeout(() => setDone(null), 2500);
  };
  return (
    <button type="button" className="ghost" data-testid="copy-link" title="Copy a link to this investigation" onClick={() => void copy()}>
      {done ?? "Share"}
    </button>
  );
}
