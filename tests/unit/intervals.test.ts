import { describe, expect, it } from 'vitest';
import {
  addDays,
  days,
  expand,
  fromInclusive,
  isDate,
  lastDay,
  merge,
  missing,
  subtract,
  toIntervals,
} from '../../src/pipeline/runner/intervals';

const I = (start: string, end: string) => ({ start, end });

describe('dates', () => {
  it.each([
    ['2024-02-28', 1, '2024-02-29'],
    ['2024-02-29', 1, '2024-03-01'],
    ['2023-12-31', 1, '2024-01-01'],
    ['2024-03-31', -31, '2024-02-29'],
    ['2024-10-27', 1, '2024-10-28'], // a DST change elsewhere is not a day here
  ])('addDays(%s, %d) = %s', (d, n, expected) => expect(addDays(d, n)).toBe(expected));

  it.each([
    ['2024-02-30', false],
    ['2024-13-01', false],
    ['24-01-01', false],
    ['2024-02-29', true],
    ['2023-02-29', false],
  ])('isDate(%s) = %s', (d, ok) => expect(isDate(d)).toBe(ok));
});

describe('fromInclusive — the one place inclusive ranges become intervals', () => {
  it('includes both ends', () => {
    const i = fromInclusive('2024-05-01', '2024-05-03');
    expect(i).toEqual(I('2024-05-01', '2024-05-04'));
    expect(days(i)).toEqual(['2024-05-01', '2024-05-02', '2024-05-03']);
    expect(lastDay(i)).toBe('2024-05-03');
  });
  it('a single day', () => expect(days(fromInclusive('2024-05-01', '2024-05-01'))).toEqual(['2024-05-01']));
  it('refuses reversed and invalid ranges', () => {
    expect(() => fromInclusive('2024-05-03', '2024-05-01')).toThrow(/--to \(2024-05-01\) is before --from/);
    expect(() => fromInclusive('2024-05-32', '2024-06-01')).toThrow(/--from must be a date/);
  });
});

describe('interval algebra', () => {
  it.each([
    [[], []],
    [[I('2024-05-03', '2024-05-05'), I('2024-05-01', '2024-05-03')], [I('2024-05-01', '2024-05-05')]],
    [
      [I('2024-05-01', '2024-05-02'), I('2024-05-04', '2024-05-05')],
      [I('2024-05-01', '2024-05-02'), I('2024-05-04', '2024-05-05')],
    ],
    [[I('2024-05-01', '2024-05-10'), I('2024-05-02', '2024-05-03')], [I('2024-05-01', '2024-05-10')]],
    [[I('2024-05-02', '2024-05-02')], []],
  ])('merge %j', (input, expected) => expect(merge(input)).toEqual(expected));

  it.each([
    [
      I('2024-05-01', '2024-05-10'),
      [I('2024-05-03', '2024-05-05')],
      [I('2024-05-01', '2024-05-03'), I('2024-05-05', '2024-05-10')],
    ],
    [I('2024-05-01', '2024-05-10'), [I('2024-04-01', '2024-06-01')], []],
    [I('2024-05-01', '2024-05-10'), [], [I('2024-05-01', '2024-05-10')]],
    [
      I('2024-05-01', '2024-05-10'),
      [I('2024-05-01', '2024-05-02'), I('2024-05-09', '2024-05-12')],
      [I('2024-05-02', '2024-05-09')],
    ],
  ])('subtract %j − %j', (a, b, expected) => expect(subtract(a, b)).toEqual(expected));

  it('missing and expand', () => {
    expect(missing(I('2024-05-01', '2024-05-04'), ['2024-05-02'])).toEqual(['2024-05-01', '2024-05-03']);
    expect(expand(I('2024-05-03', '2024-05-04'), 2, 1)).toEqual(I('2024-05-01', '2024-05-05'));
    expect(toIntervals(['2024-05-03', '2024-05-01', '2024-05-02', '2024-05-07'])).toEqual([
      I('2024-05-01', '2024-05-04'),
      I('2024-05-07', '2024-05-08'),
    ]);
  });
});
