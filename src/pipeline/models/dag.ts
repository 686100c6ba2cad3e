// The dependency graph of a project: source and model nodes, edges from
// source() and ref() calls, and 'test' edges from relationships tests (a test
// reads the other model, so that model must be built first). `order` is a
// deterministic topological order of the models (ties broken by name); a cycle
// is a DependencyCycleError that names it. Lineage helpers follow data edges only.

import { ConfigError, DependencyCycleError, NotFoundError } from '../errors';
import type { Model } from './model';
import { suggestionText } from './suggest';

export type DagNodeKind = 'model' | 'source';
export type DagEdgeKind = 'ref' | 'source' | 'test';

export interface DagNode {
  /** 'model:<name>' or 'source:<name>'. */
  id: string;
  kind: DagNodeKind;
  name: string;
}

/** `from` is read by `to`: source:activity → model:stg_activity. */
export interface DagEdge {
  from: string;
  to: string;
  kind: DagEdgeKind;
}

export interface Dag {
  nodes: DagNode[];
  edges: DagEdge[];
  /** Model names, each after every model it refs and every model its tests read. */
  order: string[];
  /** Model → the models it refs. */
  parents: Readonly<Record<string, readonly string[]>>;
  /** Model → the models that ref it. */
  children: Readonly<Record<string, readonly string[]>>;
  /** Model → the models its relationships tests read (built first, not data lineage). */
  testParents: Readonly<Record<string, readonly string[]>>;
  /** Source → the models that read it. */
  readers: Readonly<Record<string, readonly string[]>>;
}

export const modelId = (name: string): string => `model:${name}`;
export const sourceId = (name: string): string => `source:${name}`;

/** Builds the DAG; unknown refs and sources are ConfigErrors at the call's line, cycles DependencyCycleErrors. */
export function buildDag(models: readonly Model[], sourceNames: readonly string[]): Dag {
  const byName = new Map(models.map((m) => [m.name, m]));
  const modelNames = [...byName.keys()].sort();
  checkDependencies(models, byName, sourceNames);
  const parents: Record<string, string[]> = {};
  const children: Record<string, string[]> = {};
  const testParents: Record<string, string[]> = {};
  const readers: Record<string, string[]> = Object.fromEntries(sourceNames.map((s) => [s, []]));
  for (const name of modelNames) [parents[name], children[name], testParents[name]] = [[], [], []];
  const edges: DagEdge[] = [];
  for (const name of modelNames) {
    const m = byName.get(name);
    if (!m) continue;
    for (const s of m.sources) {
      readers[s]?.push(name);
      edges.push({ from: sourceId(s), to: modelId(name), kind: 'source' });
    }
    for (const r of m.refs) {
      parents[name]?.push(r);
      children[r]?.push(name);
      edges.push({ from: modelId(r), to: modelId(name), kind: 'ref' });
    }
    const tested = new Set(
      m.tests.flatMap((t) => (t.kind === 'relationships' && t.to !== name ? [t.to] : [])),
    );
    for (const t of [...tested].sort()) {
      if (m.refs.includes(t)) continue; // already ordered by the ref
      testParents[name]?.push(t);
      edges.push({ from: modelId(t), to: modelId(name), kind: 'test' });
    }
  }
  const nodes: DagNode[] = [
    ...[...sourceNames].sort().map((s) => ({ id: sourceId(s), kind: 'source' as const, name: s })),
    ...modelNames.map((n) => ({ id: modelId(n), kind: 'model' as const, name: n })),
  ];
  const order = topologicalOrder(
    modelNames,
    (n) => [...(parents[n] ?? []), ...(testParents[n] ?? [])],
    byName,
  );
  return { nodes, edges, order, parents, children, testParents, readers };
}

function checkDependencies(
  models: readonly Model[],
  byName: ReadonlyMap<string, Model>,
  sourceNames: readonly string[],
): void {
  const sources = new Set(sourceNames);
  for (const m of models) {
    for (const dep of m.dependencies) {
      const known = dep.kind === 'ref' ? byName.has(dep.name) : sources.has(dep.name);
      if (known) continue;
      const where = dep.line === null ? m.file : `${m.file}:${dep.line}`;
      const what =
        dep.kind === 'ref'
          ? `names no model (models are the .sql files in models/).${suggestionText(dep.name, [...byName.keys()])}`
          : `names no source in sources.yml.${suggestionText(dep.name, sourceNames)}`;
      throw new ConfigError(`${where}: ${m.name} calls ${dep.kind}('${dep.name}'), which ${what}`, {
        file: m.file,
        line: dep.line ?? undefined,
        model: m.name,
      });
    }
  }
}

/** Kahn's algorithm, always taking the smallest ready name, so the order is stable. */
function topologicalOrder(
  names: readonly string[],
  dependsOn: (name: string) => readonly string[],
  byName: ReadonlyMap<string, Model>,
): string[] {
  const pending = new Map(names.map((n) => [n, new Set(dependsOn(n))]));
  const order: string[] = [];
  while (pending.size > 0) {
    const ready = [...pending.entries()].filter(([, deps]) => deps.size === 0).map(([n]) => n);
    if (ready.length === 0) throw cycleError(findCycle(pending), byName);
    const next = ready.sort()[0] ?? '';
    order.push(next);
    pending.delete(next);
    for (const deps of pending.values()) deps.delete(next);
  }
  return order;
}

/** A cycle among the blocked models: follow any unbuilt dependency until a name repeats. */
function findCycle(pending: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const start = [...pending.keys()].sort()[0] ?? '';
  const path: string[] = [];
  let at = start;
  while (!path.includes(at)) {
    path.push(at);
    at = [...(pending.get(at) ?? [])].sort()[0] ?? start;
  }
  return [...path.slice(path.indexOf(at)), at];
}

function cycleError(cycle: string[], byName: ReadonlyMap<string, Model>): DependencyCycleError {
  const steps = cycle.slice(0, -1).map((name, i) => {
    const next = cycle[i + 1] ?? '';
    const m = byName.get(name);
    const dep = m?.dependencies.find((d) => d.kind === 'ref' && d.name === next);
    if (dep) return `${m?.file ?? name}${dep.line === null ? '' : `:${dep.line}`} ref('${next}')`;
    const test = m?.tests.find((t) => t.kind === 'relationships' && t.to === next);
    return `${test?.file ?? name}${test?.line ? `:${test.line}` : ''} relationships test to ${next}`;
  });
  const self = cycle.length === 2 ? ` To read the model's own table, use {{ this }} instead of ref().` : '';
  return new DependencyCycleError(
    cycle,
    `Models depend on each other in a cycle: ${cycle.join(' → ')} (${steps.join('; ')}). ` +
      `No order can build them: remove one of these dependencies.${self}`,
  );
}

/** The models reading any of `names`, directly or not, in build order; `includeSelf` adds `names` too. */
export function downstreamOf(
  dag: Dag,
  names: readonly string[],
  options: { includeSelf?: boolean } = {},
): string[] {
  return reach(dag, names, dag.children, options.includeSelf ?? false);
}

/** The models any of `names` reads, directly or not, in build order; `includeSelf` adds `names` too. */
export function upstreamOf(
  dag: Dag,
  names: readonly string[],
  options: { includeSelf?: boolean } = {},
): string[] {
  return reach(dag, names, dag.parents, options.includeSelf ?? false);
}

/** The models that read raw source `source` directly, in build order. */
export function readersOf(dag: Dag, source: string): string[] {
  const direct = new Set(dag.readers[source] ?? []);
  return dag.order.filter((n) => direct.has(n));
}

function reach(
  dag: Dag,
  names: readonly string[],
  next: Readonly<Record<string, readonly string[]>>,
  includeSelf: boolean,
): string[] {
  for (const n of names) {
    if (!(n in next))
      throw new NotFoundError(`No model named '${n}'.${suggestionText(n, dag.order)}`, { model: n });
  }
  const seen = new Set<string>(includeSelf ? names : []);
  const stack = [...names];
  for (let n = stack.pop(); n !== undefined; n = stack.pop()) {
    for (const m of next[n] ?? []) {
      if (!seen.has(m)) {
        seen.add(m);
        stack.push(m);
      }
    }
  }
  return dag.order.filter((n) => seen.has(n));
}
