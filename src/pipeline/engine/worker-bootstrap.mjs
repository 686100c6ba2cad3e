// Starts the TypeScript engine worker when running from source (CLI via tsx,
// tests): registers tsx inside the worker thread, whose module hooks are its
// own, then loads the entry named in workerData. Bundled builds skip this file.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
