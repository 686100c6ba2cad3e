// The engine's public surface: the worker client and its settings.
export { EngineClient, defaultSpawn } from './client';
export type { CallOptions, EngineClientOptions } from './client';
export type { EngineInfo, EngineMethods } from './protocol';
export { defaultEngineSettings, validateEngineSettings } from './settings';
export type { EngineSettings, SandboxSettings } from './settings';
export { quoteIdent, quoteLiteral, quoteList, quoteQualified } from './sql';
