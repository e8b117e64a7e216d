import { lazy, Suspense, type KeyboardEvent, type ReactNode } from "react";
import { settings } from "../../app/settings.ts";
import { useStore } from "../../app/store.ts";
import { queryState } from "./query-store.ts";

// Monaco is most of the app's code: it loads in its own chunk, after the page is usable.
const QueryEditor = lazy(() => import("./QueryEditor.tsx").then((m) => ({ default: m.QueryEditor })));

/** What a query bar runs its query with: local engine or server. */
export interface QueryRowProps {
  onRun: () => void;
  onCancel: () => void;
  runTitle: string;
  cancelTitle: string;
  /** Buttons after Run/Cancel. */
  extraActions?: ReactNode;
  onKeyDownCapture?: (e: KeyboardEvent) => void;
}

/** The language badge, the editor and its Run/Cancel button (Cancel while a query runs). */
export function QueryRow({ onRun, onCancel, runTitle, cancelTitle, extraActions, onKeyDownCapture }: QueryRowProps) {
  const q = useStore(queryState);
  const { lang } = useStore(settings);
  return (
    <div className="query-row" onKeyDownCapture={onKeyDownCapture}>
      <span className="lang-badge">{lang.toUpperCase()}</span>
      <Suspense fallback={<div className="query-editor loading muted small">loading the editor…</div>}>
        <QueryEditor />
      </Suspense>
      <div className="query-actions">
        {q.status === "running" ? (
          <button type="button" className="primary" data-testid="cancel-query" onClick={onCancel} title={cancelTitle}>
            Cancel
          </button>
        ) : (
          <button type="button" className="primary" data-testid="run-query" onClick={onRun} title={runTitle}>
            Run
          </button>
        )}
        {extraActions}
      </div>
    </div>
  );
}
