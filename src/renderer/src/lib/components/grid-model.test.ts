// The grid's scroll mapping (a 10-million-row result in a capped scroll space) and keyboard moves.
import { describe, expect, it } from 'vitest';
import { moveCell, scrollGeometry } from './grid-model';

const base = { rowHeight: 24, viewHeight: 480, maxScrollPx: 12_000_000 };

describe('scrollGeometry', () => {
  it('maps scroll pixels to rows one to one while the result fits', () => {
    const g = scrollGeometry({ ...base, totalRows: 1000, scrollTop: 24 * 100 + 5 });
    expect(g.scale).toBe(1);
    expect(g.scrollSpace).toBe(24_000);
    expect(g.firstRow).toBe(100);
    expect(g.offsetY).toBe(5);
  });

  it('caps the scroll space and still reaches the first and the last row of 10 million', () => {
    const totalRows = 10_000_000;
    const top = scrollGeometry({ ...base, totalRows, scrollTop: 0 });
    expect(top.scrollSpace).toBe(12_000_000);
    expect(top.firstRow).toBe(0);
    const maxScrollTop = top.scrollSpace - base.viewHeight;
    const bottom = scrollGeometry({ ...base, totalRows, scrollTop: maxScrollTop });
    // The last row sits exactly at the bottom of the viewport.
    const rowsShown = base.viewHeight / base.rowHeight;
    expect(bottom.firstRow).toBe(totalRows - rowsShown);
    expect(bottom.offsetY).toBeCloseTo(0, 6);
  });

  it('lands proportionally in between, and scrollTopFor inverts it', () => {
    const totalRows = 10_000_000;
    const g0 = scrollGeometry({ ...base, totalRows, scrollTop: 0 });
    const real = (12_000_000 - base.viewHeight) * 0.87;
    const g = scrollGeometry({ ...base, totalRows, scrollTop: real });
    const expectedRow = Math.floor(((totalRows * 24 - base.viewHeight) * 0.87) / 24);
    expect(Math.abs(g.firstRow - expectedRow)).toBeLessThanOrEqual(1);
    expect(g0.scrollTopFor(g.firstRow * 24 + g.offsetY)).toBeCloseTo(real, 3);
  });

  it('handles an empty result', () => {
    const g = scrollGeometry({ ...base, totalRows: 0, scrollTop: 100 });
    expect(g.firstRow).toBe(0);
    expect(g.scrollSpace).toBe(0);
  });
});

describe('moveCell', () => {
  const b = { rows: 100, cols: 5, page: 20 };
  it.each([
    ['ArrowDown', false, { row: 1, col: 2 }],
    ['ArrowDown', true, { row: 99, col: 2 }],
    ['ArrowUp', false, { row: 0, col: 2 }],
    ['ArrowRight', false, { row: 0, col: 3 }],
    ['ArrowRight', true, { row: 0, col: 4 }],
    ['ArrowLeft', true, { row: 0, col: 0 }],
    ['PageDown', false, { row: 20, col: 2 }],
    ['Home', false, { row: 0, col: 0 }],
    ['End', false, { row: 0, col: 4 }],
    ['End', true, { row: 99, col: 2 }],
  ] as const)('%s (mod %s)', (key, mod, expected) => {
    expect(moveCell(key, mod, { row: 0, col: 2 }, b)).toEqual(expected);
  });
  it('stays inside the grid and ignores other keys', () => {
    expect(moveCell('PageDown', false, { row: 95, col: 0 }, b)).toEqual({ row: 99, col: 0 });
    expect(moveCell('PageUp', false, { row: 5, col: 0 }, b)).toEqual({ row: 0, col: 0 });
    expect(moveCell('x', false, { row: 5, col: 0 }, b)).toBeNull();
  });
});
