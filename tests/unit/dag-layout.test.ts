// The pipeline graph's layered layout: every edge points right, nodes never
// overlap, crossings are removed where a reordering exists, cycles terminate.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LAYOUT,
  assignLayers,
  countCrossings,
  layoutDag,
} from '../../src/renderer/src/lib/components/dag-layout';

// The sample lake's graph: sources feed staging and dimensions, staging feeds the facts.
const sample = {
  nodes: [
    'source:activity',
    'source:clubs',
    'source:players',
    'source:users',
    'stg_activity',
    'dim_club',
    'dim_player',
    'dim_user',
    'fct_daily_club_activity',
    'fct_transfer_requests',
  ],
  edges: [
    { from: 'source:activity', to: 'stg_activity' },
    { from: 'source:clubs', to: 'dim_club' },
    { from: 'source:players', to: 'dim_player' },
    { from: 'source:users', to: 'dim_user' },
    { from: 'stg_activity', to: 'fct_daily_club_activity' },
    { from: 'stg_activity', to: 'fct_transfer_requests' },
    { from: 'dim_club', to: 'fct_daily_club_activity' },
  ],
};

describe('dag-layout', () => {
  it('puts each node one column after its deepest predecessor', () => {
    const layers = assignLayers(sample);
    expect(layers.get('source:activity')).toBe(0);
    expect(layers.get('stg_activity')).toBe(1);
    expect(layers.get('dim_club')).toBe(1);
    expect(layers.get('fct_daily_club_activity')).toBe(2);
    for (const e of sample.edges) expect(layers.get(e.to) ?? 0).toBeGreaterThan(layers.get(e.from) ?? 0);
  });

  it('places nodes without overlap inside the reported size', () => {
    const l = layoutDag(sample);
    const { nodeWidth: w, nodeHeight: h } = DEFAULT_LAYOUT;
    expect(l.nodes).toHaveLength(sample.nodes.length);
    for (const a of l.nodes) {
      expect(a.x).toBeGreaterThanOrEqual(0);
      expect(a.y).toBeGreaterThanOrEqual(0);
      expect(a.x + w).toBeLessThanOrEqual(l.width);
      expect(a.y + h).toBeLessThanOrEqual(l.height);
      for (const b of l.nodes) {
        if (a === b) continue;
        const overlap = a.x < b.x + w && b.x < a.x + w && a.y < b.y + h && b.y < a.y + h;
        expect(overlap, `${a.id} overlaps ${b.id}`).toBe(false);
      }
    }
    expect(l.edges).toHaveLength(sample.edges.length);
    for (const e of l.edges) expect(e.path).toMatch(/^M[\d.]+,[\d.]+ C/);
  });

  it('removes crossings that a reordering can remove', () => {
    // a→y, b→x drawn in name order crosses; the sweep must uncross it.
    const g = {
      nodes: ['a', 'b', 'x', 'y'],
      edges: [
        { from: 'a', to: 'y' },
        { from: 'b', to: 'x' },
      ],
    };
    expect(countCrossings(layoutDag(g), g.edges)).toBe(0);
    expect(countCrossings(layoutDag(sample), sample.edges)).toBe(0);
  });

  it('terminates on a cycle and on edges to unknown nodes', () => {
    const g = {
      nodes: ['a', 'b', 'c'],
      edges: [
        { from: 'a', to: 'b' },
        { from: 'b', to: 'a' },
        { from: 'b', to: 'c' },
        { from: 'ghost', to: 'c' },
      ],
    };
    const l = layoutDag(g);
    expect(l.nodes.map((n) => n.id).sort()).toEqual(['a', 'b', 'c']);
    expect(l.edges).toHaveLength(3);
  });

  it('is deterministic and handles an empty graph', () => {
    expect(layoutDag(sample)).toEqual(layoutDag({ nodes: [...sample.nodes].reverse(), edges: sample.edges }));
    const empty = layoutDag({ nodes: [], edges: [] });
    expect(empty.nodes).toEqual([]);
    expect(empty.width).toBeGreaterThanOrEqual(0);
  });
});
