import { describe, expect, it } from "vitest";
import { EngineCore, pivot, viewsOf } from "@quarry/engine";
import { enrichRequest, enrichSummary } from "./enrich.ts";

const enc = (s: string) => new TextEncoder().encode(s);

describe("enriching a server pivot in the tab", () => {
  it("attaches the same asset and identity rows a local pivot with the lookups attaches", () => {
    const core = new EngineCore();
    const job = core.beginIngest("events.json");
    job.write(
      enc(
        [
          { "@timestamp": "2017-08-24T04:00:00Z", host: "venus", user: "FROTHLY\\service3", src_ip: "10.0.2.109", dest_ip: "45.77.65.211", dest_port: 443 },
          { "@timestamp": "2017-08-24T04:01:00Z", host: "venus", user: "frothly\\service3", src_ip: "10.0.2.109", dest_ip: "45.77.65.211", dest_port: 443 },
          { "@timestamp": "2017-08-24T04:02:00Z", host: "mercury", user: "billy", src_ip: "10.0.2.107", dest_ip: "45.77.65.211", dest_port: 80 },
        ]
          .map((e) => JSON.stringify(e))
          .join("\n"),
      ),
    );
    core.finishIngest(job);
    const views = viewsOf(core);
    views.lookupTables({ add: { name: "assets.csv", role: "asset", csv: "nt_host,ip,owner\nvenus,10.0.2.109,alice\nmercury,10.0.2.107,bob\n" } });
    views.lookupTables({ add: { name: "identities.csv", role: "identity", csv: "identity,email\nservice3,svc@froth.ly\n" } });
    for (const entity of [{ kind: "ip", value: "45.77.65.211" }, { kind: "user", value: "service3" }] as const) {
      // What the server sends: the same pivot without lookup tables.
      const bare = pivot(core.dataset, entity);
      const withLookups = views.pivot({ entity });
      expect(bare).not.toEqual(withLookups);
      const e = views.enrich(enrichRequest(bare));
      expect(enrichSummary(bare, e)).toEqual(withLookups);
    }
  });
});
