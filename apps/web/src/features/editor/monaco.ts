// Monaco, bundled locally: the core API plus the editor features Quarry uses. Never the
// TS/CSS/HTML/JSON language workers, never a CDN; the only worker is Monaco's own editor worker.
import * as monaco from "monaco-editor/editor/editor.api";
import EditorWorker from "monaco-editor/editor/editor.worker?worker";
import "monaco-editor/editor/browser/coreCommands";
import "monaco-editor/editor/contrib/bracketMatching/browser/bracketMatching";
import "monaco-editor/editor/contrib/clipboard/browser/clipboard";
import "monaco-editor/editor/contrib/comment/browser/comment";
import "monaco-editor/editor/contrib/contextmenu/browser/contextmenu";
import "monaco-editor/editor/contrib/cursorUndo/browser/cursorUndo";
import "monaco-editor/editor/contrib/find/browser/findController";
import "monaco-editor/editor/contrib/gotoError/browser/gotoError";
import "monaco-editor/editor/contrib/hover/browser/hoverContribution";
import "monaco-editor/editor/contrib/linesOperations/browser/linesOperations";
import "monaco-editor/editor/contrib/multicursor/browser/multicursor";
import "monaco-editor/editor/contrib/placeholderText/browser/placeholderText.contribution";
import "monaco-editor/editor/contrib/snippet/browser/snippetController2";
import "monaco-editor/editor/contrib/suggest/browser/suggestController";
import "monaco-editor/editor/contrib/wordHighlighter/browser/wordHighlighter";
import "monaco-editor/editor/contrib/wordOperations/browser/wordOperations";
import "monaco-codicon-css";

(self as unknown as { MonacoEnvironment: monaco.Environment }).MonacoEnvironment = {
  getWorker: () => new EditorWorker({ name: "monaco-editor" }),
};

const EQL_KEYWORDS = ["where", "and", "or", "not", "in", "in~", "like", "like~", "regex", "regex~", "sequence", "sample", "join", "by", "with", "maxspan", "runs", "until", "of", "descendant", "child", "event", "true", "false", "null", "any"];
const SPL_KEYWORDS = ["AND", "OR", "NOT", "by", "as", "BY", "AS", "over", "OVER", "span", "limit", "useother", "usenull", "earliest", "latest", "index", "sourcetype", "source", "host"];

let registered = false;

/** Registers the EQL and SPL languages (tokenizers, brackets, comments) once. */
export function registerQueryLanguages(): typeof monaco {
  if (registered) return monaco;
  registered = true;
  monaco.languages.register({ id: "eql" });
  monaco.languages.register({ id: "spl" });
  monaco.languages.setLanguageConfiguration("eql", {
    comments: { lineComment: "//", blockComment: ["/*", "*/"] },
    brackets: [["[", "]"], ["(", ")"]],
    autoClosingPairs: [{ open: "[", close: "]" }, { open: "(", close: ")" }, { open: '"', close: '"' }],
  });
  monaco.languages.setLanguageConfiguration("spl", {
    comments: { blockComment: ["```", "```"] },
    brackets: [["[", "]"], ["(", ")"]],
    autoClosingPairs: [{ open: "[", close: "]" }, { open: "(", close: ")" }, { open: '"', close: '"' }],
  });
  monaco.languages.setMonarchTokensProvider("eql", {
    keywords: EQL_KEYWORDS,
    ignoreCase: false,
    tokenizer: {
      root: [
        [/\/\/.*$/, "comment"],
        [/\/\*/, "comment", "@comment"],
        [/"""/, "string", "@raw"],
        [/"([^"\\]|\\.)*"/, "string"],
        [/'([^'\\]|\\.)*'/, "string"],
        [/\?"[^"]*"|`[^`]*`/, "variable"],
        [/\|\s*[a-z_]+/, "keyword.pipe"],
        [/\b\d+(\.\d+)?(ms|s|m|h|d)?\b/, "number"],
        [/[a-zA-Z_@][\w.@~]*(?=\s*\()/, "predefined"],
        [/[a-zA-Z_@?][\w.@]*~?/, { cases: { "@keywords": "keyword", "@default": "identifier" } }],
        [/==|!=|<=|>=|[<>:=+\-*/%]/, "operator"],
        [/[[\]()]/, "@brackets"],
      ],
      comment: [[/\*\//, "comment", "@pop"], [/./, "comment"]],
      raw: [[/"""/, "string", "@pop"], [/./, "string"]],
    },
  } as monaco.languages.IMonarchLanguage);
  monaco.languages.setMonarchTokensProvider("spl", {
    keywords: SPL_KEYWORDS,
    ignoreCase: true,
    tokenizer: {
      root: [
        [/```/, "comment", "@comment"],
        [/"([^"\\]|\\.)*"/, "string"],
        [/\|\s*[a-zA-Z_]+/, "keyword.pipe"],
        [/\b\d+(\.\d+)?\b/, "number"],
        [/[a-zA-Z_][\w]*(?=\s*\()/, "predefined"],
        [/[a-zA-Z_*][\w.:*-]*(?=\s*(=|!=))/, "variable"],
        [/[a-zA-Z_][\w.:-]*/, { cases: { "@keywords": "keyword", "@default": "identifier" } }],
        [/==|!=|<=|>=|[<>=+\-*/%]/, "operator"],
        [/[[\]()]/, "@brackets"],
      ],
      comment: [[/```/, "comment", "@pop"], [/./, "comment"]],
    },
  } as monaco.languages.IMonarchLanguage);
  monaco.editor.defineTheme("quarry-dark", {
    base: "vs-dark",
    inherit: true,
    rules: [
      { token: "keyword.pipe", foreground: "ff9e64", fontStyle: "bold" },
      { token: "predefined", foreground: "7dcfff" },
      { token: "variable", foreground: "bb9af7" },
    ],
    colors: { "editor.background": "#161a21" },
  });
  monaco.editor.defineTheme("quarry-light", {
    base: "vs",
    inherit: true,
    rules: [
      { token: "keyword.pipe", foreground: "b35900", fontStyle: "bold" },
      { token: "predefined", foreground: "0b63ce" },
      { token: "variable", foreground: "7a3eb1" },
    ],
    colors: {},
  });
  return monaco;
}

export { monaco };
