// Just enough of the `vscode` module to load the extension and let
// vscode-languageclient start the daemon under node, without VS Code. What
// the tests look at is real (settings, commands, status bar, messages);
// everything else is an inert stand-in that accepts any call.
import * as path from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';

type AnyFn = (...args: unknown[]) => unknown;

/** An object that answers every property and call with another such object. */
export function inert(name = 'inert'): any {
  const fn = function () {} as unknown as AnyFn;
  return new Proxy(fn, {
    get(_t, prop) {
      if (prop === 'then') return undefined; // not a promise
      if (prop === Symbol.iterator) return function* () {};
      if (prop === Symbol.toPrimitive) return () => name;
      if (prop === 'dispose') return () => undefined;
      return inert(`${name}.${String(prop)}`);
    },
    apply: () => inert(`${name}()`),
    construct: () => inert(`new ${name}`),
  });
}

class Disposable {
  constructor(private readonly fn: () => void = () => undefined) {}
  static from(...items: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => items.forEach((i) => i?.dispose?.()));
  }
  dispose(): void {
    this.fn();
  }
}

class EventEmitter<T> {
  private listeners: ((e: T) => void)[] = [];
  event = (listener: (e: T) => void) => {
    this.listeners.push(listener);
    return new Disposable(() => (this.listeners = this.listeners.filter((l) => l !== listener)));
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void {
    this.listeners = [];
  }
}

class Uri {
  private constructor(
    readonly scheme: string,
    readonly authority: string,
    readonly path: string,
    readonly query: string,
    readonly fragment: string,
  ) {}
  static file(p: string): Uri {
    return new Uri('file', '', path.resolve(p), '', '');
  }
  static parse(value: string): Uri {
    const u = new URL(value);
    if (u.protocol === 'file:') return Uri.file(fileURLToPath(u));
    return new Uri(u.protocol.replace(/:$/, ''), u.host, decodeURIComponent(u.pathname), u.search.slice(1), u.hash.slice(1));
  }
  get fsPath(): string {
    return this.path;
  }
  with(change: Partial<Pick<Uri, 'scheme' | 'path'>>): Uri {
    return new Uri(change.scheme ?? this.scheme, this.authority, change.path ?? this.path, this.query, this.fragment);
  }
  toString(): string {
    return this.scheme === 'file' ? pathToFileURL(this.path).href : `${this.scheme}:${this.path}`;
  }
  toJSON(): string {
    return this.toString();
  }
}

class Position {
  constructor(
    readonly line: number,
    readonly character: number,
  ) {}
}
class Range {
  readonly start: Position;
  readonly end: Position;
  constructor(a: number | Position, b: number | Position, c?: number, d?: number) {
    if (typeof a === 'number') {
      this.start = new Position(a, b as number);
      this.end = new Position(c!, d!);
    } else {
      this.start = a;
      this.end = b as Position;
    }
  }
  get isEmpty(): boolean {
    return this.start.line === this.end.line && this.start.character === this.end.character;
  }
}

export interface StubState {
  settings: Record<string, unknown>;
  commands: Map<string, AnyFn>;
  messages: string[];
  statusBar: { text: string; tooltip: unknown };
  /** Every text the status bar showed, oldest first (for failure messages). */
  statusHistory: string[];
  /** Lines written to the output channels (the daemon's log, traces). */
  output: string[];
  configListeners: ((e: { affectsConfiguration(s: string): boolean }) => void)[];
  /** Answers of showInputBox, in order; undefined: the user pressed Escape. */
  inputs: (string | undefined)[];
  /** The vscode.languages functions called (registerInlineCompletionItemProvider, ...). */
  languageCalls: string[];
  /** Labels showQuickPick answers with, in order; undefined or no match: the user pressed Escape. */
  picks: (string | undefined)[];
  /** The items each showQuickPick offered. */
  pickOffers: string[][];
  /** Documents opened with openTextDocument({content, language}). */
  documents: { content: string; language: string }[];
}

export function createVscodeStub(workspaceFolder: string): { module: any; state: StubState } {
  const state: StubState = {
    settings: {},
    commands: new Map(),
    messages: [],
    statusBar: { text: '', tooltip: '' },
    statusHistory: [],
    output: [],
    configListeners: [],
    inputs: [],
    languageCalls: [],
    picks: [],
    pickOffers: [],
    documents: [],
  };
  const configuration = (section?: string) => {
    const full = (key: string) => (section ? `${section}.${key}` : key);
    return {
      get: (key: string, fallback?: unknown) => (full(key) in state.settings ? state.settings[full(key)] : fallback),
      has: (key: string) => full(key) in state.settings,
      inspect: (key: string) => ({ key: full(key), globalValue: state.settings[full(key)] }),
      update: async () => undefined,
    };
  };
  const message = (level: string) => async (text: string) => {
    state.messages.push(`${level}: ${text}`);
    return undefined;
  };
  const outputChannel = () => {
    const ch = inert('outputChannel');
    return new Proxy(ch, {
      get(t, prop) {
        if (prop === 'name') return 'Switchboard';
        if (prop === 'logLevel') return 2;
        if (prop === 'onDidChangeLogLevel') return new EventEmitter().event;
        if (typeof prop === 'string' && /^(append|appendLine|replace|trace|debug|info|warn|error)$/.test(prop))
          return (...args: unknown[]) => void state.output.push(`${prop}: ${args.map(String).join(' ')}`);
        return (t as any)[prop];
      },
    });
  };
  const folder = { uri: Uri.file(workspaceFolder), name: path.basename(workspaceFolder), index: 0 };
  const vscode: Record<string, unknown> = {
    version: '1.91.0',
    Disposable,
    EventEmitter,
    Uri,
    Position,
    Range,
    Selection: Range,
    ThemeColor: class {
      constructor(readonly id: string) {}
    },
    StatusBarAlignment: { Left: 1, Right: 2 },
    ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
    ViewColumn: { Active: -1, Beside: -2, One: 1 },
    env: { appName: 'Visual Studio Code', language: 'en', machineId: 'test', sessionId: 'test', uiKind: 1 },
    workspace: {
      workspaceFolders: [folder],
      textDocuments: [],
      notebookDocuments: [],
      getConfiguration: configuration,
      getWorkspaceFolder: () => folder,
      onDidChangeConfiguration: (l: (e: { affectsConfiguration(s: string): boolean }) => void) => {
        state.configListeners.push(l);
        return new Disposable();
      },
      onDidOpenTextDocument: () => new Disposable(),
      onDidCloseTextDocument: () => new Disposable(),
      onDidChangeTextDocument: () => new Disposable(),
      onDidSaveTextDocument: () => new Disposable(),
      onWillSaveTextDocument: () => new Disposable(),
      onDidChangeWorkspaceFolders: () => new Disposable(),
      createFileSystemWatcher: () => inert('watcher'),
      openTextDocument: async (init: { content?: string; language?: string }) => {
        const doc = { content: init.content ?? '', language: init.language ?? 'plaintext' };
        state.documents.push(doc);
        return doc;
      },
      fs: inert('fs'),
    },
    window: {
      createOutputChannel: outputChannel,
      createStatusBarItem: () =>
        new Proxy(state.statusBar as Record<string, unknown>, {
          get: (t, p) => (p in t ? t[p as string] : p === 'show' || p === 'hide' || p === 'dispose' ? () => undefined : undefined),
          set: (t, p, v) => {
            if (p === 'text' && v !== t.text) state.statusHistory.push(`${Date.now() % 100000} ${String(v)}`);
            t[p as string] = v;
            return true;
          },
        }),
      showInformationMessage: message('info'),
      showWarningMessage: message('warning'),
      showErrorMessage: message('error'),
      showInputBox: async () => state.inputs.shift(),
      showQuickPick: async (items: { label: string }[] | Promise<{ label: string }[]>) => {
        const offered = await items;
        state.pickOffers.push(offered.map((i) => i.label));
        const want = state.picks.shift();
        return offered.find((i) => i.label === want);
      },
      showTextDocument: async (doc: unknown) => doc,
      withProgress: async (_o: unknown, task: (p: unknown, t: unknown) => Promise<unknown>) =>
        task({ report: () => undefined }, { isCancellationRequested: false, onCancellationRequested: () => new Disposable() }),
      activeTextEditor: undefined,
      visibleTextEditors: [],
      onDidChangeActiveTextEditor: () => new Disposable(),
      onDidChangeVisibleTextEditors: () => new Disposable(),
      tabGroups: inert('tabGroups'),
    },
    commands: {
      registerCommand: (id: string, fn: AnyFn) => {
        if (state.commands.has(id)) throw new Error(`command '${id}' already exists`);
        state.commands.set(id, fn);
        return new Disposable(() => state.commands.delete(id));
      },
      executeCommand: async (id: string, ...args: unknown[]) => state.commands.get(id)?.(...args),
    },
    languages: new Proxy(
      {},
      {
        get: (_t, p) => (...args: unknown[]) => {
          state.languageCalls.push(String(p));
          return String(p).startsWith('register') || String(p).startsWith('on') ? new Disposable() : inert(String(p));
        },
      },
    ),
    extensions: inert('extensions'),
  };
  const module = new Proxy(vscode, {
    get: (t, p) => (p in t ? t[p as string] : typeof p === 'string' ? inert(`vscode.${p}`) : undefined),
  });
  return { module, state };
}
