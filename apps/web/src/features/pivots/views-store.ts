import type { EntityKind, EntityRef } from "@quarry/engine";
import { createStore } from "../../app/store.ts";

/** Which analyst view is open in the dock (null = collapsed). */
export type ViewTab = "pivot" | "sankey" | "tree" | "decode" | "lookups";

export interface SankeyState {
  mode: "process" | "fields";
  source: string;
  target: string;
  /** Restrict to one host ("" = every host). */
  host: string;
  /** Use the current query result instead of every loaded event. */
  useResult: boolean;
  maxFlows: number;
  /** Process mode: keep the chains through processes named like this ("" = all). */
  focus: string;
}

/** The state of the analyst views; all of it is shareable (see `encodeViews`). */
export interface ViewsState {
  v: 1;
  tab: ViewTab | null;
  /** The entity shown and the trail of pivots that led there (oldest first, current last). */
  trail: EntityRef[];
  sankey: SankeyState;
  tree: { host: string; seq: number | null };
  decode: { text: string };
}

export const INITIAL_VIEWS: ViewsState = {
  v: 1,
  tab: null,
  trail: [],
  sankey: { mode: "process", source: "src_ip", target: "dest_ip", host: "", useResult: false, maxFlows: 40, focus: "" },
  tree: { host: "", seq: null },
  decode: { text: "" },
};

export const views = createStore<ViewsState>(INITIAL_VIEWS);

const TRAIL_MAX = 20;

/** Opens (or, when already open, keeps) a tab. */
export function openTab(tab: ViewTab | null): void {
  views.set((s) => ({ ...s, tab }));
}

/** Pivots to an entity: it becomes the current one and joins the trail (a repeat moves to the end). */
export function pivotTo(entity: EntityRef): void {
  views.set((s) => {
    const same = (e: EntityRef) => e.kind === entity.kind && e.value === entity.value && (e.host ?? null) === (entity.host ?? null);
    const trail = [...s.trail.filter((e) => !same(e)), entity].slice(-TRAIL_MAX);
    return { ...s, tab: "pivot", trail };
  });
}

/** Goes back to an entity of the trail, dropping what came after it. */
export function backTo(index: number): void {
  views.set((s) => ({ ...s, trail: s.trail.slice(0, index + 1) }));
}

/** Opens the process tree of a host, or of one event ("show in tree"). */
export function showTree(host: string, seq: number | null = null): void {
  views.set((s) => ({ ...s, tab: "tree", tree: { host, seq } }));
}

/** Opens the decoder on a text. */
export function decodeText(text: string): void {
  views.set((s) => ({ ...s, tab: "decode", decode: { text: text.slice(0, 200_000) } }));
}

/** Updates the Sankey settings. */
export function setSankey(patch: Partial<SankeyState>): void {
  views.set((s) => ({ ...s, sankey: { ...s.sankey, ...patch } }));
}

const KINDS: readonly EntityKind[] = ["host", "user", "process", "ip"];
const TABS: readonly ViewTab[] = ["pivot", "sankey", "tree", "decode", "lookups"];

/** The views state as a compact string for the share URL. */
export function encodeViews(s: ViewsState): string {
  // The decoder text can be long and is usually pasted from an event; it is not shared.
  const { decode: _decode, ...rest } = s;
  return JSON.stringify(rest);
}

/**
 * Reads a shared views state, strictly: unknown keys or bad values reject the whole thing with
 * a message, so a hand-edited link is never half-applied.
 */
export function decodeViews(text: string): { ok: true; state: ViewsState } | { ok: false; error: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, error: "views: not JSON" };
  }
  const err = (m: string) => ({ ok: false as const, error: `views: ${m}` });
  if (!isObj(raw)) return err("not an object");
  const allowed = ["v", "tab", "trail", "sankey", "tree"];
  for (const k of Object.keys(raw)) if (!allowed.includes(k)) return err(`unknown key "${k}"`);
  if (raw.v !== 1) return err(`unsupported version ${JSON.stringify(raw.v)}`);
  if (raw.tab !== null && !TABS.includes(raw.tab as ViewTab)) return err(`bad tab ${JSON.stringify(raw.tab)}`);
  if (!Array.isArray(raw.trail) || raw.trail.length > TRAIL_MAX) return err("trail must be a list of at most 20 entities");
  const trail: EntityRef[] = [];
  for (const e of raw.trail) {
    if (!isObj(e) || !KINDS.includes(e.kind as EntityKind) || typeof e.value !== "string" || e.value === "") return err("bad entity in trail");
    if (Object.keys(e).some((k) => !["kind", "value", "host"].includes(k))) return err("unknown key in a trail entity");
    if (e.host !== undefined && e.host !== null && typeof e.host !== "string") return err("bad entity host");
    trail.push({ kind: e.kind as EntityKind, value: e.value, ...(typeof e.host === "string" ? { host: e.host } : {}) });
  }
  const sk = raw.sankey;
  if (!isObj(sk)) return err("bad sankey");
  if (Object.keys(sk).some((k) => !["mode", "source", "target", "host", "useResult", "maxFlows", "focus"].includes(k))) return err("unknown key in sankey");
  if (sk.focus !== undefined && typeof sk.focus !== "string") return err("bad sankey focus");
  if (sk.mode !== "process" && sk.mode !== "fields") return err("bad sankey mode");
  if (typeof sk.source !== "string" || typeof sk.target !== "string" || typeof sk.host !== "string") return err("bad sankey fields");
  if (typeof sk.useResult !== "boolean") return err("bad sankey useResult");
  if (typeof sk.maxFlows !== "number" || !Number.isInteger(sk.maxFlows) || sk.maxFlows < 1 || sk.maxFlows > 500) return err("sankey maxFlows must be 1..500");
  const tr = raw.tree;
  if (!isObj(tr) || Object.keys(tr).some((k) => !["host", "seq"].includes(k))) return err("bad tree");
  if (typeof tr.host !== "string") return err("bad tree host");
  if (tr.seq !== null && !(typeof tr.seq === "number" && Number.isInteger(tr.seq) && tr.seq >= 0)) return err("bad tree seq");
  return {
    ok: true,
    state: {
      v: 1,
      tab: raw.tab as ViewTab | null,
      trail,
      sankey: { mode: sk.mode, source: sk.source, target: sk.target, host: sk.host, useResult: sk.useResult, maxFlows: sk.maxFlows, focus: typeof sk.focus === "string" ? sk.focus : "" },
      tree: { host: tr.host, seq: tr.seq as number | null },
      decode: { text: "" },
    },
  };
}

function isObj(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** The URL parameter holding the views state. */
export const URL_PARAM = "views";

/** Restores the views state from the page URL once at start; returns an error message for a bad one. */
export function restoreFromUrl(): string | null {
  const text = new URLSearchParams(location.search).get(URL_PARAM);
  if (!text) return null;
  const r = decodeViews(text);
  if (!r.ok) return r.error;
  views.set(r.state);
  return null;
}

/** Keeps the views state in the URL (replaceState: pivots do not flood the back button). */
export function syncToUrl(): () => void {
  return views.subscribe(() => {
    const url = new URL(location.href);
    const s = views.get();
    if (s.tab === null && s.trail.length === 0) url.searchParams.delete(URL_PARAM);
    else url.searchParams.set(URL_PARAM, encodeViews(s));
    history.replaceState(history.state, "", url);
  });
}
