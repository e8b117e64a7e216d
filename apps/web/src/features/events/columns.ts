import type { DatasetStatus } from "@quarry/engine";
import { createStore, useStore } from "../../app/store.ts";

/** Columns shown by default for the sourcetypes analysts meet most (prefix match on sourcetype). */
const DEFAULTS: Array<[RegExp, string[]]> = [
  [/sysmon/i, ["EventCode", "Image", "CommandLine"]],
  [/wineventlog:security|xmlwineventlog:security/i, ["EventCode", "Account_Name", "New_Process_Name"]],
  [/^stream:http/i, ["src_ip", "dest_ip", "http_method", "uri_path"]],
  [/^stream:dns/i, ["src_ip", "query", "reply_code"]],
  [/^stream:/i, ["src_ip", "dest_ip", "dest_port"]],
  [/^suricata/i, ["event_type", "src_ip", "dest_ip", "alert.signature"]],
  [/^pan:traffic/i, ["src_ip", "dest_ip", "dest_port", "action"]],
  [/^bro:conn|^zeek:conn/i, ["id.orig_h", "id.resp_h", "id.resp_p", "proto"]],
  [/^access_combined/i, ["clientip", "method", "uri", "status"]],
  [/^_json/i, ["event.category", "process.name"]],
];

/** The default extra columns for the sourcetypes in view (those of the largest one). */
export function defaultColumns(sourcetypes: Record<string, number>, fields: string[]): string[] {
  const top = Object.entries(sourcetypes).sort((a, b) => b[1] - a[1])[0]?.[0];
  if (!top) return [];
  const known = new Set(fields);
  const match = DEFAULTS.find(([re]) => re.test(top));
  return match ? match[1].filter((f) => known.has(f)) : [];
}

/** Columns the analyst chose; null = the defaults for what is in view. */
export const chosenColumns = createStore<string[] | null>(null);

/** Adds a field as a column (starting from the columns currently shown). */
export function addColumn(current: string[], field: string): void {
  if (!current.includes(field)) chosenColumns.set([...current, field]);
}

/** Removes a column. */
export function removeColumn(current: string[], field: string): void {
  chosenColumns.set(current.filter((f) => f !== field));
}

/** The extra columns in effect: the analyst's choice, else the defaults for the loaded data. */
export function useColumns(status: DatasetStatus | undefined): string[] {
  const chosen = useStore(chosenColumns);
  return chosen ?? defaultColumns(status?.sourcetypes ?? {}, status?.fields ?? []);
}
