// The shape of a day in the transfer market: when people are active (UTC hours; the clubs
// are European, so the office peak is 08–17 UTC on weekdays and a flatter, later curve at
// weekends) and which devices they use. Pure tables plus samplers over an Rng.

import { cumulative } from './rng';
import type { Rng } from './rng';
import { HOUR_MS } from './calendar';

const WEEKDAY_HOURS = cumulative([
  0.3, 0.2, 0.15, 0.1, 0.1, 0.2, 0.6, 1.5, 3, 4, 4.2, 4, 3, 3.6, 4, 3.8, 3.2, 2.6, 2, 1.8, 1.6, 1.3, 0.9, 0.5,
]);
const WEEKEND_HOURS = cumulative([
  0.5, 0.4, 0.3, 0.2, 0.2, 0.2, 0.3, 0.6, 1, 1.5, 2, 2.2, 2.2, 2.2, 2.2, 2.1, 2, 2, 2.2, 2.3, 2.2, 1.8, 1.3,
  0.8,
]);

/** Milliseconds into the day, following the hourly activity curve. */
export function sampleMsInDay(rng: Rng, weekend: boolean): number {
  const hour = rng.weighted(weekend ? WEEKEND_HOURS : WEEKDAY_HOURS);
  return hour * HOUR_MS + rng.int(HOUR_MS);
}

export const DEVICES = ['web', 'ios', 'android'] as const;
export type Device = (typeof DEVICES)[number];

// Club staff work at desks; agents live on their phones; everyone is more mobile at weekends.
const STAFF_WEEKDAY = cumulative([0.68, 0.18, 0.14]);
const STAFF_WEEKEND = cumulative([0.4, 0.34, 0.26]);
const AGENT_WEEKDAY = cumulative([0.36, 0.4, 0.24]);
const AGENT_WEEKEND = cumulative([0.2, 0.5, 0.3]);

export function sampleDevice(rng: Rng, agent: boolean, weekend: boolean): Device {
  const cum = agent ? (weekend ? AGENT_WEEKEND : AGENT_WEEKDAY) : weekend ? STAFF_WEEKEND : STAFF_WEEKDAY;
  return DEVICES[rng.weighted(cum)] ?? 'web';
}
