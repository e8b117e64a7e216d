import { describe, expect, it } from "vitest";
import { decodeViews, encodeViews, INITIAL_VIEWS, type ViewsState } from "./views-store.ts";

describe("views state in the share URL", () => {
  const state: ViewsState = {
    ...INITIAL_VIEWS,
    tab: "tree",
    trail: [
      { kind: "ip", value: "45.77.65.211" },
      { kind: "process", value: "7580", host: "wrk-btun" },
    ],
    sankey: { mode: "fields", source: "src_ip", target: "dest_port", host: "venus", useResult: true, maxFlows: 20, focus: "powershell" },
    tree: { host: "wrk-btun", seq: 1234 },
    decode: { text: "not shared" },
  };

  it("round-trips everything but the decoder text", () => {
    const back = decodeViews(encodeViews(state));
    expect(back).toEqual({ ok: true, state: { ...state, decode: { text: "" } } });
  });

  it("rejects unknown keys and bad values with a message instead of applying half", () => {
    const raw = JSON.parse(encodeViews(state));
    const bad = (patch: Record<string, unknown>) => decodeViews(JSON.stringify({ ...raw, ...patch }));
    expect(bad({ extra: 1 })).toEqual({ ok: false, error: 'views: unknown key "extra"' });
    expect(bad({ v: 2 })).toEqual({ ok: false, error: "views: unsupported version 2" });
    expect(bad({ tab: "graph" })).toMatchObject({ ok: false, error: expect.stringMatching(/bad tab/) });
    expect(bad({ trail: [{ kind: "planet", value: "x" }] })).toMatchObject({ ok: false });
    expect(bad({ sankey: { ...raw.sankey, maxFlows: 10_000 } })).toMatchObject({ ok: false, error: expect.stringMatching(/maxFlows/) });
    expect(bad({ tree: { host: "h", seq: -1 } })).toMatchObject({ ok: false });
    expect(decodeViews("{not json")).toEqual({ ok: false, error: "views: not JSON" });
  });
});
