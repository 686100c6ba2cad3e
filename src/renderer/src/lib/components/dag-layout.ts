// Layered layout of a DAG for the pipeline graph: longest-path layering (every
// edge points to a later column), then a few barycenter sweeps to reduce edge
// crossings, then coordinates. Pure and deterministic: the same graph always
// draws the same way. Edges that would close a cycle are drawn but ignored for
// layering, so a malformed graph still renders instead of looping.

export interface LayoutInput {
  nodes: string[];
  edges: { from: string; to: string }[];
}

export interface LayoutOptions {
  nodeWidth: number;
  nodeHeight: number;
  /** Horizontal gap between columns. */
  gapX: number;
  /** Vertical gap between nodes of a column. */
  gapY: number;
  padding: number;
}

export interface PlacedNode {
  id: string;
  layer: number;
  /** Position within the layer, top to bottom. */
  order: number;
  x: number;
  y: number;
}

export interface PlacedEdge {
  from: string;
  to: string;
  /** SVG path data: a cubic curve from the right side of `from` to the left side of `to`. */
  path: string;
}

export interface Layout {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  width: number;
  height: number;
  layers: string[][];
}

export const DEFAULT_LAYOUT: LayoutOptions = {
  nodeWidth: 210,
  nodeHeight: 66,
  gapX: 70,
  gapY: 18,
  padding: 12,
};

/** Layer of each node: 0 for nodes without predecessors, else 1 + the deepest predecessor. */
export function assignLayers(input: LayoutInput): Map<string, number> {
  const known = new Set(input.nodes);
  const preds = new Map<string, string[]>(input.nodes.map((n) => [n, []]));
  for (const e of input.edges) {
    if (known.has(e.from) && known.has(e.to) && e.from !== e.to) preds.get(e.to)?.push(e.from);
  }
  const layer = new Map<string, number>();
  const visiting = new Set<string>();
  const visit = (n: string): number => {
    const done = layer.get(n);
    if (done !== undefined) return done;
    // A back edge (cycle) contributes nothing: treat the node as reachable from nowhere on that path.
    if (visiting.has(n)) return -1;
    visiting.add(n);
    let l = 0;
    for (const p of preds.get(n) ?? []) l = Math.max(l, visit(p) + 1);
    visiting.delete(n);
    layer.set(n, l);
    return l;
  };
  for (const n of input.nodes) visit(n);
  return layer;
}

function mean(values: number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

/** Reorders each layer by the mean position of its neighbours in the previous (or next) layer. */
function sweep(layers: string[][], neighbours: Map<string, string[]>, downward: boolean): void {
  const range = layers.map((_, i) => i);
  const indices = downward ? range.slice(1) : range.slice(0, -1).reverse();
  for (const i of indices) {
    const ref = layers[downward ? i - 1 : i + 1] ?? [];
    const pos = new Map(ref.map((n, k) => [n, k]));
    const current = layers[i] ?? [];
    const keyed = current.map((n, k) => {
      const ps = (neighbours.get(n) ?? []).map((m) => pos.get(m)).filter((v) => v !== undefined);
      return { n, key: mean(ps) ?? k, k };
    });
    keyed.sort((a, b) => a.key - b.key || a.k - b.k);
    layers[i] = keyed.map((x) => x.n);
  }
}

export function layoutDag(input: LayoutInput, options: LayoutOptions = DEFAULT_LAYOUT): Layout {
  const layerOf = assignLayers(input);
  const depth = Math.max(-1, ...layerOf.values()) + 1;
  const layers: string[][] = Array.from({ length: depth }, () => []);
  // Input order (sorted by name) as the starting order keeps the result stable.
  for (const n of [...input.nodes].sort()) layers[layerOf.get(n) ?? 0]?.push(n);

  const up = new Map<string, string[]>();
  const down = new Map<string, string[]>();
  for (const e of input.edges) {
    if (!layerOf.has(e.from) || !layerOf.has(e.to)) continue;
    up.set(e.to, [...(up.get(e.to) ?? []), e.from]);
    down.set(e.from, [...(down.get(e.from) ?? []), e.to]);
  }
  for (let i = 0; i < 4; i++) {
    sweep(layers, up, true);
    sweep(layers, down, false);
  }

  const { nodeWidth: w, nodeHeight: h, gapX, gapY, padding } = options;
  const tallest = Math.max(0, ...layers.map((l) => l.length));
  const height = padding * 2 + Math.max(0, tallest * h + (tallest - 1) * gapY);
  const width = padding * 2 + Math.max(0, depth * w + (depth - 1) * gapX);
  const placed = new Map<string, PlacedNode>();
  layers.forEach((ids, layer) => {
    const columnHeight = ids.length * h + (ids.length - 1) * gapY;
    const top = padding + (height - padding * 2 - columnHeight) / 2;
    ids.forEach((id, order) => {
      placed.set(id, { id, layer, order, x: padding + layer * (w + gapX), y: top + order * (h + gapY) });
    });
  });

  const edges: PlacedEdge[] = [];
  for (const e of input.edges) {
    const a = placed.get(e.from);
    const b = placed.get(e.to);
    if (!a || !b) continue;
    const x1 = a.x + w;
    const y1 = a.y + h / 2;
    const x2 = b.x;
    const y2 = b.y + h / 2;
    const bend = Math.max(30, (x2 - x1) / 2);
    edges.push({
      from: e.from,
      to: e.to,
      path: `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`,
    });
  }
  return { nodes: [...placed.values()], edges, width, height, layers };
}

/** Counts edge crossings between adjacent layers (for tests and tuning). */
export function countCrossings(layout: Layout, edges: { from: string; to: string }[]): number {
  const at = new Map(layout.nodes.map((n) => [n.id, n]));
  const spans = edges
    .map((e) => ({ a: at.get(e.from), b: at.get(e.to) }))
    .filter((s): s is { a: PlacedNode; b: PlacedNode } => s.a !== undefined && s.b !== undefined)
    .filter((s) => s.b.layer === s.a.layer + 1);
  let crossings = 0;
  for (let i = 0; i < spans.length; i++) {
    for (let j = i + 1; j < spans.length; j++) {
      const s = spans[i];
      const t = spans[j];
      if (!s || !t || s.a.layer !== t.a.layer) continue;
      if ((s.a.order - t.a.order) * (s.b.order - t.b.order) < 0) crossings++;
    }
  }
  return crossings;
}
