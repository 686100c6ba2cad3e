// What the renderer may load and where it may go: the Content-Security-Policy and the
// same-page test behind navigation blocking. Electron main and `lakehouse serve` both send the
// policy as a response header; the same policy minus header-only directives is the <meta> in
// src/renderer/index.html, which covers file:// loads where no headers exist
// (src/main/web-policy.test.ts keeps the two equal). Pure, so both doors can share it.

/** Directives in the order they are written out. */
const directives: ReadonlyArray<readonly [name: string, sources: string]> = [
  ['default-src', "'self'"],
  ['script-src', "'self'"],
  // Svelte transitions and Monaco set inline styles; scripts stay strict.
  ['style-src', "'self' 'unsafe-inline'"],
  // Monaco starts its language workers from blob: URLs.
  ['worker-src', "'self' blob:"],
  // The local `lakehouse serve` transport listens on loopback on a random port.
  ['connect-src', "'self' ws://127.0.0.1:* http://127.0.0.1:*"],
  ['img-src', "'self' data:"],
  ['font-src', "'self' data:"],
  ['object-src', "'none'"],
  ['base-uri', "'none'"],
  ['form-action', "'none'"],
  ['frame-ancestors', "'none'"],
];

/** Browsers ignore these in a <meta> policy (and log a warning), so the meta omits them. */
const headerOnly: ReadonlySet<string> = new Set(['frame-ancestors', 'report-uri', 'sandbox']);

export function contentSecurityPolicy(delivery: 'header' | 'meta'): string {
  return directives
    .filter(([name]) => delivery === 'header' || !headerOnly.has(name))
    .map(([name, sources]) => `${name} ${sources}`)
    .join('; ');
}

/**
 * True when `target` is the document already shown (a reload, or a query or hash change):
 * the only navigation the app allows. Compares scheme, host and path, because file:// URLs
 * all share the opaque origin 'null'. Unparseable URLs are never the same page.
 */
export function isSamePage(current: string, target: string): boolean {
  if (!URL.canParse(current) || !URL.canParse(target)) return false;
  const a = new URL(current);
  const b = new URL(target);
  return a.protocol === b.protocol && a.host === b.host && a.pathname === b.pathname;
}
