// The publish.* methods. Placeholder until the publisher lands: every method
// answers with a clear USAGE error instead of doing nothing.

import { PipelineError } from '../errors';
import type { Handlers } from './context';

type PublishMethod =
  | 'publish.targets'
  | 'publish.test'
  | 'publish.preview'
  | 'publish.start'
  | 'publish.cancel'
  | 'publish.history'
  | 'publish.setPassword';

const unavailable = (): Promise<never> =>
  Promise.reject(new PipelineError('USAGE', 'Publishing is not available in this build.'));

export const publishHandlers: Handlers<PublishMethod> = {
  'publish.targets': unavailable,
  'publish.test': unavailable,
  'publish.preview': unavailable,
  'publish.start': unavailable,
  'publish.cancel': unavailable,
  'publish.history': unavailable,
  'publish.setPassword': unavailable,
};
