// Day numbers and timestamp formatting of the sample generator.
import { describe, expect, it } from 'vitest';
import {
  DAY_MS,
  TimestampFormatter,
  formatDay,
  isWeekend,
  parseDay,
  weekday,
} from '../../src/pipeline/sample/calendar';

describe('parseDay', () => {
  it.each([
    ['2024-05-01', 19844],
    ['1970-01-01', 0],
    ['2024-02-29', 19782],
  ])('reads %s', (text, day) => {
    expect(parseDay(text)).toBe(day);
    expect(formatDay(day)).toBe(text);
  });

  it.each(['2023-02-29', '2024-13-01', '2024-5-1', '2024-05-01T00:00:00Z', '', ' 2024-05-01', '2024-04-31'])(
    'refuses %j',
    (text) => expect(parseDay(text)).toBeUndefined(),
  );
});

describe('weekday', () => {
  it('knows 2024-05-04 is a Saturday and 2024-05-06 a Monday', () => {
    expect(weekday(19847)).toBe(6);
    expect(isWeekend(19847)).toBe(true);
    expect(weekday(19849)).toBe(1);
    expect(isWeekend(19849)).toBe(false);
  });
});

describe('TimestampFormatter', () => {
  it('formats like Date#toISOString, and the CSV form without T and Z', () => {
    const fmt = new TimestampFormatter();
    for (const ms of [0, 19844 * DAY_MS, 19844 * DAY_MS + 36_672_123, 19845 * DAY_MS - 1, 1714557072999]) {
      expect(fmt.iso(ms)).toBe(new Date(ms).toISOString());
      expect(fmt.plain(ms)).toBe(new Date(ms).toISOString().slice(0, 19).replace('T', ' '));
    }
  });
});
