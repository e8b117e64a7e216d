/**
 * Asset/identity enrichment of a pivot answered by the server: the lookup tables live in the
 * tab's worker, so the summary's entity and related hosts, IPs and users are enriched there
 * (the worker's `enrich`, the same rows a local pivot attaches). Pure functions.
 */
import type { EnrichRequest, EnrichResult, PivotSummary, RelatedKind } from "@quarry/engine";

/** The hosts, IPs and users a summary shows (the entity and every related item). */
export function enrichRequest(s: PivotSummary): EnrichRequest {
  const out = { hosts: new Set<string>(), ips: new Set<string>(), users: new Set<string>() };
  const add = (kind: RelatedKind, value: string) => {
    if (kind === "host") out.hosts.add(value);
    else if (kind === "ip") out.ips.add(value);
    else if (kind === "user") out.users.add(value);
  };
  add(s.entity.kind, s.entity.value);
  for (const g of s.related) for (const it of g.items) add(g.kind, it.value);
  return { hosts: [...out.hosts], ips: [...out.ips], users: [...out.users] };
}

/** The summary with the worker's rows attached where a local pivot attaches them (processes never). */
export function enrichSummary(s: PivotSummary, e: EnrichResult): PivotSummary {
  const of = (kind: RelatedKind, value: string) => (kind === "host" ? e.hosts[value] : kind === "ip" ? e.ips[value] : kind === "user" ? e.users[value] : undefined) ?? null;
  return {
    ...s,
    enrichment: s.entity.kind === "process" ? null : of(s.entity.kind, s.entity.value),
    related: s.related.map((g) => ({ ...g, items: g.items.map((it) => ({ ...it, enrichment: of(g.kind, it.value) })) })),
  };
}
