// Mapping from the extension's `switchboard.*` settings to what the daemon
// reads in initializationOptions and workspace/didChangeConfiguration: the
// configuration file's object (docs/configuration.md), under "switchboard".
// No `vscode` import here, so it runs under node's test runner.

/** Settings that configure the extension itself, never sent to the daemon. */
export const EXTENSION_ONLY_KEYS = ['path', 'args', 'logLevel', 'trace.server', 'statusRefreshSeconds', 'repoMap.tokens'] as const;

/**
 * The daemon settings the extension contributes, as dotted keys under
 * `switchboard.`. `backends` is one array-valued setting; the objects
 * `cache` and `completion` are one setting per field so each shows in the
 * Settings editor; `agents` is one object-valued setting per member (roles,
 * limits, workflows), edited in settings.json.
 */
export const DAEMON_KEYS = [
  'backends',
  'chatBackend',
  'cache.path',
  'cache.ttlMs',
  'cache.maxEntries',
  'cache.maxTemperature',
  'cache.cacheStreamed',
  'completion.enabled',
  'completion.fimTemplate',
  'completion.maxTokens',
  'completion.temperature',
  'completion.debounceMs',
  'completion.prefixTokens',
  'completion.suffixTokens',
  'completion.contextTokens',
  'completion.repoMapTokens',
  'completion.stop',
  'agents.roles',
  'agents.limits',
  'agents.workflows',
] as const;

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/**
 * Builds the daemon's settings object from the values the user set
 * explicitly (dotted key -> value; a key that is absent or undefined was not
 * set). Only explicit values are sent: a contributed default would otherwise
 * override the user's and the workspace's configuration files, which rank
 * below the editor.
 */
export function daemonSettings(explicit: Record<string, unknown>): JsonObject {
  const out: JsonObject = {};
  for (const key of DAEMON_KEYS) {
    const value = explicit[key];
    if (value === undefined) continue;
    setPath(out, key, value as Json);
  }
  return out;
}

/** initializationOptions for `initialize`. */
export function initializationOptions(explicit: Record<string, unknown>): { switchboard: JsonObject } {
  return { switchboard: daemonSettings(explicit) };
}

/**
 * The `settings` of a workspace/didChangeConfiguration after the explicit
 * values went from `before` to `after`. Everything set is sent again (the
 * daemon merges it over its files); a key that was set and no longer is is
 * sent as null, which the daemon takes as "back to the built-in default".
 */
export function changedSettings(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): { switchboard: JsonObject } {
  const out = daemonSettings(after);
  for (const key of DAEMON_KEYS)
    if (before[key] !== undefined && after[key] === undefined) setPath(out, key, null);
  return { switchboard: out };
}

/** Whether a change to the dotted key needs the daemon restarted (it changes the command line). */
export function needsRestart(key: string): boolean {
  return key === 'path' || key === 'args' || key === 'logLevel';
}

function setPath(target: JsonObject, dotted: string, value: Json): void {
  const parts = dotted.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (next === undefined || next === null || typeof next !== 'object' || Array.isArray(next)) node[part] = {};
    node = node[part] as JsonObject;
  }
  node[parts[parts.length - 1]] = value;
}
