// What the window shows: the active view, the table open in the table view,
// and requests from one feature to another (the catalog asking the editor to
// open a query). Plain rune state; components read it and call its methods.

export type ViewId = 'editor' | 'table' | 'pipeline' | 'runs' | 'settings' | 'publish';

export interface ViewDef {
  id: ViewId;
  label: string;
  /** Ctrl/Cmd+<key> switches to the view. */
  key: string;
  icon: string;
}

export const VIEWS: ViewDef[] = [
  { id: 'editor', label: 'SQL Editor', key: '1', icon: '⌨' },
  { id: 'table', label: 'Table', key: '2', icon: '▦' },
  { id: 'pipeline', label: 'Pipeline', key: '3', icon: '⋈' },
  { id: 'runs', label: 'Runs', key: '4', icon: '↻' },
  { id: 'publish', label: 'Publish', key: '5', icon: '⇪' },
  { id: 'settings', label: 'Settings', key: '6', icon: '⚙' },
];

export interface EditorRequest {
  /** Bumped per request so the same SQL twice is still two requests. */
  seq: number;
  sql: string;
  title: string;
  run: boolean;
}

class WorkbenchState {
  view = $state<ViewId>('editor');
  /** `schema.name` of the table the table view shows. */
  table = $state<string | null>(null);
  editorRequest = $state<EditorRequest | null>(null);
  paletteOpen = $state(false);
  sidebarVisible = $state(true);
  private seq = 0;

  show(view: ViewId): void {
    this.view = view;
  }

  /** Bumped by each openTable, so the view starts over (current version) even for the same table. */
  tableSeq = $state(0);

  openTable(table: string): void {
    this.table = table;
    this.tableSeq += 1;
    this.view = 'table';
  }

  /** Opens `sql` in a new editor tab (and runs it when asked). */
  openInEditor(sql: string, title: string, run = false): void {
    this.seq += 1;
    this.editorRequest = { seq: this.seq, sql, title, run };
    this.view = 'editor';
  }
}

export const workbench = new WorkbenchState();

/** A command in the palette. */
export interface PaletteCommand {
  id: string;
  label: string;
  hint?: string;
  run: () => void;
}

export const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
/** The label of the platform's command key, for hints. */
export const modKey = isMac ? '⌘' : 'Ctrl';
/**
 * The modifier shown for view shortcuts: browsers keep Ctrl+1…9 for their own tabs, so in browser
 * mode the hint is Alt (both work wherever the page receives the key).
 */
export const viewModKey = typeof window !== 'undefined' && 'lakehouse' in window ? modKey : 'Alt';
