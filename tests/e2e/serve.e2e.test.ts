// Proves the end-to-end harness on the real thing: a sample lake made by the CLI, `lakehouse
// serve` as a subprocess, Chromium loading the renderer with the token, the token enforced,
// and the page reaching the service over HTTP.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { callService, closeAll, describeE2E, openPage, sampleLake, screenshot, startServe } from './harness';
import type { ServeProcess } from './harness';

describeE2E('lakehouse serve in Chromium', () => {
  let lake: string;
  let serve: ServeProcess;

  beforeAll(async () => {
    lake = await sampleLake({ days: 2, eventsPerDay: 500 });
    serve = await startServe(lake);
  });

  afterAll(closeAll);

  it('prints a loopback URL with a token', () => {
    expect(serve.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
  });

  it('loads the page with the token and the app mounts', async () => {
    const { page, errors } = await openPage(serve);
    await page.locator('#app > *').first().waitFor({ state: 'attached', timeout: 30_000 });
    expect(await page.title()).toMatch(/Lakehouse Workbench$/);
    // The catalog lists the lake's tables once the page has reached the service.
    const catalog = await callService(serve, 'catalog.list', {});
    const table = catalog.tables.find((t) => t.schema === 'core');
    expect(table).toBeDefined();
    await page
      .getByText(table?.name ?? '')
      .first()
      .waitFor({ state: 'visible', timeout: 30_000 });
    await screenshot(page, 'serve-loaded');
    expect(errors.filter((e) => /Content Security Policy|token/i.test(e))).toEqual([]);
  });

  it('refuses an API call without the token with 401', async () => {
    const res = await fetch(`${serve.origin}/api/lake.current`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(401);
    const body = (await res.json()) as { ok: boolean; error: { message: string } };
    expect(body.ok).toBe(false);
    expect(body.error.message).toMatch(/token/);
  });

  it('lets the page call lake.current through the API', async () => {
    const { page } = await openPage(serve);
    const outcome = await page.evaluate(async () => {
      // Runs in the page; the node typings of this file have no DOM, hence the cast.
      const { search } = (globalThis as unknown as { location: { search: string } }).location;
      const token = new URLSearchParams(search).get('token') ?? '';
      const res = await fetch('/api/lake.current', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-lakehouse-token': token },
        body: '{}',
      });
      return { status: res.status, body: (await res.json()) as unknown };
    });
    expect(outcome.status).toBe(200);
    expect(outcome.body).toMatchObject({ ok: true, value: { path: lake } });
    // The same answer as the test process gets, so the page saw the real service.
    const current = await callService(serve, 'lake.current', {});
    expect(current?.path).toBe(lake);
  });

  it('serves an export of a result as a download under /files, with the token only', async () => {
    const result = await callService(serve, 'query.run', {
      sql: 'select * from core.dim_club order by club_id',
      queryId: 'export-check',
    });
    const exported = await callService(serve, 'query.export', {
      resultId: result.resultId,
      format: 'csv',
      exportId: 'export-check',
    });
    expect(exported.downloadPath).toMatch(/^exports\//);
    const url = new URL(`/files/${exported.downloadPath ?? ''}`, serve.origin);
    expect((await fetch(url)).status).toBe(401);
    url.searchParams.set('token', serve.token);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="result-/);
    const lines = (await res.text()).trim().split('\n');
    // A header line and one line per row of the result.
    expect(lines.length - 1).toBe(result.totalRows);
  });

  it('stops cleanly on SIGTERM', async () => {
    expect(await serve.stop()).toBe(0);
  });
});
