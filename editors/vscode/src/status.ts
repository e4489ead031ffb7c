// The status bar's content: the daemon's `switchboard.status` answer and
// indexing progress ($/progress) turned into text. No `vscode` import.

export type BackendState = 'healthy' | 'failing' | 'open' | 'unknown';

export interface BackendStatus {
  name: string;
  provider: string;
  model: string;
  state: BackendState;
}

export interface WorkflowSummary {
  id: string;
  template?: string;
  state?: string;
  task?: string;
}

export interface StatusReport {
  backends: BackendStatus[];
  index: { state: string; files: number; symbols: number } | null;
  workflows: WorkflowSummary[];
}

const STATES: readonly BackendState[] = ['healthy', 'failing', 'open', 'unknown'];

function str(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}
function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}
function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads a `switchboard.status` answer, tolerating missing or extra fields; null if it is not an object. */
export function parseStatus(raw: unknown): StatusReport | null {
  if (!isObject(raw)) return null;
  const backends: BackendStatus[] = Array.isArray(raw.backends)
    ? raw.backends.filter(isObject).map((b) => ({
        name: str(b.name) || str(b.provider) || '?',
        provider: str(b.provider),
        model: str(b.model),
        state: STATES.includes(b.state as BackendState) ? (b.state as BackendState) : 'unknown',
      }))
    : [];
  const index = isObject(raw.index)
    ? { state: str(raw.index.state) || 'unknown', files: num(raw.index.files), symbols: num(raw.index.symbols) }
    : null;
  const workflows: WorkflowSummary[] = Array.isArray(raw.workflows)
    ? raw.workflows.filter(isObject).map((w) => {
        const out: WorkflowSummary = { id: str(w.id) };
        if (w.template !== undefined) out.template = str(w.template);
        if (w.state !== undefined) out.state = str(w.state);
        if (w.task !== undefined) out.task = str(w.task);
        return out;
      })
    : [];
  return { backends, index, workflows };
}

/** A workflow still going (anything not finished, failed or cancelled). */
export function isActiveWorkflow(w: WorkflowSummary): boolean {
  const s = (w.state ?? '').toLowerCase();
  return !['done', 'completed', 'complete', 'succeeded', 'success', 'failed', 'error', 'cancelled', 'canceled'].includes(s);
}

export function describeWorkflow(w: WorkflowSummary): string {
  const head = [w.template, w.id].filter(Boolean).join(' ');
  const tail = [w.state, w.task].filter(Boolean).join(': ');
  return tail ? `${head} (${tail})` : head;
}

// ---- $/progress ----

export interface WorkDoneValue {
  kind: 'begin' | 'report' | 'end';
  title?: string;
  message?: string;
  percentage?: number;
}

export interface ProgressSummary {
  title: string;
  message: string;
  /** Of the least advanced task, when every task reports one. */
  percentage?: number;
  tasks: number;
}

interface Task {
  title: string;
  message: string;
  percentage?: number;
}

/** Work-done progress by token, from window/workDoneProgress/create to the "end" value. */
export class ProgressTracker {
  private readonly tasks = new Map<string, Task>();

  create(token: string | number): void {
    const key = String(token);
    if (!this.tasks.has(key)) this.tasks.set(key, { title: '', message: '' });
  }

  /** Applies one $/progress value; returns true when that task ended. */
  apply(token: string | number, value: WorkDoneValue): boolean {
    const key = String(token);
    if (value.kind === 'end') return this.tasks.delete(key);
    const task = this.tasks.get(key) ?? { title: '', message: '' };
    if (value.kind === 'begin' && value.title !== undefined) task.title = value.title;
    if (value.message !== undefined) task.message = value.message;
    if (typeof value.percentage === 'number') task.percentage = value.percentage;
    this.tasks.set(key, task);
    return false;
  }

  clear(): void {
    this.tasks.clear();
  }

  summary(): ProgressSummary | null {
    const tasks = [...this.tasks.values()];
    if (!tasks.length) return null;
    const first = tasks[0];
    const pcts = tasks.map((t) => t.percentage);
    const percentage = pcts.every((p): p is number => typeof p === 'number') ? Math.min(...pcts) : undefined;
    const out: ProgressSummary = { title: first.title, message: first.message, tasks: tasks.length };
    if (percentage !== undefined) out.percentage = Math.round(percentage);
    return out;
  }
}

/**
 * The daemon says it is indexing but sent no progress to watch (a refresh
 * another component started, or a daemon without $/progress): the status
 * must be asked again, or the bar would spin until the next periodic refresh.
 */
export function statusNeedsFollowUp(report: StatusReport | null, progress: ProgressSummary | null): boolean {
  return !progress && report?.index?.state.toLowerCase() === 'indexing';
}

// ---- the status bar item ----

export type DaemonState = 'starting' | 'running' | 'stopped' | 'failed';

export interface StatusInput {
  daemon: DaemonState;
  report: StatusReport | null;
  progress: ProgressSummary | null;
  /** Why the daemon is not running, or why status failed. */
  error?: string;
}

export interface StatusView {
  text: string;
  tooltip: string;
  severity: 'ok' | 'busy' | 'warning' | 'error';
}

export function formatStatus(input: StatusInput): StatusView {
  const lines: string[] = [];
  if (input.daemon === 'starting') return { text: '$(loading~spin) Switchboard', tooltip: 'Starting the daemon', severity: 'busy' };
  if (input.daemon === 'stopped' || input.daemon === 'failed') {
    return {
      text: '$(error) Switchboard',
      tooltip: input.error ? `The daemon is not running: ${input.error}` : 'The daemon is not running',
      severity: 'error',
    };
  }

  const report = input.report;
  const backends = report?.backends ?? [];
  const down = backends.filter((b) => b.state === 'failing' || b.state === 'open');
  if (report) {
    lines.push(backends.length ? 'Models:' : 'No model configured: completions come from the index only');
    for (const b of backends) {
      const what = [b.provider, b.model].filter(Boolean).join(', ');
      lines.push(`  ${b.name}${what ? ` (${what})` : ''}: ${stateText(b.state)}`);
    }
    if (report.index)
      lines.push(`Index: ${report.index.state}, ${report.index.files} files, ${report.index.symbols} symbols`);
  } else if (input.error) {
    lines.push(`Status unavailable: ${input.error}`);
  }
  const active = report ? report.workflows.filter(isActiveWorkflow) : [];
  for (const w of active) lines.push(`Workflow ${describeWorkflow(w)}`);

  let icon = '$(check)';
  let severity: StatusView['severity'] = 'ok';
  let detail = '';
  if (report && !backends.length) {
    icon = '$(circle-slash)';
    detail = 'no model';
  } else if (down.length) {
    icon = '$(warning)';
    severity = down.length === backends.length ? 'error' : 'warning';
    detail = down.length === backends.length ? 'models down' : `${down.length}/${backends.length} models down`;
  }
  const progress = input.progress;
  if (progress) {
    icon = '$(sync~spin)';
    severity = severity === 'ok' ? 'busy' : severity;
    detail = progress.percentage !== undefined ? `indexing ${progress.percentage}%` : 'indexing';
    lines.unshift([progress.title, progress.message].filter(Boolean).join(': ') || 'Indexing');
  } else if (report?.index && report.index.state.toLowerCase() === 'indexing') {
    icon = '$(sync~spin)';
    detail = 'indexing';
  }
  if (active.length) detail = [detail, `${active.length} workflow${active.length > 1 ? 's' : ''}`].filter(Boolean).join(', ');
  lines.push('Click for Switchboard actions');
  return { text: `${icon} Switchboard${detail ? `: ${detail}` : ''}`, tooltip: lines.join('\n'), severity };
}

function stateText(s: BackendState): string {
  switch (s) {
    case 'healthy':
      return 'healthy';
    case 'failing':
      return 'failing (recent requests failed)';
    case 'open':
      return 'circuit open (skipped until the cooldown ends)';
    default:
      return 'not used yet';
  }
}

/** The answer of switchboard.rescan (one total per workspace folder) as one sentence. */
export function formatRescan(totals: unknown): string {
  const list = (Array.isArray(totals) ? totals : [totals]).filter(isObject);
  if (!list.length) return 'rescan finished';
  const sum = (k: string) => list.reduce((n, t) => n + num(t[k]), 0);
  const seconds = Math.max(...list.map((t) => num(t.seconds)));
  const folders = list.length > 1 ? ` in ${list.length} folders` : '';
  return (
    `indexed ${sum('indexed')} of ${sum('files')} files${folders} ` +
    `(${sum('unchanged')} unchanged, ${sum('removed')} removed) in ${seconds.toFixed(1)} s`
  );
}
