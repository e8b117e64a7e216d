import { parseCsv } from "./csv.ts";

/** What a lookup table describes, as in Splunk ES: assets (hosts, IPs) or identities (users). */
export type LookupRole = "asset" | "identity" | "plain";

/** A loaded CSV lookup table. */
export interface LookupTable {
  name: string;
  role: LookupRole;
  fields: string[];
  rows: string[][];
  problems: Array<{ line: number; reason: string }>;
}

/** What a table says about one host, IP or user. */
export interface Enrichment {
  table: string;
  role: LookupRole;
  /** Every non-empty column of the matching row. */
  fields: Record<string, string>;
}

/** Columns that identify an asset, by the kind of value they hold. */
const ASSET_HOST = ["host", "nt_host", "hostname", "dns", "name", "asset"];
const ASSET_IP = ["ip", "ip_address", "address"];
const IDENTITY_KEYS = ["identity", "user", "username", "user_name", "email", "nick", "account"];

/**
 * The lookup tables of a session: SPL `lookup`/`inputlookup` read them by name, and the views
 * enrich every host, IP and user they show from the asset and identity tables.
 */
export class LookupStore {
  private readonly tables = new Map<string, LookupTable>();
  private hostIndex = new Map<string, Enrichment>();
  private ipIndex = new Map<string, Enrichment>();
  private cidrs: Array<{ net: number; mask: number; e: Enrichment }> = [];
  private userIndex = new Map<string, Enrichment>();

  /** Parses and adds (or replaces) a table; the role is guessed from the header unless given. */
  add(name: string, csv: string, role?: LookupRole): LookupTable {
    const parsed = parseCsv(csv);
    const table: LookupTable = { name, role: role ?? guessRole(parsed.header), fields: parsed.header, rows: parsed.rows, problems: parsed.problems };
    this.tables.set(name, table);
    this.reindex();
    return table;
  }

  /** Removes a table. */
  remove(name: string): boolean {
    const had = this.tables.delete(name);
    if (had) this.reindex();
    return had;
  }

  /** A table by name (with or without a .csv suffix). */
  get(name: string): LookupTable | undefined {
    return this.tables.get(name) ?? this.tables.get(name.endsWith(".csv") ? name.slice(0, -4) : name + ".csv");
  }

  /** Every table, in load order. */
  list(): LookupTable[] {
    return [...this.tables.values()];
  }

  /** The asset row of a host (case-insensitive; an FQDN also matches its short name). */
  host(name: string | null | undefined): Enrichment | null {
    if (!name) return null;
    const key = name.trim().toLowerCase();
    return this.hostIndex.get(key) ?? this.hostIndex.get(shortName(key)) ?? null;
  }

  /** The asset row of an IP address (exact, or an IPv4 CIDR range in the table). */
  ip(address: string | null | undefined): Enrichment | null {
    if (!address) return null;
    const exact = this.ipIndex.get(address.trim().toLowerCase());
    if (exact) return exact;
    const v = ipv4(address.trim());
    if (v === null) return null;
    for (const c of this.cidrs) if (((v & c.mask) >>> 0) === c.net) return c.e;
    return null;
  }

  /** The identity row of a user: `FROTHLY\\service3`, `service3@froth.ly` and `service3` all match `service3`. */
  user(name: string | null | undefined): Enrichment | null {
    if (!name) return null;
    for (const k of userKeys(name)) {
      const e = this.userIndex.get(k);
      if (e) return e;
    }
    return null;
  }

  private reindex(): void {
    this.hostIndex = new Map();
    this.ipIndex = new Map();
    this.cidrs = [];
    this.userIndex = new Map();
    for (const t of this.tables.values()) {
      const lower = t.fields.map((f) => f.toLowerCase());
      const cols = (names: string[]) => names.map((n) => lower.indexOf(n)).filter((i) => i >= 0);
      for (const row of t.rows) {
        const fields: Record<string, string> = {};
        t.fields.forEach((f, i) => {
          if (row[i] !== "") fields[f] = row[i];
        });
        const e: Enrichment = { table: t.name, role: t.role, fields };
        if (t.role === "asset") {
          for (const i of cols(ASSET_HOST)) for (const v of multi(row[i])) setOnce(this.hostIndex, v.toLowerCase(), e);
          for (const i of cols(ASSET_IP)) {
            for (const v of multi(row[i])) {
              const cidr = parseCidr(v);
              if (cidr) this.cidrs.push({ ...cidr, e });
              else setOnce(this.ipIndex, v.toLowerCase(), e);
            }
          }
        } else if (t.role === "identity") {
          for (const i of cols(IDENTITY_KEYS)) for (const v of multi(row[i])) for (const k of userKeys(v)) setOnce(this.userIndex, k, e);
        }
      }
    }
  }
}

/** Asset tables name hosts or IPs; identity tables name users; anything else is a plain lookup. */
function guessRole(header: string[]): LookupRole {
  const h = header.map((x) => x.toLowerCase());
  if (h.some((x) => ASSET_IP.includes(x) || x === "nt_host" || x === "dns" || x === "host")) return "asset";
  if (h.some((x) => x === "identity" || x === "user" || x === "username" || x === "email")) return "identity";
  return "plain";
}

/** Splunk ES multi-value cells are pipe-separated. */
function multi(cell: string): string[] {
  return cell
    .split("|")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

function setOnce<V>(m: Map<string, V>, k: string, v: V): void {
  if (!m.has(k)) m.set(k, v);
}

function shortName(host: string): string {
  const dot = host.indexOf(".");
  return dot > 0 && ipv4(host) === null ? host.slice(0, dot) : host;
}

/** Keys a user name is known by: whole, without a DOMAIN\\ prefix, without an @domain suffix. */
function userKeys(name: string): string[] {
  const n = name.trim().toLowerCase();
  const keys = [n];
  const slash = n.lastIndexOf("\\");
  if (slash >= 0) keys.push(n.slice(slash + 1));
  const at = n.indexOf("@");
  if (at > 0) keys.push(n.slice(0, at));
  return keys;
}

function ipv4(s: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

function parseCidr(s: string): { net: number; mask: number } | null {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(s);
  if (!m) return null;
  const base = ipv4(m[1]);
  const bits = Number(m[2]);
  if (base === null || bits > 32) return null;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return { net: (base & mask) >>> 0, mask };
}
