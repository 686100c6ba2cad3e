// The grid's arithmetic, pure so it can be tested: where a scroll position
// lands in a result of any size (the scroll space is capped below browsers'
// maximum element height and scaled), and where a navigation key moves the
// focused cell.

export interface Cell {
  row: number;
  col: number;
}

export interface ScrollInput {
  totalRows: number;
  rowHeight: number;
  /** Height of the rows' viewport (without the header). */
  viewHeight: number;
  /** The largest scroll space to create; above it, positions are scaled. */
  maxScrollPx: number;
  scrollTop: number;
}

export interface ScrollGeometry {
  /** Height of the scrollable space actually created. */
  scrollSpace: number;
  /** Virtual pixels per real scrolled pixel (1 while the result fits). */
  scale: number;
  firstRow: number;
  /** How far the first row is scrolled above the viewport's top. */
  offsetY: number;
  /** The scrollTop that shows virtual offset `v` at the top. */
  scrollTopFor: (virtualTop: number) => number;
}

export function scrollGeometry(input: ScrollInput): ScrollGeometry {
  const { totalRows, rowHeight, viewHeight, maxScrollPx, scrollTop } = input;
  const contentHeight = totalRows * rowHeight;
  const scrollSpace = Math.min(contentHeight, maxScrollPx);
  const maxVirtual = Math.max(0, contentHeight - viewHeight);
  const maxReal = Math.max(0, scrollSpace - viewHeight);
  const scale = maxReal > 0 ? maxVirtual / maxReal : 1;
  const virtualTop = Math.min(maxVirtual, Math.max(0, scrollTop) * scale);
  const firstRow = Math.floor(virtualTop / rowHeight);
  return {
    scrollSpace,
    scale,
    firstRow,
    offsetY: virtualTop - firstRow * rowHeight,
    scrollTopFor: (v) => (scale > 0 ? v / scale : v),
  };
}

export interface GridBounds {
  rows: number;
  cols: number;
  /** Rows per PageUp / PageDown. */
  page: number;
}

/** The cell a navigation key moves to (`mod` = Ctrl or Cmd held), or null for other keys. */
export function moveCell(key: string, mod: boolean, cur: Cell, b: GridBounds): Cell | null {
  const lastRow = b.rows - 1;
  const lastCol = b.cols - 1;
  const clampRow = (r: number): number => Math.min(lastRow, Math.max(0, r));
  const clampCol = (c: number): number => Math.min(lastCol, Math.max(0, c));
  switch (key) {
    case 'ArrowDown':
      return { row: mod ? lastRow : clampRow(cur.row + 1), col: cur.col };
    case 'ArrowUp':
      return { row: mod ? 0 : clampRow(cur.row - 1), col: cur.col };
    case 'ArrowRight':
      return { row: cur.row, col: mod ? lastCol : clampCol(cur.col + 1) };
    case 'ArrowLeft':
      return { row: cur.row, col: mod ? 0 : clampCol(cur.col - 1) };
    case 'PageDown':
      return { row: clampRow(cur.row + b.page), col: cur.col };
    case 'PageUp':
      return { row: clampRow(cur.row - b.page), col: cur.col };
    case 'Home':
      return mod ? { row: 0, col: cur.col } : { row: cur.row, col: 0 };
    case 'End':
      return mod ? { row: lastRow, col: cur.col } : { row: cur.row, col: lastCol };
    default:
      return null;
  }
}
