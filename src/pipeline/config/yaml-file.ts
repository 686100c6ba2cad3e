// Reads a YAML project file and validates it with a zod schema. Every problem
// becomes one ConfigError that names the file, the line and the key, and says
// what is expected, so a typo in lakehouse.yml reads like a compiler error.

import fs from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors';

export interface YamlProblem {
  file: string;
  line?: number;
  key: string;
  message: string;
}

export function readYamlFile<S extends z.ZodType>(file: string, schema: S, displayRoot: string): z.output<S> {
  const shown = path.relative(displayRoot, file) || file;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(
      code === 'ENOENT'
        ? `${shown} is missing: create it (see the README) or run \`lakehouse init\`.`
        : `${shown} could not be read (${code ?? String(err)}).`,
      { file: shown },
    );
  }
  return parseYaml(text, schema, shown);
}

export function parseYaml<S extends z.ZodType>(text: string, schema: S, shown: string): z.output<S> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const line = lineCounter.linePos(yamlError.pos[0]).line;
    throw new ConfigError(
      `${shown}${line ? `:${line}` : ''}: not valid YAML — ${yamlError.message.split('\n')[0]}`,
      {
        file: shown,
        line,
      },
    );
  }
  const parsed = schema.safeParse(doc.toJS() ?? {});
  if (parsed.success) return parsed.data;
  const problems: YamlProblem[] = parsed.error.issues.map((issue) => {
    const keyPath = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    // Point at the deepest node that exists (a missing key points at its parent).
    let line: number | undefined;
    for (let n = keyPath.length; n >= 0 && line === undefined; n--) {
      const node = doc.getIn(keyPath.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node?.range) line = lineCounter.linePos(node.range[0]).line;
    }
    // A bad record key carries the useful message one level down.
    const inner = issue.code === 'invalid_key' ? issue.issues[0]?.message : undefined;
    const problem: YamlProblem = {
      file: shown,
      key: keyPath.join('.') || '(top level)',
      message: inner ?? issue.message,
    };
    if (line !== undefined) problem.line = line;
    return problem;
  });
  const first = problems[0];
  const where = (p: YamlProblem): string => `${p.file}${p.line ? `:${p.line}` : ''}: ${p.key}: ${p.message}`;
  const more =
    problems.length > 1
      ? ` (and ${problems.length - 1} more: ${problems.slice(1).map(where).join('; ')})`
      : '';
  throw new ConfigError(first ? `${where(first)}${more}` : `${shown}: invalid`, {
    file: shown,
    line: first?.line,
    problems,
  });
}
