// The renderer's one door to the Workbench service. Components call
// `api.call('query.run', …)` and `api.on('onDidProgressRun', …)`; errors come
// back as ServiceError with the service's code and message. Only this folder
// touches the transport.

import { TOKEN_PARAM } from '../../../../shared/contract';
import { createApi } from './client';
import type { Api } from './client';
import { endpointFromLocation, pickTransport, storageOf } from './transport';

export { createApi, ServiceError } from './client';
export type { Api } from './client';

/** The app-wide instance, bound to whichever transport this page has. */
export const api: Api = createApi(pickTransport(window));

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * The browser-mode URL of an exported file (`ExportResult.downloadPath`): `/files/<path>` with
 * the session token. Null inside Electron, where the written file is already on the user's disk.
 */
export function downloadUrl(downloadPath: string): string | null {
  if (api.transport !== 'http') return null;
  const { origin, token } = endpointFromLocation(window.location, storageOf(window));
  const encoded = downloadPath.split('/').map(encodeURIComponent).join('/');
  const url = new URL(`/files/${encoded}`, origin);
  url.searchParams.set(TOKEN_PARAM, token);
  return url.toString();
}
