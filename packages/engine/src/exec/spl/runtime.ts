/**
 * Per-run settings SPL eval functions read (timezone, "now"). The engine is synchronous, so the
 * SPL runner sets them for the duration of one query; functions never see another query's values.
 */
export const splRuntime = {
  tz: "UTC",
  /** Search start time in ms since the epoch (SPL's now()). */
  nowMs: 0,
};
