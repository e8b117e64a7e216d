import { sliceValue } from "../store/slice.ts";
import type { Column, Segment } from "../store/types.ts";
import { logicalColumn } from "./fields.ts";

/** What a process-centric view needs to know about an event. */
export const EventKind = {
  Other: 0,
  ProcessStart: 1,
  ProcessEnd: 2,
  Network: 3,
  Library: 4,
} as const;

/**
 * Classifies rows: Sysmon event ids 1/5/3/7 and Security 4688/4689 by their event code, ECS
 * events by `event.category`/`event.type`. Codes are decided once per distinct dictionary value.
 */
export function eventKinds(seg: Segment, rows: Uint32Array): Uint8Array {
  const out = new Uint8Array(rows.length);
  const code = logicalColumn(seg, "eventCode");
  const category = logicalColumn(seg, "category");
  const type = logicalColumn(seg, "type");
  const codeKind = code ? perValue(code, kindOfCode) : null;
  const catKind = category ? perValue(category, kindOfCategory) : null;
  const isStart = type ? perValue(type, (t) => (/^(start|creation|process_start(ed)?)$/i.test(t) ? 1 : 0)) : null;
  const isEnd = type ? perValue(type, (t) => (/^(end|termination|terminate|process_stop)$/i.test(t) ? 1 : 0)) : null;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    let k = codeKind ? codeKind(r) : 0;
    if (k === 0 && catKind) {
      k = catKind(r);
      if (k === EventKind.ProcessStart && isStart && isEnd) {
        // ECS process events carry start and end under the same category; the type tells them apart.
        if (isEnd(r) === 1) k = EventKind.ProcessEnd;
        else if (isStart(r) !== 1) k = EventKind.Other;
      }
    }
    out[i] = k;
  }
  return out;
}

function kindOfCode(text: string): number {
  switch (text.trim()) {
    case "1":
    case "4688":
      return EventKind.ProcessStart;
    case "5":
    case "4689":
      return EventKind.ProcessEnd;
    case "3":
      return EventKind.Network;
    case "7":
      return EventKind.Library;
    default:
      return EventKind.Other;
  }
}

function kindOfCategory(text: string): number {
  switch (text.toLowerCase()) {
    case "process":
      return EventKind.ProcessStart;
    case "network":
      return EventKind.Network;
    case "library":
      return EventKind.Library;
    default:
      return EventKind.Other;
  }
}

/** A per-row function built from a per-distinct-value table (any value of a multi-value row that is non-zero wins). */
function perValue(col: Column, f: (text: string) => number): (row: number) => number {
  switch (col.kind) {
    case "num": {
      const cache = new Map<number, number>();
      return (r) => {
        const v = col.values[r];
        if (Number.isNaN(v)) return 0;
        let k = cache.get(v);
        if (k === undefined) cache.set(v, (k = f(String(v))));
        return k;
      };
    }
    case "slice":
      return (r) => {
        const v = sliceValue(col, r);
        return v === null ? 0 : f(v);
      };
    case "str": {
      const table = col.dict.values.map((v, id) => (id === 0 ? 0 : f(v)));
      return (r) => table[col.ids[r]];
    }
    case "multi": {
      const table = col.dict.values.map((v, id) => (id === 0 ? 0 : f(v)));
      return (r) => {
        for (let i = col.offsets[r]; i < col.offsets[r + 1]; i++) if (table[col.ids[i]] !== 0) return table[col.ids[i]];
        return 0;
      };
    }
  }
}
