// The modeling layer's public surface: load a project (models, docs, tests,
// DAG), render a model's SQL for one run, and build the SQL of its data tests.
// The planner and executor use only what is exported here.

export { arrivalWindow, CONFIG_KEYS, defaultConfig, MATERIALIZATIONS, validateConfig } from './model-config';
export type { ConfigProblem, ConfigResult, Materialization, ModelConfig } from './model-config';
export { parseModel, readsItself, renderModel } from './model';
export type { ColumnDoc, Model, ModelDependency, ParseOptions, RenderContext } from './model';
export { modelsFileSchema, parseModelsYml } from './model-tests';
export type { AcceptedValue, ModelDocs, ModelTest, Severity, TestKind } from './model-tests';
export { countSql, describeTest, testOutcome, testSql } from './test-sql';
export type { TestOutcome, TestSqlContext } from './test-sql';
export { buildDag, downstreamOf, modelId, readersOf, sourceId, upstreamOf } from './dag';
export type { Dag, DagEdge, DagEdgeKind, DagNode, DagNodeKind } from './dag';
export { buildProject, getModel, loadProject, modelTableDir } from './project';
export type { Project, ProjectFile, ProjectInput } from './project';
