import { formatTime } from "../../app/format.ts";

/** Events per time bucket as small SVG bars; hover shows the bucket's start and count. */
export function ActivityBars({ start, interval, counts, timeZone }: { start: number; interval: number; counts: number[]; timeZone: string }) {
  const max = Math.max(1, ...counts);
  const w = 100 / Math.max(1, counts.length);
  return (
    <svg className="activity" viewBox="0 0 100 30" preserveAspectRatio="none" data-testid="pivot-activity" role="img" aria-label="activity over time">
      {counts.map((c, i) => (
        <rect key={i} x={i * w + w * 0.1} width={w * 0.8} y={30 - (c / max) * 30} height={(c / max) * 30}>
          <title>{`${formatTime(start + i * interval, timeZone)}: ${c}`}</title>
        </rect>
      ))}
    </svg>
  );
}
