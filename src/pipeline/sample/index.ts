// Public surface of the sample-lake generator: generate a deterministic, realistically messy
// football transfer-market lake, locate the lake template, and read the manifest of exact
// counts that tests and demos compare the pipeline's results against.

export { generateSampleData, sampleTemplateDir } from './generate';
export type { GenerateOptions, GenerateResult } from './options';
export { DEFAULT_EVENTS_PER_DAY, DEFAULT_SEED, MAX_EVENTS_PER_DAY } from './options';
export { MANIFEST_FILE, readSampleManifest } from './manifest';
export type { ActivityDayStats, BadCounts, CsvDayStats, SampleManifest } from './manifest';
export { EVENT_TYPES } from './event-line';
export type { EventType } from './event-line';
