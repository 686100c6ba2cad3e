// Process entry of the CLI: real stdout/stderr, then exit with main's code once
// output is flushed (an EPIPE from `| head` is a normal end, not an error).

import { main } from './index';

process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
});

const code = await main(process.argv.slice(2), {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  interactive: process.stderr.isTTY === true,
});
process.exitCode = code;
