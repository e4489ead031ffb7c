// Finding the `switchboard` executable and its command line. No `vscode`
// import: the file system and environment come in as parameters.
import * as path from 'path';

export interface ResolveEnv {
  /** The configured `switchboard.path`; empty or undefined: look on PATH. */
  setting?: string;
  /** PATH (or Path on Windows). */
  pathEnv?: string;
  platform: NodeJS.Platform;
  home?: string;
  /** The first workspace folder, for relative paths and ${workspaceFolder}. */
  workspaceFolder?: string;
  /** Whether a file exists and may be executed. */
  isExecutable: (file: string) => boolean;
}

export type Resolved = { ok: true; path: string } | { ok: false; message: string };

export const DEFAULT_NAME = 'switchboard';

/** Expands ~, ${userHome} and ${workspaceFolder} in a configured path. */
export function expandPath(value: string, env: Pick<ResolveEnv, 'home' | 'workspaceFolder'>): string {
  let out = value.trim();
  if (env.home) {
    if (out === '~' || out.startsWith('~/')) out = env.home + out.slice(1);
    out = out.split('${userHome}').join(env.home);
  }
  if (env.workspaceFolder) out = out.split('${workspaceFolder}').join(env.workspaceFolder);
  return out;
}

/**
 * A bare name ("switchboard") is looked up on PATH; anything with a
 * separator is a file path, relative ones against the first workspace folder.
 */
export function resolveBinary(env: ResolveEnv): Resolved {
  const p = env.platform === 'win32' ? path.win32 : path.posix;
  const configured = env.setting ? expandPath(env.setting, env) : '';
  const name = configured || DEFAULT_NAME;
  const hasSeparator = name.includes('/') || (env.platform === 'win32' && name.includes('\\'));
  if (hasSeparator) {
    let file = name;
    if (!p.isAbsolute(file)) {
      if (!env.workspaceFolder)
        return { ok: false, message: `switchboard.path "${name}" is relative and no folder is open` };
      file = p.resolve(env.workspaceFolder, file);
    }
    if (env.isExecutable(file)) return { ok: true, path: file };
    return { ok: false, message: `switchboard.path "${file}" is not an executable file` };
  }
  const exts = env.platform === 'win32' ? ['.exe', '.cmd', ''] : [''];
  const sep = env.platform === 'win32' ? ';' : ':';
  for (const dir of (env.pathEnv ?? '').split(sep)) {
    if (!dir) continue;
    for (const ext of exts) {
      const file = p.join(dir, name + ext);
      if (env.isExecutable(file)) return { ok: true, path: file };
    }
  }
  return {
    ok: false,
    message:
      `"${name}" was not found on PATH: build Switchboard (cmake --build build) and put build/switchboard ` +
      'on PATH, or set switchboard.path to the executable',
  };
}

/** `switchboard lsp` with the configured log level and extra arguments. */
export function serverArgs(options: { logLevel?: string; args?: readonly string[] }): string[] {
  const out = ['lsp'];
  if (options.logLevel) out.push('--log-level', options.logLevel);
  if (options.args) out.push(...options.args.filter((a) => typeof a === 'string' && a.length > 0));
  return out;
}
