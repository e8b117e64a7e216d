import { useEffect, useRef } from "react";
import type { Completion } from "@quarry/engine";
import { settings } from "../../app/settings.ts";
import { useStore } from "../../app/store.ts";
import { engine } from "../../engine/client.ts";
import { registerQueryLanguages, type monaco as Monaco } from "./monaco.ts";
import { diagnostic, queryState, runCurrentQuery, setQueryText } from "./query-store.ts";

type MonacoApi = typeof Monaco;

/** Delay before a changed query is checked for errors. */
const CHECK_MS = 250;

let providersInstalled = false;

/**
 * Completion through the worker's language service, which answers in offsets; this adapter only
 * converts offsets to positions and drops answers for a model disposed meanwhile.
 */
function installProviders(monaco: MonacoApi): void {
  if (providersInstalled) return;
  providersInstalled = true;
  const kinds: Record<Completion["kind"], Monaco.languages.CompletionItemKind> = {
    field: monaco.languages.CompletionItemKind.Field,
    function: monaco.languages.CompletionItemKind.Function,
    keyword: monaco.languages.CompletionItemKind.Keyword,
    command: monaco.languages.CompletionItemKind.Module,
    value: monaco.languages.CompletionItemKind.Value,
  };
  for (const lang of ["eql", "spl"] as const) {
    monaco.languages.registerCompletionItemProvider(lang, {
      triggerCharacters: [".", "|", " ", '"'],
      async provideCompletionItems(model, position) {
        const text = model.getValue();
        const res = await engine.call("complete", { lang, text, offset: model.getOffsetAt(position) }).catch(() => null);
        if (!res || model.isDisposed()) return { suggestions: [] };
        const a = model.getPositionAt(res.span.start);
        const b = model.getPositionAt(res.span.end);
        const range = new monaco.Range(a.lineNumber, a.column, b.lineNumber, b.column);
        return {
          suggestions: res.items.map((it, i) => ({
            label: it.label,
            kind: kinds[it.kind],
            detail: it.detail ?? it.kind,
            insertText: it.label,
            range,
            sortText: String(i).padStart(4, "0"),
          })),
        };
      },
    });
  }
}

/** The query editor: Monaco in EQL or SPL mode, Ctrl/Cmd+Enter runs, parse errors as markers. */
export function QueryEditor() {
  const { lang, theme } = useStore(settings);
  const q = useStore(queryState);
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<Monaco.editor.IStandaloneCodeEditor | null>(null);
  const api = useRef<MonacoApi | null>(null);

  useEffect(() => {
    const monaco = registerQueryLanguages();
    api.current = monaco;
    installProviders(monaco);
    const ed = monaco.editor.create(host.current!, {
      value: queryState.get().text[settings.get().lang],
      language: settings.get().lang,
      theme: settings.get().theme === "dark" ? "quarry-dark" : "quarry-light",
      minimap: { enabled: false },
      lineNumbers: "off",
      glyphMargin: false,
      folding: false,
      scrollBeyondLastLine: false,
      wordWrap: "on",
      fontSize: 13,
      fontFamily: 'ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace',
      automaticLayout: true,
      renderLineHighlight: "none",
      overviewRulerLanes: 0,
      fixedOverflowWidgets: true,
      placeholder: "Type an EQL or SPL query, then Ctrl+Enter",
      "semanticHighlighting.enabled": false,
    });
    editor.current = ed;
    ed.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, () => void runCurrentQuery());
    ed.onDidChangeModelContent(() => setQueryText(settings.get().lang, ed.getValue()));
    return () => {
      ed.getModel()?.dispose();
      ed.dispose();
      editor.current = null;
    };
  }, []);

  // Language switch and outside edits (field filters, history, share URL) update the model.
  useEffect(() => {
    const ed = editor.current;
    const monaco = api.current;
    const model = ed?.getModel();
    if (!ed || !monaco || !model) return;
    if (model.getLanguageId() !== lang) monaco.editor.setModelLanguage(model, lang);
    const text = q.text[lang];
    if (model.getValue() !== text) {
      // pushEditOperations keeps the change on the undo stack.
      model.pushEditOperations([], [{ range: model.getFullModelRange(), text }], () => null);
    }
  }, [lang, q.text]);

  useEffect(() => {
    api.current?.editor.setTheme(theme === "dark" ? "quarry-dark" : "quarry-light");
  }, [theme]);

  // Parse errors as markers, checked in the worker a moment after typing stops.
  useEffect(() => {
    const text = q.text[lang];
    let live = true;
    const t = setTimeout(() => {
      void engine
        .call("check", { lang, text })
        .then((err) => {
          const model = editor.current?.getModel();
          const monaco = api.current;
          if (!live || !model || !monaco || model.isDisposed() || model.getValue() !== text) return;
          const markers: Monaco.editor.IMarkerData[] = [];
          if (err) {
            const start = model.getPositionAt(err.span?.start ?? 0);
            const end = model.getPositionAt(Math.max(err.span?.end ?? text.length, (err.span?.start ?? 0) + 1));
            markers.push({ severity: monaco.MarkerSeverity.Error, message: err.message, startLineNumber: start.lineNumber, startColumn: start.column, endLineNumber: end.lineNumber, endColumn: end.column });
          }
          monaco.editor.setModelMarkers(model, "quarry", markers);
          diagnostic.set(err ? err.message : null);
        })
        .catch(() => {});
    }, CHECK_MS);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [lang, q.text]);

  // data-query mirrors the model for tests and assistive tools (Monaco renders only visible lines).
  return <div className="query-editor" ref={host} data-testid="query-editor" data-lang={lang} data-query={q.text[lang]} />;
}
