/**
 * A device's reads per 10 minutes over the last day or week, as plain SVG (docs/design.md §9):
 * one bar per slot, the officers' alert line across it, bars past the line in red, so a scrape
 * stands out at a glance. Drawn in the container's own pixels (measured, and again on resize)
 * so its labels stay readable on a phone as on a desk.
 */
import { useEffect, useRef, useState } from 'react';
import type { WatchActivityView } from './device-protocol.ts';

const HEIGHT = 200;
const PAD = { left: 34, right: 8, top: 12, bottom: 24 };

export function ActivityChart(props: { readonly activity: WatchActivityView }) {
  const { activity } = props;
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(720);

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const measure = () => setWidth(Math.max(240, Math.floor(element.clientWidth)));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const slots = activity.reads.length;
  const most = Math.max(0, ...activity.reads);
  const top = Math.max(Math.ceil(activity.limit * 1.25), most, 1);
  const plotWidth = width - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const x = (slot: number) => PAD.left + (slot / slots) * plotWidth;
  const y = (reads: number) => PAD.top + plotHeight - (reads / top) * plotHeight;
  const barWidth = Math.max(plotWidth / slots - (slots > 200 ? 0 : 1), 0.5);
  // A time label is centred on its line: none so near an edge that it would be cut.
  const ticks = timeTicks(activity, width).filter((t) => {
    const at = x(t.slot);
    return at > PAD.left + 16 && at < width - PAD.right - 16;
  });
  const total = activity.reads.reduce((sum, n) => sum + n, 0);
  const peakSlot = activity.reads.indexOf(most);
  const over = activity.reads.filter((n) => n > activity.limit).length;

  return (
    <figure className="chart" data-testid="activity-chart" data-period={activity.period}>
      <div ref={box} className="chart-box">
        <svg
          width="100%"
          height={HEIGHT}
          viewBox={`0 0 ${width} ${HEIGHT}`}
          role="img"
          aria-label={`Cables read per 10 minutes over the last ${activity.period}: ${total} in all, at most ${most} in 10 minutes; the alert line is at ${activity.limit}.`}
        >
          <line x1={PAD.left} x2={width - PAD.right} y1={y(0)} y2={y(0)} className="axis" />
          {[0, Math.round(top / 2), top].map((value) => (
            <text key={value} x={PAD.left - 4} y={y(value) + 4} textAnchor="end" className="tick">
              {value}
            </text>
          ))}
          {ticks.map((tick) => (
            <g key={tick.slot}>
              <line x1={x(tick.slot)} x2={x(tick.slot)} y1={PAD.top} y2={y(0)} className="grid-line" />
              <text x={x(tick.slot)} y={HEIGHT - 6} textAnchor="middle" className="tick">
                {tick.label}
              </text>
            </g>
          ))}
          {activity.reads.map((reads, slot) =>
            reads === 0 ? null : (
              <rect
                // biome-ignore lint/suspicious/noArrayIndexKey: a slot is its index
                key={slot}
                x={x(slot)}
                y={y(reads)}
                width={barWidth}
                height={y(0) - y(reads)}
                className={reads > activity.limit ? 'bar over' : 'bar'}
                data-testid="activity-bar"
                data-reads={reads}
              >
                <title>{`${slotTime(activity, slot)}: ${reads} read${reads === 1 ? '' : 's'}`}</title>
              </rect>
            ),
          )}
          <line
            x1={PAD.left}
            x2={width - PAD.right}
            y1={y(activity.limit)}
            y2={y(activity.limit)}
            className="limit"
            data-testid="activity-limit"
            data-limit={activity.limit}
          />
          <text x={width - PAD.right} y={y(activity.limit) - 4} textAnchor="end" className="limit-label">
            alert line: {activity.limit} per 10 min
          </text>
        </svg>
      </div>
      <figcaption className="muted" data-testid="activity-summary">
        {total} cable{total === 1 ? '' : 's'} read over the last {activity.period}
        {most > 0 ? `; at most ${most} in 10 minutes (${slotTime(activity, peakSlot)})` : ''}
        {over > 0 ? `; ${over} slot${over === 1 ? '' : 's'} above the alert line` : ''}.
      </figcaption>
    </figure>
  );
}

function slotTime(activity: WatchActivityView, slot: number): string {
  const at = new Date((activity.from + slot * activity.slotSeconds) * 1000);
  const text = at.toISOString();
  return activity.period === 'day' ? `${text.slice(11, 16)}Z` : `${text.slice(5, 10)} ${text.slice(11, 16)}Z`;
}

/** Hours (a day) or midnights (a week), thinned to what the width can label. */
function timeTicks(activity: WatchActivityView, width: number): { slot: number; label: string }[] {
  const step = activity.period === 'day' ? (width < 500 ? 6 : 3) * 3600 : 86_400;
  const ticks: { slot: number; label: string }[] = [];
  const end = activity.from + activity.reads.length * activity.slotSeconds;
  for (let t = Math.ceil(activity.from / step) * step; t < end; t += step) {
    const slot = (t - activity.from) / activity.slotSeconds;
    const iso = new Date(t * 1000).toISOString();
    const label =
      activity.period === 'day'
        ? `${iso.slice(11, 16)}`
        : width < 500
          ? iso.slice(8, 10)
          : new Date(t * 1000).toLocaleDateString('en-GB', {
              weekday: 'short',
              day: 'numeric',
              timeZone: 'UTC',
            });
    ticks.push({ slot, label });
  }
  return ticks;
}
