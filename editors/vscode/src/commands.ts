// The extension's commands and the daemon commands (workspace/executeCommand)
// they call, with the argument shapes the daemon expects. No `vscode` import.

export interface LspPosition {
  line: number;
  character: number;
}
export interface LspRange {
  start: LspPosition;
  end: LspPosition;
}

/** The argument of switchboard.explain, .fix, .document, .writeTests and .refactor. */
export interface SelectionArgs {
  uri: string;
  range: LspRange;
  instruction?: string;
}

export interface AiAction {
  /** The VS Code command. Never a daemon command's name: vscode-languageclient
   *  registers a VS Code command for every command the server lists, and a
   *  second registration of the same id would fail. */
  id: string;
  /** The daemon command it runs. */
  daemon: string;
  title: string;
  /** Refactor asks what to do; the others take an optional instruction. */
  asksInstruction: boolean;
}

export const AI_ACTIONS: readonly AiAction[] = [
  { id: 'switchboard.explainSelection', daemon: 'switchboard.explain', title: 'Explain', asksInstruction: false },
  { id: 'switchboard.fixSelection', daemon: 'switchboard.fix', title: 'Fix', asksInstruction: false },
  { id: 'switchboard.documentSelection', daemon: 'switchboard.document', title: 'Document', asksInstruction: false },
  {
    id: 'switchboard.writeTestsForSelection',
    daemon: 'switchboard.writeTests',
    title: 'Write Tests',
    asksInstruction: false,
  },
  { id: 'switchboard.refactorSelection', daemon: 'switchboard.refactor', title: 'Refactor...', asksInstruction: true },
];

/** Daemon commands besides the AI actions. */
export const DAEMON = {
  runWorkflow: 'switchboard.runWorkflow',
  workflowStatus: 'switchboard.workflowStatus',
  cancelWorkflow: 'switchboard.cancelWorkflow',
  status: 'switchboard.status',
  rescan: 'switchboard.rescan',
  repoMap: 'switchboard.repoMap',
} as const;

/** Extension commands that are not AI actions (VS Code id -> title). */
export const OTHER_COMMANDS = {
  startWorkflow: { id: 'switchboard.startWorkflow', title: 'Run Workflow...' },
  showWorkflows: { id: 'switchboard.showWorkflows', title: 'Show Workflow Status' },
  stopWorkflow: { id: 'switchboard.stopWorkflow', title: 'Cancel Workflow...' },
  showStatus: { id: 'switchboard.showStatus', title: 'Show Status' },
  rescanWorkspace: { id: 'switchboard.rescanWorkspace', title: 'Rescan Workspace' },
  showRepoMap: { id: 'switchboard.showRepoMap', title: 'Show Repository Map' },
  restart: { id: 'switchboard.restart', title: 'Restart Daemon' },
  showLog: { id: 'switchboard.showLog', title: 'Show Log' },
} as const;

/** Every command the extension contributes, in package.json order. */
export function allCommandIds(): string[] {
  return [...AI_ACTIONS.map((a) => a.id), ...Object.values(OTHER_COMMANDS).map((c) => c.id)];
}

/** Every daemon command the extension may call. */
export function allDaemonCommands(): string[] {
  return [...AI_ACTIONS.map((a) => a.daemon), ...Object.values(DAEMON)];
}

export function selectionArgs(uri: string, range: LspRange, instruction?: string): SelectionArgs {
  const args: SelectionArgs = { uri, range: copyRange(range) };
  const text = instruction?.trim();
  if (text) args.instruction = text;
  return args;
}

export function workflowArgs(template: string, task: string): { template: string; task: string } {
  const t = template.trim();
  const k = task.trim();
  if (!t) throw new Error('a workflow needs a template');
  if (!k) throw new Error('a workflow needs a task');
  return { template: t, task: k };
}

export function workflowStatusArgs(id?: string): { id?: string } {
  return id ? { id } : {};
}

export function cancelWorkflowArgs(id: string): { id: string } {
  if (!id) throw new Error('no workflow to cancel');
  return { id };
}

export function repoMapArgs(tokens: number): { tokens: number } {
  return { tokens: Math.max(1, Math.floor(tokens)) };
}

/** Validation for the input box of an instruction or a task: an error message, or undefined. */
export function validateRequiredText(value: string, what: string): string | undefined {
  return value.trim() ? undefined : `Enter the ${what}`;
}

interface SymbolLike {
  range: LspRange;
  children?: readonly SymbolLike[];
}

function contains(range: LspRange, pos: LspPosition): boolean {
  const afterStart =
    pos.line > range.start.line || (pos.line === range.start.line && pos.character >= range.start.character);
  const beforeEnd = pos.line < range.end.line || (pos.line === range.end.line && pos.character <= range.end.character);
  return afterStart && beforeEnd;
}

/**
 * With no selection an action applies to the innermost symbol (from the
 * daemon's document symbols) around the cursor; null when there is none.
 */
export function enclosingRange(symbols: readonly SymbolLike[] | undefined, pos: LspPosition): LspRange | null {
  let best: LspRange | null = null;
  let level = symbols;
  while (level && level.length) {
    const hit = level.find((s) => contains(s.range, pos));
    if (!hit) break;
    best = hit.range;
    level = hit.children;
  }
  return best ? copyRange(best) : null;
}

function copyRange(r: LspRange): LspRange {
  return {
    start: { line: r.start.line, character: r.start.character },
    end: { line: r.end.line, character: r.end.character },
  };
}
