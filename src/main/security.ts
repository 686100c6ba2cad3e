// Hardening applied to every renderer, whatever window it lives in: the CSP header, denied
// permission requests, no navigation away from the app's page, no new windows, no <webview>.
// Each installer returns a Disposable that undoes it. Install before the first window opens,
// so no web contents ever exists without these guards.
import type { App, Event, Session, WebContents } from 'electron';
import { toDisposable } from '../shared/disposable';
import type { Disposable } from '../shared/disposable';
import { contentSecurityPolicy, isSamePage } from '../shared/web-policy';

const log = (message: string): void => console.warn(`[lakehouse:security] ${message}`);

/** Adds the policy to every response of `session` (the dev server's included). */
export function installContentSecurityPolicy(session: Session): Disposable {
  const policy = contentSecurityPolicy('header');
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...details.responseHeaders, 'Content-Security-Policy': [policy] };
    callback({ responseHeaders: headers });
  });
  return toDisposable(() => session.webRequest.onHeadersReceived(null));
}

/**
 * Denies every permission (camera, notifications, clipboard read, …) both when a page asks
 * and when it merely checks. A feature that needs one adds it here, by name, with its reason.
 */
export function denyPermissions(session: Session): Disposable {
  session.setPermissionRequestHandler((contents, permission, callback) => {
    log(`denied permission '${permission}' requested by ${contents.getURL()}`);
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
  return toDisposable(() => {
    session.setPermissionRequestHandler(null);
    session.setPermissionCheckHandler(null);
  });
}

function harden(contents: WebContents): void {
  contents.on('will-navigate', (event) => {
    if (isSamePage(contents.getURL(), event.url)) return;
    event.preventDefault();
    log(`blocked navigation to ${event.url}`);
  });
  contents.setWindowOpenHandler(({ url }) => {
    log(`blocked a new window for ${url}`);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log('blocked a <webview>');
  });
}

/** Guards every web contents the app creates from now on. */
export function hardenWebContents(app: App): Disposable {
  const onCreated = (_event: Event, contents: WebContents): void => harden(contents);
  app.on('web-contents-created', onCreated);
  return toDisposable(() => {
    app.removeListener('web-contents-created', onCreated);
  });
}
