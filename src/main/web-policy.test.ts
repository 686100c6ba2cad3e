// Keeps the renderer's two copies of its CSP (response header and <meta>) in step, and pins
// which navigations count as staying on the same page.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, isSamePage } from '../shared/web-policy';

describe('contentSecurityPolicy', () => {
  it('matches the <meta> policy in src/renderer/index.html', () => {
    const html = readFileSync(join(import.meta.dirname, '../renderer/index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]*)"/.exec(html);
    expect(meta?.[1]).toBe(contentSecurityPolicy('meta'));
  });

  it('sends frame-ancestors only in the header, where browsers honour it', () => {
    expect(contentSecurityPolicy('header')).toContain("frame-ancestors 'none'");
    expect(contentSecurityPolicy('meta')).not.toContain('frame-ancestors');
  });

  it('never allows inline or eval scripts', () => {
    const scriptSrc = contentSecurityPolicy('header')
      .split('; ')
      .find((d) => d.startsWith('script-src '));
    expect(scriptSrc).toBe("script-src 'self'");
  });
});

describe('isSamePage', () => {
  it.each([
    ['file:///app/out/renderer/index.html', 'file:///app/out/renderer/index.html#/tables', true],
    ['file:///app/out/renderer/index.html', 'file:///app/out/renderer/other.html', false],
    ['http://localhost:5173/', 'http://localhost:5173/?x=1', true],
    ['http://localhost:5173/', 'http://localhost:5174/', false],
    ['http://localhost:5173/', 'https://example.com/', false],
    ['file:///app/out/renderer/index.html', 'not a url', false],
  ])('%s → %s is %s', (current, target, expected) => {
    expect(isSamePage(current, target)).toBe(expected);
  });
});
