import { cancelServerViews } from "./view-data.ts";
import type { RemoteViewMethod } from "./remote.ts";

/** "counting…" while a view runs; on the server also a Cancel that stops it there. */
export function ViewBusy({ method, busy, remote, label }: { method: RemoteViewMethod; busy: boolean; remote: boolean; label: string }) {
  if (!busy) return null;
  return (
    <span className="muted small" data-testid="view-busy" data-remote={remote}>
      {remote ? `${label} on the server…` : `${label}…`}{" "}
      {remote && (
        <button type="button" className="ghost small" onClick={() => cancelServerViews(method)} data-testid="view-cancel" title="Stop this view on the server">
          Cancel
        </button>
      )}
    </span>
  );
}
