#!/usr/bin/env node
// The `lakehouse` command. Runs the TypeScript sources directly through tsx,
// so `npx lakehouse …` works right after `npm ci` with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/run.ts');
