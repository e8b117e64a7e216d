import { Component, type ReactNode } from "react";

/** Keeps a failing panel from taking the workspace down: the panel shows its error and a retry. */
export class PanelBoundary extends Component<{ name: string; children: ReactNode }, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error): { error: Error } {
    return { error };
  }

  override render(): ReactNode {
    if (!this.state.error) return this.props.children;
    return (
      <section className="panel" role="alert" data-testid="panel-error">
        <p className="bad">
          The {this.props.name} panel failed: {this.state.error.message}
        </p>
        <button type="button" onClick={() => this.setState({ error: null })}>Retry</button>
      </section>
    );
  }
}
