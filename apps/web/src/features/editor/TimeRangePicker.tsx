import { useState } from "react";
import { formatTime } from "../../app/format.ts";
import { investigation, setTimeRange } from "../../app/investigation.ts";
import { settings } from "../../app/settings.ts";
import { useStore } from "../../app/store.ts";

const PRESETS: Array<[string, number]> = [
  ["last 15 min", 15 * 60e3],
  ["last hour", 3600e3],
  ["last 24 h", 86400e3],
  ["last 7 days", 7 * 86400e3],
];

const ZONES = ["UTC", "America/Los_Angeles", "America/New_York", "Europe/London", "Europe/Berlin", "Asia/Tokyo"];

/**
 * Time range presets (relative to the newest loaded event, since logs are rarely from "now"),
 * absolute bounds typed as text in the display zone, and the display zone itself.
 */
export function TimeRangePicker({ latest }: { latest: number | null }) {
  const range = useStore(investigation).timeRange;
  const { timeZone } = useStore(settings);
  const [open, setOpen] = useState(false);
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [error, setError] = useState<string | null>(null);
  const label = range ? `${formatTime(range.earliest, timeZone)} → ${formatTime(range.latest, timeZone)}` : "All time";
  const apply = () => {
    const e = from.trim() ? parseInZone(from, timeZone) : null;
    const l = to.trim() ? parseInZone(to, timeZone) : null;
    if (Number.isNaN(e) || Number.isNaN(l)) return setError("Write times as YYYY-MM-DD HH:MM:SS");
    if (e !== null && l !== null && e >= l) return setError("The start must be before the end");
    setError(null);
    setTimeRange(e === null && l === null ? null : { earliest: e, latest: l });
    setOpen(false);
  };
  return (
    <span className="time-picker">
      <button type="button" className="ghost small" data-testid="time-picker" onClick={() => setOpen((o) => !o)}>Time: {label}</button>
      <select className="small" value={timeZone} aria-label="Time zone" data-testid="time-zone" onChange={(e) => settings.set((s) => ({ ...s, timeZone: e.target.value }))}>
        {[...new Set([...ZONES, timeZone])].map((z) => (
          <option key={z} value={z}>{z}</option>
        ))}
      </select>
      {open && (
        <div className="time-popover" role="dialog" aria-label="Time range">
          <div className="row">
            <button type="button" className="small" onClick={() => { setTimeRange(null); setOpen(false); }}>All time</button>
            {latest !== null &&
              PRESETS.map(([name, ms]) => (
                <button key={name} type="button" className="small" onClick={() => { setTimeRange({ earliest: latest + 1 - ms, latest: latest + 1 }); setOpen(false); }}>
                  {name}
                </button>
              ))}
          </div>
          <p className="muted small">Presets end at the newest loaded event. Absolute times are in {timeZone}.</p>
          <div className="row">
            <input className="search" placeholder="from: 2017-08-23 20:00:00" value={from} onChange={(e) => setFrom(e.target.value)} aria-label="From" />
            <input className="search" placeholder="to: 2017-08-24 00:00:00" value={to} onChange={(e) => setTo(e.target.value)} aria-label="To" />
            <button type="button" className="small" onClick={apply}>Apply</button>
          </div>
          {error && <p className="bad small">{error}</p>}
        </div>
      )}
    </span>
  );
}

/** Parses `YYYY-MM-DD[ HH:MM[:SS[.mmm]]]` as a wall-clock time in an IANA zone → epoch ms (NaN if malformed). */
export function parseInZone(text: string, timeZone: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?$/.exec(text.trim());
  if (!m) return NaN;
  const [, y, mo, d, h = "0", mi = "0", s = "0", ms = "0"] = m;
  const asUtc = Date.UTC(+y!, +mo! - 1, +d!, +h, +mi, +s, +ms.padEnd(3, "0"));
  // The zone's offset at that instant, found by formatting it there; one correction handles DST edges.
  const offset = (t: number) => {
    const p = Object.fromEntries(new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" }).formatToParts(new Date(t)).map((x) => [x.type, x.value]));
    return Date.UTC(+p.year!, +p.month! - 1, +p.day!, +p.hour!, +p.minute!, +p.second!) - Math.floor(t / 1000) * 1000;
  };
  const first = asUtc - offset(asUtc);
  return asUtc - offset(first);
}
