import { columnOf } from "../store/dataset.ts";
import { parseNumber, type Dict } from "../store/dict.ts";
import { sliceValue } from "../store/slice.ts";
import type { Column, Segment } from "../store/types.ts";

/**
 * Where the views look for each logical field, in order of preference. Formats disagree (ECS,
 * Sysmon raw names, Splunk CIM, Windows Security text), so every view resolves a logical field to
 * the first column a segment actually has.
 */
export const FIELDS = {
  host: ["host", "host.name", "host.hostname"],
  pid: ["process.pid", "ProcessId", "process_id", "pid"],
  ppid: ["process.parent.pid", "process.ppid", "ParentProcessId", "parent_process_id", "ppid"],
  guid: ["process.entity_id", "ProcessGuid", "process_guid"],
  parentGuid: ["process.parent.entity_id", "ParentProcessGuid", "parent_process_guid"],
  name: ["process.name", "process_name"],
  image: ["process.executable", "Image", "process_path", "process"],
  parentName: ["process.parent.name", "parent_process_name"],
  parentImage: ["process.parent.executable", "ParentImage", "parent_process_path", "parent_process"],
  commandLine: ["process.command_line", "CommandLine", "process_command_line", "Process_Command_Line"],
  parentCommandLine: ["process.parent.command_line", "ParentCommandLine", "parent_process_command_line"],
  user: ["user.name", "User", "user", "user.id", "SubjectUserName", "Account_Name", "src_user"],
  eventCode: ["EventCode", "EventID", "event.code"],
  category: ["event.category"],
  type: ["event.type"],
  library: ["dll.path", "ImageLoaded", "dll.name"],
  srcIp: ["source.ip", "src_ip", "SourceIp", "source.address", "src", "id.orig_h", "clientip", "c_ip"],
  destIp: ["destination.ip", "dest_ip", "DestinationIp", "destination.address", "dest", "id.resp_h"],
  srcPort: ["source.port", "src_port", "SourcePort", "id.orig_p"],
  destPort: ["destination.port", "dest_port", "DestinationPort", "id.resp_p"],
  transport: ["network.transport", "transport", "Protocol", "proto", "network.protocol"],
} as const satisfies Record<string, readonly string[]>;

export type LogicalField = keyof typeof FIELDS;

/**
 * Windows Security 4688 names the new process `NewProcessId`/`New_Process_ID` and puts the
 * creator's pid in `ProcessId`, the opposite of Sysmon; a segment holding those columns is read
 * with this layout instead, whatever the aliases say.
 */
const SECURITY_PROCESS: Partial<Record<LogicalField, readonly string[]>> = {
  pid: ["NewProcessId", "New_Process_ID"],
  ppid: ["ProcessId", "Creator_Process_ID"],
  image: ["NewProcessName", "New_Process_Name"],
  parentImage: ["ParentProcessName", "Creator_Process_Name"],
  commandLine: ["CommandLine", "Process_Command_Line"],
  user: ["SubjectUserName", "Account_Name", "user"],
  name: [],
  parentName: [],
};

/** The first of `names` that a segment has (stored or alias). */
export function firstColumn(seg: Segment, names: readonly string[]): Column | undefined {
  for (const n of names) {
    const c = columnOf(seg, n);
    if (c) return c;
  }
  return undefined;
}

/** The column of a logical field in a segment, honouring the Security 4688 layout. */
export function logicalColumn(seg: Segment, field: LogicalField): Column | undefined {
  if (seg.columns.has("NewProcessId") || seg.columns.has("New_Process_ID")) {
    const special = SECURITY_PROCESS[field];
    if (special) return firstColumn(seg, special);
  }
  return firstColumn(seg, FIELDS[field]);
}

/** The name of the column a logical field resolves to in a segment (for building filters). */
export function logicalName(seg: Segment, field: LogicalField): string | undefined {
  const col = logicalColumn(seg, field);
  if (!col) return undefined;
  for (const [name, c] of seg.columns) if (c === col) return name;
  return undefined;
}

/** The basename of a Windows or POSIX path ("C:\\x\\cmd.exe" → "cmd.exe"). */
export function baseName(path: string): string {
  const cut = Math.max(path.lastIndexOf("\\"), path.lastIndexOf("/"));
  const base = cut >= 0 ? path.slice(cut + 1) : path;
  return base.replace(/^"+|"+$/g, "");
}

/**
 * Dense codes for values, shared across segments: each segment's dictionary ids (or numbers) are
 * translated once per distinct value, so group-bys run on typed arrays even though an alias may
 * point at different stored fields (and dictionaries) in different segments.
 */
export class ValueCoder {
  /** values[code]; code 0 = absent. */
  readonly values: string[] = [""];
  private readonly index = new Map<string, number>();
  private readonly byDict = new Map<Dict, Uint32Array>();
  private readonly byNumber = new Map<number, number>();

  constructor(private readonly transform: ((s: string) => string) | null = null) {}

  /** The code of a text value (after the transform); 0 for an empty result. */
  code(text: string): number {
    const t = this.transform ? this.transform(text) : text;
    if (t === "") return 0;
    let c = this.index.get(t);
    if (c === undefined) {
      c = this.values.length;
      this.values.push(t);
      this.index.set(t, c);
    }
    return c;
  }

  /** The code of a value already coded, or 0. */
  find(text: string): number {
    return this.index.get(this.transform ? this.transform(text) : text) ?? 0;
  }

  /** Codes of `rows` of a column (multi-value rows: the first value), 0 where absent. */
  codes(col: Column | undefined, rows: Uint32Array): Uint32Array {
    const out = new Uint32Array(rows.length);
    if (!col) return out;
    switch (col.kind) {
      case "str": {
        const table = this.table(col.dict);
        const ids = col.ids;
        for (let i = 0; i < rows.length; i++) {
          const id = ids[rows[i]];
          const c = table[id];
          out[i] = c !== UNSET ? c : this.translate(table, col.dict, id);
        }
        return out;
      }
      case "multi": {
        const table = this.table(col.dict);
        const { offsets, ids } = col;
        for (let i = 0; i < rows.length; i++) {
          const r = rows[i];
          if (offsets[r] < offsets[r + 1]) out[i] = this.translate(table, col.dict, ids[offsets[r]]);
        }
        return out;
      }
      case "slice":
        for (let i = 0; i < rows.length; i++) {
          const v = sliceValue(col, rows[i]);
          if (v !== null) out[i] = this.code(v);
        }
        return out;
      case "num": {
        const values = col.values;
        for (let i = 0; i < rows.length; i++) {
          const v = values[rows[i]];
          if (Number.isNaN(v)) continue;
          let c = this.byNumber.get(v);
          if (c === undefined) {
            c = this.code(String(v));
            this.byNumber.set(v, c);
          }
          out[i] = c;
        }
        return out;
      }
    }
  }

  /** Every code of one row (all values of a multi-value row). */
  rowCodes(col: Column | undefined, row: number, out: number[]): number[] {
    out.length = 0;
    if (!col) return out;
    if (col.kind === "multi") {
      const table = this.table(col.dict);
      for (let i = col.offsets[row]; i < col.offsets[row + 1]; i++) {
        const c = this.translate(table, col.dict, col.ids[i]);
        if (c !== 0) out.push(c);
      }
      return out;
    }
    const c = this.codes(col, Uint32Array.of(row))[0];
    if (c !== 0) out.push(c);
    return out;
  }

  private table(dict: Dict): Uint32Array {
    let t = this.byDict.get(dict);
    if (!t || t.length < dict.size) {
      const grown = new Uint32Array(dict.size).fill(UNSET);
      if (t) grown.set(t);
      grown[0] = 0; // absent stays absent
      t = grown;
      this.byDict.set(dict, t);
    }
    return t;
  }

  private translate(table: Uint32Array, dict: Dict, id: number): number {
    if (id === 0) return 0;
    const c = table[id];
    if (c !== UNSET) return c;
    const code = this.code(dict.values[id]);
    table[id] = code;
    return code;
  }
}

const UNSET = 0xffffffff;

/** Numbers of `rows` of a column (text parsed as decimal or 0x hex; multi: first value), NaN where absent. */
export function numbersOf(col: Column | undefined, rows: Uint32Array): Float64Array {
  const out = new Float64Array(rows.length).fill(NaN);
  if (!col) return out;
  switch (col.kind) {
    case "num":
      for (let i = 0; i < rows.length; i++) out[i] = col.values[rows[i]];
      return out;
    case "slice":
      for (let i = 0; i < rows.length; i++) {
        const v = sliceValue(col, rows[i]);
        if (v !== null) out[i] = parseNumber(v);
      }
      return out;
    case "str": {
      const nums = col.dict.numbers();
      for (let i = 0; i < rows.length; i++) out[i] = nums[col.ids[rows[i]]];
      return out;
    }
    case "multi": {
      const nums = col.dict.numbers();
      for (let i = 0; i < rows.length; i++) {
        const r = rows[i];
        if (col.offsets[r] < col.offsets[r + 1]) out[i] = nums[col.ids[col.offsets[r]]];
      }
      return out;
    }
  }
}

/** Text of one row of a column (multi: values joined by a space), or null. */
export function textAt(col: Column | undefined, row: number): string | null {
  if (!col) return null;
  switch (col.kind) {
    case "str":
      return col.ids[row] === 0 ? null : col.dict.values[col.ids[row]];
    case "num":
      return Number.isNaN(col.values[row]) ? null : String(col.values[row]);
    case "slice":
      return sliceValue(col, row);
    case "multi": {
      const parts: string[] = [];
      for (let i = col.offsets[row]; i < col.offsets[row + 1]; i++) parts.push(col.dict.values[col.ids[i]]);
      return parts.length ? parts.join(" ") : null;
    }
  }
}
