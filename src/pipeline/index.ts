// The pipeline's public surface: what src/main and src/cli may import. Anything
// not exported here is internal to the pipeline.

export * from './errors';
export { EngineClient } from './engine/client';
export type { CallOptions, EngineClientOptions } from './engine/client';
export type { EngineInfo } from './engine/protocol';
export { defaultEngineSettings } from './engine/settings';
export type { EngineSettings, SandboxSettings } from './engine/settings';
export { quoteIdent, quoteLiteral, quoteQualified } from './engine/sql';
export type { ProjectConfig } from './config/project';
export type { SourceDef, SourceColumn, SourceFormat } from './config/sources';
export { lakeLayout, requireLake } from './lake/layout';
export type { LakeLayout } from './lake/layout';
export {
  createExploreEngine,
  createPipelineEngine,
  engineSettings,
  exploreSetupSql,
  findSource,
  openLake,
} from './lake/lake';
export type { Lake } from './lake/lake';
export { initLake, sampleSettingsOf } from './lake/init';
export { addDays, days, fromInclusive, isDate } from './runner/intervals';
export type { Interval } from './runner/intervals';
export type { InitOptions, InitResult } from './lake/init';
export { listRawFiles } from './lake/raw-files';
export { ExploreSession } from './lake/explore';
export type { CatalogProblem } from './lake/explore';
export { listCatalog } from './lake/catalog';
export type { CatalogEntry } from './lake/catalog';
export { rawParseSql, rawViewSql } from './lake/raw-sql';
export { generateSampleData, readSampleManifest, sampleTemplateDir } from './sample';
export type { GenerateOptions, GenerateResult, SampleManifest } from './sample';
export * as deltaTools from './delta/index';
export type { SnapshotOptions } from './delta/snapshot';
export * from './models';
export * from './runner/index';
export { archiveRaw, DEFAULT_ARCHIVE_AFTER_DAYS } from './lake/archive';
export type { ArchiveOptions, ArchiveResult, ArchivedPartition } from './lake/archive';
export { watchRaw, watchSettings } from './lake/watcher';
export type { RawChange, RawWatcher, WatchOptions } from './lake/watcher';
export { parseSchedule, startSchedule } from './runner/schedule';
export type { Schedule, ScheduleHandle } from './runner/schedule';
export { createWorkbenchService, environmentSecrets } from './service';
export { callAsOutcome } from './service/door';
export type { WorkbenchServiceOptions } from './service';
export type {
  BackgroundJob,
  Handler,
  Handlers,
  OpenLake,
  SecretStore,
  ServiceContext,
} from './service/context';
