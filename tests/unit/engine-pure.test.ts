// Pure parts of the engine: statement splitting, DuckDB error positions, value
// conversion, settings validation and the wire form of errors.
import { describe, expect, it } from 'vitest';
import { positionFrom } from '../../src/pipeline/engine/duckdb-errors';
import { engineErrorFrom } from '../../src/pipeline/engine/duckdb-errors';
import { settingsSql, validateEngineSettings } from '../../src/pipeline/engine/settings';
import { quoteIdent, quoteList, quoteLiteral } from '../../src/pipeline/engine/sql';
import { splitStatements } from '../../src/pipeline/engine/statements';
import { isoLocal, isoZoned } from '../../src/pipeline/engine/values';
import { notUtf8File } from '../../src/pipeline/lake/not-utf8';
import { ConfigError, EngineError, fromWire, NotFoundError, toWire } from '../../src/pipeline/errors';
import { isWireError } from '../../src/shared/errors';

describe('splitStatements', () => {
  it.each([
    ['select 1', ['select 1']],
    ['select 1; select 2;', ['select 1', 'select 2']],
    ["select ';' as a; select 2", ["select ';' as a", 'select 2']],
    ['select "a;b" from t; select 2', ['select "a;b" from t', 'select 2']],
    ["select 'it''s; fine'", ["select 'it''s; fine'"]],
    ['select $$a;b$$, $x$c;d$x$; select 3', ['select $$a;b$$, $x$c;d$x$', 'select 3']],
    ['-- a comment; with semicolon\nselect 1', ['-- a comment; with semicolon\nselect 1']],
    ['/* block; */ select 1; /* trailing */', ['/* block; */ select 1']],
    ['  ;; \n -- only comments\n', []],
    ['select 1 -- trailing; comment', ['select 1 -- trailing; comment']],
  ])('%j', (script, expected) => {
    expect(splitStatements(script).map((s) => s.text)).toEqual(expected);
  });

  it('records where each statement starts', () => {
    const script = 'select 1;\n  select 2';
    const [a, b] = splitStatements(script);
    expect(a?.start).toBe(0);
    expect(b?.start).toBe(12);
    expect(script.slice(b?.start)).toBe('select 2');
  });
});

describe('positionFrom', () => {
  it('locates the caret in a short line', () => {
    const msg = 'Binder Error: x\n\nLINE 1: select x from t\n               ^';
    expect(positionFrom(msg, 'select x from t')).toEqual({ line: 1, column: 8, offset: 7 });
  });

  it('locates the caret in a truncated snippet', () => {
    const long = 'select ' + 'a, '.repeat(40) + 'zzz from t';
    const col0 = long.indexOf('zzz');
    const snippet = '...' + long.slice(col0 - 20, col0 + 10) + '...';
    const msg = `Binder Error: zzz\n\nLINE 1: ${snippet}\n${' '.repeat('LINE 1: '.length + 3 + 20)}^`;
    expect(positionFrom(msg, long)).toEqual({ line: 1, column: col0 + 1, offset: col0 });
  });

  it('maps a position inside a wrapped statement back to the script', () => {
    const script = 'select 1;\nselect y';
    const prefix = 'CREATE TABLE r AS SELECT * FROM (\n';
    const executed = `${prefix}select y\n)`;
    const msg = 'Binder Error: y\n\nLINE 2: select y\n               ^';
    expect(positionFrom(msg, script, { start: 10, executed, prefix: prefix.length })).toEqual({
      line: 2,
      column: 8,
      offset: 17,
    });
  });

  it('gives no position when DuckDB printed none', () => {
    expect(positionFrom('Catalog Error: nope', 'select 1')).toBeUndefined();
  });
});

describe('engineErrorFrom', () => {
  it.each([
    ['INTERRUPT Error: Interrupted!', 'CANCELLED'],
    [
      'Permission Error: Cannot access file "/etc/passwd" - file system operations are disabled by configuration',
      'SANDBOX',
    ],
    [
      'Invalid Input Error: Cannot change configuration option "threads" - the configuration has been locked',
      'SANDBOX',
    ],
    ['Parser Error: syntax error at or near "x"', 'SQL'],
    ['Out of Memory Error: could not allocate', 'SQL'],
  ])('classifies %j as %s', (message, code) => {
    expect(engineErrorFrom(new Error(message), '').code).toBe(code);
  });

  it('says what a file that is not UTF-8 needs, naming it', () => {
    const err = engineErrorFrom(
      new Error(
        "Invalid Input Error: read_text: could not read content of file '/lake/raw/a/dt=2024-05-01/x.jsonl' as valid UTF-8 encoded text. You may want to use read_blob instead.",
      ),
      'select * from raw.a',
    );
    expect(err.code).toBe('SQL');
    expect(err.message).toMatch(
      /^The file '\/lake\/raw\/a\/dt=2024-05-01\/x.jsonl' is not UTF-8 text.*iconv/,
    );
    expect(notUtf8File(err)).toBe('/lake/raw/a/dt=2024-05-01/x.jsonl');
  });

  it('drops the LINE snippet from the message and keeps the kind', () => {
    const err = engineErrorFrom(
      new Error('Binder Error: bad\n\nLINE 1: select x\n               ^'),
      'select x',
    );
    expect(err.message).toBe('Binder Error: bad');
    expect(err.details?.['kind']).toBe('Binder');
  });
});

describe('values', () => {
  it.each([
    ['2024-05-01 10:11:12.123', '2024-05-01T10:11:12.123'],
    ['2024-05-01 00:00:00', '2024-05-01T00:00:00'],
    ['infinity', 'infinity'],
  ])('isoLocal(%j)', (input, expected) => expect(isoLocal(input)).toBe(expected));

  it.each([
    ['2024-05-01 08:11:12.123+00', '2024-05-01T08:11:12.123Z'],
    ['2024-05-01 08:11:12+02', '2024-05-01T08:11:12+02:00'],
    ['2024-05-01 08:11:12-05:30', '2024-05-01T08:11:12-05:30'],
    ['-infinity', '-infinity'],
  ])('isoZoned(%j)', (input, expected) => expect(isoZoned(input)).toBe(expected));
});

describe('settings', () => {
  it.each([
    [{ threads: 0 }, /threads must be a whole number/],
    [{ threads: 2.5 }, /threads must be a whole number/],
    [{ memoryLimit: 'lots' }, /memory_limit must look like/],
  ])('rejects %j', (s, message) => {
    expect(validateEngineSettings(s).join(' ')).toMatch(message);
  });

  it.each([
    [{ threads: 4 }],
    [{ memoryLimit: '4GB' }],
    [{ memoryLimit: '512 MiB' }],
    [{ memoryLimit: '60%' }],
  ])('accepts %j', (s) => {
    expect(validateEngineSettings(s)).toEqual([]);
  });

  it('locks the sandbox last and allows only the lake with a trailing separator', () => {
    const sql = settingsSql(
      { threads: 2, memoryLimit: '1GB', tempDirectory: "/tmp/it's", timezone: 'UTC' },
      { allowedDirectories: ['/data/lake'] },
    );
    expect(sql.at(-2)).toBe("SET allowed_directories = ['/data/lake/']");
    expect(sql.at(-1)).toBe('SET GLOBAL enable_external_access = false');
    expect(sql).toContain("SET GLOBAL temp_directory = '/tmp/it''s'");
  });
});

describe('quoting', () => {
  it('quotes identifiers, literals and lists', () => {
    expect(quoteIdent('we"ird')).toBe('"we""ird"');
    expect(quoteLiteral("it's")).toBe("'it''s'");
    expect(quoteList(['a', "b'c"])).toBe("['a', 'b''c']");
  });
});

describe('wire errors', () => {
  it('round-trips typed errors across a boundary', () => {
    const original = new EngineError('SQL', 'Binder Error: x', {
      position: { line: 1, column: 2, offset: 1 },
    });
    const wire = toWire(original);
    expect(isWireError(wire)).toBe(true);
    const back = fromWire(JSON.parse(JSON.stringify(wire)));
    expect(back).toBeInstanceOf(EngineError);
    expect((back as EngineError).position).toEqual({ line: 1, column: 2, offset: 1 });
    expect(fromWire(toWire(new ConfigError('bad', { file: 'x.yml' })))).toBeInstanceOf(ConfigError);
    expect(fromWire(toWire(new NotFoundError('gone')))).toBeInstanceOf(NotFoundError);
  });

  it('turns unknown errors into INTERNAL with their message', () => {
    expect(toWire(new TypeError('boom'))).toEqual({
      name: 'InternalError',
      code: 'INTERNAL',
      message: 'boom',
    });
    expect(isWireError({ name: 'x', code: 'NOPE', message: 'y' })).toBe(false);
  });
});
