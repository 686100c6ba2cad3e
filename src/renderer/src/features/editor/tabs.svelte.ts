// The editor's tabs: title and SQL per tab, the active tab, persisted in
// localStorage per lake (keyed by the lake's path) so a reload or reopening the
// lake brings the scripts back. Results are not persisted: they live in the engine.

export interface EditorTab {
  id: string;
  title: string;
  sql: string;
}

interface Stored {
  tabs: EditorTab[];
  active: string;
  next: number;
}

const WELCOME = `-- Ctrl+Enter runs the statement under the cursor (or the selection);
-- Ctrl+Shift+Enter runs the whole script. Esc cancels. Shift+Alt+F formats.
select 42 as answer;
`;

export class EditorTabs {
  tabs = $state<EditorTab[]>([]);
  active = $state('');
  private next = 1;
  private key = '';
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** Loads the tabs of the lake at `lakePath` (a first tab when there are none). */
  load(lakePath: string): void {
    this.key = `lakehouse.editor:${lakePath}`;
    let stored: Stored | null = null;
    try {
      const raw = localStorage.getItem(this.key);
      if (raw !== null) stored = JSON.parse(raw) as Stored;
    } catch {
      stored = null;
    }
    if (stored !== null && Array.isArray(stored.tabs) && stored.tabs.length > 0) {
      this.tabs = stored.tabs;
      this.next = stored.next;
      this.active = stored.tabs.some((t) => t.id === stored.active)
        ? stored.active
        : (stored.tabs[0]?.id ?? '');
    } else {
      this.tabs = [];
      this.next = 1;
      this.add(WELCOME, 'Query 1');
    }
  }

  get current(): EditorTab | undefined {
    return this.tabs.find((t) => t.id === this.active);
  }

  add(sql = '', title?: string): EditorTab {
    const n = this.next++;
    const tab: EditorTab = { id: `t${n}-${Date.now().toString(36)}`, title: title ?? `Query ${n}`, sql };
    this.tabs.push(tab);
    this.active = tab.id;
    this.save();
    return tab;
  }

  /** Closes a tab; returns the id of the tab shown next. */
  close(id: string): void {
    const i = this.tabs.findIndex((t) => t.id === id);
    if (i === -1) return;
    this.tabs.splice(i, 1);
    if (this.tabs.length === 0) this.add('');
    else if (this.active === id) this.active = (this.tabs[Math.max(0, i - 1)] ?? this.tabs[0])?.id ?? '';
    this.save();
  }

  rename(id: string, title: string): void {
    const tab = this.tabs.find((t) => t.id === id);
    if (tab !== undefined && title.trim() !== '') tab.title = title.trim();
    this.save();
  }

  select(id: string): void {
    this.active = id;
    this.save();
  }

  setSql(id: string, sql: string): void {
    const tab = this.tabs.find((t) => t.id === id);
    if (tab === undefined || tab.sql === sql) return;
    tab.sql = sql;
    this.save();
  }

  /** Writes soon rather than on every keystroke. */
  private save(): void {
    if (this.key === '') return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const data: Stored = { tabs: $state.snapshot(this.tabs), active: this.active, next: this.next };
      try {
        localStorage.setItem(this.key, JSON.stringify(data));
      } catch {
        // Storage full or blocked: the tabs still work for this session.
      }
    }, 300);
  }
}
