// Types for the Monaco modules imported by path: the editor's feature contributions are
// side-effect imports without declarations, and the SQL Monarch grammar ships without a .d.ts.
declare module 'monaco-editor/editor/contrib/*';
declare module 'monaco-editor/editor/browser/*';
declare module 'monaco-editor/base/browser/*';

declare module 'monaco-editor/languages/definitions/sql/sql' {
  export const conf: import('monaco-editor/editor/editor.api').languages.LanguageConfiguration;
  export const language: import('monaco-editor/editor/editor.api').languages.IMonarchLanguage & {
    keywords: string[];
    builtinFunctions: string[];
  };
}
