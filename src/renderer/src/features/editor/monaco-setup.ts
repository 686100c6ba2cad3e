// Monaco, lean: the editor core plus the few contributions a SQL editor needs
// (suggest, find, comment, format, multi-cursor …) and a DuckDB flavour of the
// SQL Monarch grammar — not the full bundle with every language. Also the
// worker factory (Vite bundles the editor worker) and themes that follow the OS.

import * as monaco from 'monaco-editor/editor/editor.api';
import 'monaco-editor/editor/browser/coreCommands';
import 'monaco-editor/editor/contrib/suggest/browser/suggestController';
import 'monaco-editor/editor/contrib/suggest/browser/suggestInlineCompletions';
import 'monaco-editor/editor/contrib/snippet/browser/snippetController2';
import 'monaco-editor/editor/contrib/find/browser/findController';
import 'monaco-editor/editor/contrib/comment/browser/comment';
import 'monaco-editor/editor/contrib/contextmenu/browser/contextmenu';
import 'monaco-editor/editor/contrib/clipboard/browser/clipboard';
import 'monaco-editor/editor/contrib/bracketMatching/browser/bracketMatching';
import 'monaco-editor/editor/contrib/format/browser/formatActions';
import 'monaco-editor/editor/contrib/hover/browser/hoverContribution';
import 'monaco-editor/editor/contrib/gotoError/browser/gotoError';
import 'monaco-editor/editor/contrib/linesOperations/browser/linesOperations';
import 'monaco-editor/editor/contrib/multicursor/browser/multicursor';
import 'monaco-editor/editor/contrib/wordOperations/browser/wordOperations';
import 'monaco-editor/editor/contrib/wordHighlighter/browser/wordHighlighter';
import 'monaco-editor/editor/contrib/cursorUndo/browser/cursorUndo';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import { conf, language } from 'monaco-editor/languages/definitions/sql/sql';
import { formatDialect, duckdb } from 'sql-formatter';

export { monaco };

self.MonacoEnvironment = { getWorker: () => new EditorWorker() };

export const LANGUAGE_ID = 'sql';

// DuckDB words the generic SQL grammar lacks.
const DUCKDB_KEYWORDS = [
  'ANTI',
  'ASOF',
  'ATTACH',
  'COLUMNS',
  'DESCRIBE',
  'DETACH',
  'EXCLUDE',
  'EXPORT',
  'GLOB',
  'ILIKE',
  'IMPORT',
  'INSTALL',
  'LAMBDA',
  'LOAD',
  'MACRO',
  'MAP',
  'PIVOT',
  'PIVOT_LONGER',
  'PIVOT_WIDER',
  'POSITIONAL',
  'PRAGMA',
  'QUALIFY',
  'RECURSIVE',
  'REPLACE',
  'SAMPLE',
  'SEMI',
  'SHOW',
  'STRUCT',
  'SUMMARIZE',
  'TABLESAMPLE',
  'TRY_CAST',
  'UNPIVOT',
  'USING',
  'VERSION',
  'HUGEINT',
  'UBIGINT',
  'UINTEGER',
  'VARCHAR',
  'BIGINT',
  'INTEGER',
  'DOUBLE',
  'BOOLEAN',
  'TIMESTAMPTZ',
  'INTERVAL',
  'LIST',
  'UNION',
  'BLOB',
  'UUID',
  'JSON',
];

let functionsKey = '';

/** (Re)defines the grammar; DuckDB's function names highlight once the catalog has them. */
export function setSqlGrammar(functions: string[]): void {
  const key = functions.length === 0 ? '' : `${functions.length}:${functions[0] ?? ''}`;
  if (key === functionsKey && key !== '') return;
  functionsKey = key;
  const keywords = [...new Set([...language.keywords, ...DUCKDB_KEYWORDS])];
  const builtinFunctions =
    functions.length > 0 ? [...new Set(functions.map((f) => f.toUpperCase()))] : language.builtinFunctions;
  monaco.languages.setMonarchTokensProvider(LANGUAGE_ID, { ...language, keywords, builtinFunctions });
}

let registered = false;

/** Registers the language, the formatter and the themes once. */
export function setupMonaco(): void {
  if (registered) return;
  registered = true;
  monaco.languages.register({ id: LANGUAGE_ID, extensions: ['.sql'], aliases: ['SQL', 'DuckDB SQL'] });
  monaco.languages.setLanguageConfiguration(LANGUAGE_ID, conf);
  setSqlGrammar([]);
  const edits = (model: monaco.editor.ITextModel, range: monaco.IRange): monaco.languages.TextEdit[] => [
    { range, text: formatSql(model.getValueInRange(range)) },
  ];
  monaco.languages.registerDocumentFormattingEditProvider(LANGUAGE_ID, {
    provideDocumentFormattingEdits: (model) => edits(model, model.getFullModelRange()),
  });
  monaco.languages.registerDocumentRangeFormattingEditProvider(LANGUAGE_ID, {
    provideDocumentRangeFormattingEdits: (model, range) => edits(model, range),
  });
  monaco.editor.defineTheme('lakehouse-light', {
    base: 'vs',
    inherit: true,
    rules: [],
    colors: { 'editor.background': '#ffffff' },
  });
  monaco.editor.defineTheme('lakehouse-dark', {
    base: 'vs-dark',
    inherit: true,
    rules: [],
    colors: { 'editor.background': '#1b1d21' },
  });
  const media = window.matchMedia('(prefers-color-scheme: dark)');
  const apply = (): void => monaco.editor.setTheme(media.matches ? 'lakehouse-dark' : 'lakehouse-light');
  apply();
  media.addEventListener('change', apply);
}

/** Formats DuckDB SQL; text that the formatter cannot parse comes back unchanged. */
export function formatSql(sql: string): string {
  try {
    return formatDialect(sql, { dialect: duckdb, keywordCase: 'upper', tabWidth: 2 });
  } catch {
    return sql;
  }
}
