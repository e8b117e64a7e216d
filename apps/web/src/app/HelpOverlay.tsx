const SHORTCUTS: Array<[string, string]> = [
  ["Ctrl/⌘ + Enter", "Run the query"],
  ["/", "Jump to the query editor"],
  ["?", "Show or hide this help"],
  ["Esc", "Close overlays, suggestions and expanded events"],
  ["Ctrl + Space", "Suggest fields, values, functions, commands"],
  ["Drag on the timeline", "Narrow the time range"],
  ["Drop files anywhere", "Load them (parsed in this tab, never uploaded)"],
];

/** The keyboard shortcut list. */
export function HelpOverlay({ onClose }: { onClose: () => void }) {
  return (
    <div className="app-overlay" role="dialog" aria-modal="true" aria-label="Keyboard shortcuts" data-testid="help-overlay" onClick={onClose}>
      <div className="overlay-card" onClick={(e) => e.stopPropagation()}>
        <h2>Keyboard shortcuts</h2>
        <table className="mini">
          <tbody>
            {SHORTCUTS.map(([k, d]) => (
              <tr key={k}>
                <td><kbd>{k}</kbd></td>
                <td>{d}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <button type="button" onClick={onClose}>Close</button>
      </div>
    </div>
  );
}
