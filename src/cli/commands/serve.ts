// `lakehouse serve`: browser mode. Opens the lake in the Workbench service, serves the same
// renderer as the desktop app over HTTP + WebSocket on 127.0.0.1, and prints the URL (with
// this start's token) on a line of its own on stdout, so scripts can read it. Ctrl-C (or
// SIGTERM) stops the server and closes the service, engines included.

import path from 'node:path';
import { createWorkbenchService, openLake } from '../../pipeline';
import { intOption } from '../command';
import type { Command, Io } from '../command';
import { ensureRendererBuilt } from '../serve/renderer-build';
import { startServer } from '../serve/server';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Serve the workbench UI for a lake in your browser (http://127.0.0.1 only, with a token).',
  description:
    'Prints a URL such as http://127.0.0.1:4321/?token=… — open it in a browser. Every request must\n' +
    'carry that token, which changes at each start; the server answers on the loopback address only.\n' +
    'Builds the UI first when out/renderer is missing or older than its sources. Ctrl-C stops it.\n' +
    'Publish passwords come from the environment variables lakehouse.yml names.',
  positionals: [{ name: 'lake', description: 'The lake folder.' }],
  options: {
    port: { type: 'string', value: 'n', description: 'Port to listen on (default 0: any free port).' },
    host: {
      type: 'string',
      value: 'addr',
      description: 'Loopback address to bind: 127.0.0.1 (default), localhost or ::1.',
    },
    'renderer-dir': {
      type: 'string',
      value: 'dir',
      description: 'Serve a renderer built elsewhere instead of out/renderer (no build check).',
    },
  },
  examples: ['lakehouse serve demo-lake', 'lakehouse serve demo-lake --port 8321'],
  async run({ args, options, io, signal }) {
    const port = intOption(options['port'], 'port', { min: 0, max: 65535 }) ?? 0;
    const host = typeof options['host'] === 'string' ? options['host'] : '127.0.0.1';
    const lakeDir = path.resolve(args['lake'] ?? '');
    const started = performance.now();

    const stop = stopRequest(signal);

    // Publish passwords come from the environment, as for every CLI command.
    const service = createWorkbenchService();
    let server: Awaited<ReturnType<typeof startServer>> | null = null;
    try {
      // The config is checked now (fast), so a folder that is not a lake fails before any URL.
      openLake(lakeDir);
      // Opening starts the engines; the UI build check and the page's own loading overlap with
      // it, and the server holds API calls until it is done (see ServeOptions.ready).
      const opened = service.call('lake.open', { path: lakeDir });
      opened.catch(() => undefined);

      const rendererDir = await rendererDirOf(options['renderer-dir'], io);
      if (stop.requested()) return 130; // stopped during the build

      server = await startServer({ service, rendererDir, port, host, ready: opened });
      io.err(`Serving ${lakeDir}. Open:\n`);
      io.out(`${server.url}\n`);
      const lake = await Promise.race([opened, stop.stopped.then(() => null)]);
      if (lake === null) return 0;
      for (const p of lake.problems) io.err(`warning: ${p.subject}: ${p.message}\n`);
      io.err(
        `Lake '${lake.name}' is open (${((performance.now() - started) / 1000).toFixed(1)} s). Press Ctrl-C to stop.\n`,
      );
      await stop.stopped;
      io.err('Stopping…\n');
      return 0;
    } finally {
      stop.dispose();
      await server?.close();
      await service.dispose();
    }
  },
};

/** Ctrl-C (the CLI aborts `signal`) or SIGTERM (a supervisor, a test) stops the server. */
function stopRequest(signal: AbortSignal): { stopped: Promise<void>; requested(): boolean; dispose(): void } {
  let requested = signal.aborted;
  let onStop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => {
    onStop = () => {
      requested = true;
      resolve();
    };
  });
  if (requested) onStop();
  signal.addEventListener('abort', onStop);
  process.on('SIGTERM', onStop);
  return {
    stopped,
    requested: () => requested,
    dispose() {
      process.off('SIGTERM', onStop);
      signal.removeEventListener('abort', onStop);
    },
  };
}

/** The renderer to serve: --renderer-dir as given, or out/renderer, built first when it is stale. */
async function rendererDirOf(given: string | boolean | undefined, io: Io): Promise<string> {
  if (typeof given === 'string') return path.resolve(given);
  const build = await ensureRendererBuilt((reason) =>
    io.err(`Building the workbench UI (${reason}); this takes a little while…\n`),
  );
  if (build.built !== null) {
    io.err(`Built the UI in ${(build.built.elapsedMs / 1000).toFixed(1)} s.\n`);
  }
  return build.dir;
}
