// The `lakehouse` command's composition root: picks the command, wires I/O and
// Ctrl-C, and turns errors into one clear line and an exit code — 0 success,
// 1 a failure the user can fix (bad SQL, bad config, not a lake), 2 a wrong
// command line. A second Ctrl-C exits at once.

import { isCancelled, PipelineError } from '../pipeline';
import { CliUsageError, commandHelp, parseCommandLine } from './command';
import type { Command, Io } from './command';
import { generateCommand } from './commands/generate';
import { initCommand } from './commands/init';
import { archiveCommand } from './commands/archive';
import { deltaCommands } from './commands/delta';
import { pipelineCommands } from './commands/pipeline';
import { publishCommand } from './commands/publish';
import { queryCommand } from './commands/query';
import { watchCommand } from './commands/watch';
import { serveCommand } from './commands/serve';

const COMMANDS: readonly Command[] = [
  initCommand,
  generateCommand,
  queryCommand,
  ...pipelineCommands,
  publishCommand,
  watchCommand,
  serveCommand,
  archiveCommand,
  ...deltaCommands,
];

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return [
    'Usage: lakehouse <command> [options]',
    '',
    'Lakehouse Workbench from the command line: the same lake, engine and pipeline as the app.',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    'Run `lakehouse <command> --help` for a command’s arguments and options.',
    '',
  ].join('\n');
}

export async function main(argv: string[], io: Io): Promise<number> {
  const [first, second] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    io.out(mainHelp());
    return first === undefined ? 2 : 0;
  }
  // Command groups (`delta snapshot`) are named by their first two words.
  const grouped = COMMANDS.some((c) => c.name === `${first} ${second ?? ''}`);
  const name = grouped ? `${first} ${second ?? ''}` : first;
  const rest = argv.slice(grouped ? 2 : 1);
  const group = COMMANDS.filter((c) => c.name.startsWith(`${first} `));
  if (!grouped && group.length > 0) {
    io.err(
      `lakehouse ${first}: choose one of ${group.map((c) => c.name.split(' ')[1]).join(', ')}. See lakehouse --help.\n`,
    );
    return 2;
  }
  if (first === '--version' || first === '-v') {
    io.out(`${process.env['npm_package_version'] ?? '0.1.0'}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.err(
      `lakehouse: unknown command '${name}'. Commands: ${COMMANDS.map((c) => c.name).join(', ')}. See lakehouse --help.\n`,
    );
    return 2;
  }
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = (): void => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    io.err('\nCancelling… (Ctrl-C again to quit at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    const parsed = parseCommandLine(command, rest);
    if (parsed.help) {
      io.out(commandHelp(command));
      return 0;
    }
    return await command.run({ args: parsed.args, options: parsed.options, io, signal: controller.signal });
  } catch (err) {
    return reportError(err, command, io);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

function reportError(err: unknown, command: Command, io: Io): number {
  if (err instanceof CliUsageError) {
    io.err(`lakehouse ${command.name}: ${err.message}. See lakehouse ${command.name} --help.\n`);
    return 2;
  }
  if (isCancelled(err)) {
    io.err('Cancelled.\n');
    return 130;
  }
  if (err instanceof PipelineError && err.code === 'USAGE') {
    io.err(`lakehouse ${command.name}: ${err.message}\n`);
    return 2;
  }
  if (err instanceof PipelineError && err.code !== 'INTERNAL') {
    io.err(`error: ${err.message}\n`);
    return 1;
  }
  const message = err instanceof Error ? err.message : String(err);
  io.err(
    `error: ${message}\nThis looks like a bug in Lakehouse Workbench; rerun with LAKEHOUSE_DEBUG=1 for details and report it.\n`,
  );
  if (process.env['LAKEHOUSE_DEBUG'] && err instanceof Error) io.err(`${err.stack ?? ''}\n`);
  return 1;
}
