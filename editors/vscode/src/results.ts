// What to do with a daemon command's answer. The AI commands' answers are
// not pinned down yet, so this accepts the plausible shapes: text, an object
// carrying text, or a WorkspaceEdit (bare or under `edit`). No `vscode` import.

export type Outcome =
  | { kind: 'none' }
  | { kind: 'text'; text: string; markdown: boolean }
  | { kind: 'edit'; edit: Record<string, unknown>; message?: string }
  | { kind: 'json'; text: string };

const TEXT_FIELDS = ['markdown', 'text', 'explanation', 'message', 'content', 'result'] as const;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isWorkspaceEdit(v: unknown): v is Record<string, unknown> {
  return isObject(v) && (isObject(v.changes) || Array.isArray(v.documentChanges));
}

export function classifyResult(result: unknown): Outcome {
  if (result === null || result === undefined || result === true) return { kind: 'none' };
  if (typeof result === 'string') return result.trim() ? { kind: 'text', text: result, markdown: true } : { kind: 'none' };
  if (isWorkspaceEdit(result)) return { kind: 'edit', edit: result };
  if (isObject(result)) {
    const message = TEXT_FIELDS.map((f) => result[f]).find((v): v is string => typeof v === 'string' && v.trim() !== '');
    // `applied` says the daemon already offered its edit through
    // workspace/applyEdit (true: the editor applied it; false: declined or
    // failed): applying `edit` again would do it twice.
    if (typeof result.applied === 'boolean') {
      if (message !== undefined) return { kind: 'text', text: message, markdown: true };
      return { kind: 'none' };
    }
    if (isWorkspaceEdit(result.edit)) return message ? { kind: 'edit', edit: result.edit, message } : { kind: 'edit', edit: result.edit };
    if (message !== undefined) return { kind: 'text', text: message, markdown: true };
  }
  return { kind: 'json', text: JSON.stringify(result, null, 2) };
}

/** A JSON-RPC error's message for a notification, with the daemon's reason. */
export function errorMessage(command: string, err: unknown): string {
  const e = err as { message?: unknown; code?: unknown } | undefined;
  const message = typeof e?.message === 'string' ? e.message : String(err);
  if (e?.code === -32602 && /unknown command/.test(message))
    return `${command}: this version of the daemon does not have this command (${message})`;
  return `${command}: ${message}`;
}

/** Whether an error says the daemon lacks the command (an older daemon). */
export function isUnknownCommand(err: unknown): boolean {
  const e = err as { message?: unknown; code?: unknown } | undefined;
  return e?.code === -32602 && typeof e.message === 'string' && /unknown command/.test(e.message);
}
