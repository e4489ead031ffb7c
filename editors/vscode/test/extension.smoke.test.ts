// The extension itself (src/extension.ts with the real vscode-languageclient)
// against the real daemon, with a stand-in for the `vscode` module: it
// activates, registers its commands next to the ones the language client
// registers for the daemon, fills the status bar, runs a command and stops.
// Runs when SWITCHBOARD_BIN names the binary; skipped otherwise.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { allCommandIds, DAEMON } from '../src/commands';
import { createVscodeStub } from './vscodeStub';

const bin = process.env.SWITCHBOARD_BIN;
const skip = bin ? false : 'SWITCHBOARD_BIN is not set';

async function until(what: string, ms: number, check: () => boolean, context = () => ''): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${context()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

test('the extension activates, starts the daemon, shows its status and runs a command', { skip, timeout: 60_000 }, async () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-vscode-ext-'));
  const ws = path.join(scratch, 'ws');
  fs.mkdirSync(ws);
  fs.writeFileSync(path.join(ws, 'main.py'), 'def hello_world():\n    return greeting_text()\n');
  fs.writeFileSync(path.join(ws, 'util.py'), 'def greeting_text():\n    return "hi"\n');
  for (const k of Object.keys(process.env)) if (/^(OPENAI|ANTHROPIC|OLLAMA)_/.test(k)) delete process.env[k];
  process.env.XDG_CONFIG_HOME = path.join(scratch, 'config');
  process.env.XDG_CACHE_HOME = path.join(scratch, 'cache');

  const { module: vscode, state } = createVscodeStub(ws);
  state.settings = {
    'switchboard.path': bin,
    'switchboard.args': ['--index-dir', path.join(scratch, 'index')],
    'switchboard.logLevel': 'info',
    'switchboard.statusRefreshSeconds': 0,
    'switchboard.completion.debounceMs': 150,
  };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Module = require('node:module');
  const load = Module._load;
  Module._load = function (request: string, ...rest: unknown[]) {
    return request === 'vscode' ? vscode : load.call(this, request, ...rest);
  };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const extension = require('../src/extension');
  const context = {
    subscriptions: [] as { dispose(): unknown }[],
    globalState: { get: () => undefined, update: async () => undefined },
  };
  try {
    await extension.activate(context);
    assert.deepEqual(state.messages.filter((m) => m.startsWith('error')), []);
    for (const id of allCommandIds()) assert.ok(state.commands.has(id), `${id} is registered`);
    // The language client registered the daemon's own commands beside them.
    assert.ok(state.commands.has(DAEMON.rescan));
    // The client declared inline completion, the daemon offered it, and the
    // client registered VS Code's provider for it (and no completion items).
    assert.ok(state.languageCalls.includes('registerInlineCompletionItemProvider'), state.languageCalls.join(', '));
    assert.ok(!state.languageCalls.includes('registerCompletionItemProvider'), state.languageCalls.join(', '));

    await until(
      'the end of indexing in the status bar',
      20_000,
      () => /Switchboard/.test(state.statusBar.text) && !/spin/.test(state.statusBar.text),
      () =>
        `status bar texts:\n${state.statusHistory.join('\n')}\ntooltip:\n${String(state.statusBar.tooltip)}` +
        `\noutput:\n${state.output.slice(-80).join('\n')}`,
    );
    assert.match(state.statusBar.text, /Switchboard/);

    await state.commands.get('switchboard.rescanWorkspace')!();
    assert.ok(
      state.messages.some((m) => /^info: Switchboard: indexed \d+ of 2 files/.test(m)),
      state.messages.join('\n'),
    );

    // A settings change goes to the running daemon without a restart.
    state.settings['switchboard.completion.debounceMs'] = 200;
    for (const l of state.configListeners) l({ affectsConfiguration: (s) => 'switchboard.completion.debounceMs'.startsWith(s) });

    await state.commands.get('switchboard.explainSelection')!();
    assert.ok(state.messages.some((m) => /^error: Switchboard: Explain: open a file first/.test(m)), state.messages.join('\n'));

    // With an editor the action reaches the daemon; with no model configured
    // (or a daemon without the command yet) it answers with an error that is shown.
    const file = path.join(ws, 'main.py');
    vscode.window.activeTextEditor = {
      document: { uri: vscode.Uri.file(file), lineAt: (l: number) => ({ range: new vscode.Range(l, 0, l, 18) }) },
      selection: Object.assign(new vscode.Range(0, 0, 0, 0), { active: new vscode.Position(0, 4) }),
    };
    state.messages.length = 0;
    await state.commands.get('switchboard.explainSelection')!();
    assert.equal(state.messages.length, 1, state.messages.join('\n'));
    assert.match(state.messages[0], /^error: Switchboard: switchboard\.explain: /);
    state.messages.length = 0;
    state.inputs = [undefined];
    await state.commands.get('switchboard.refactorSelection')!();
    assert.deepEqual(state.messages, [], 'Escape in the instruction box cancels');
    state.inputs = ['inline greeting_text'];
    await state.commands.get('switchboard.refactorSelection')!();
    assert.match(state.messages[0] ?? '', /^error: Switchboard: switchboard\.refactor: /);
  } finally {
    await extension.deactivate();
    for (const d of context.subscriptions) d.dispose();
    Module._load = load;
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  assert.match(state.statusBar.text, /error/, 'the status bar shows the daemon stopped');
});
