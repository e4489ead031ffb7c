// The extension itself (src/extension.ts with the real vscode-languageclient)
// against the real daemon, with a stand-in for the `vscode` module: it
// activates, registers its commands next to the ones the language client
// registers for the daemon, fills the status bar, writes the daemon's log at
// its levels, runs the AI actions and the workflow commands (against
// sb_fake_backend_server) and stops.
// Runs when SWITCHBOARD_BIN names the binary; skipped otherwise.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn, ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { allCommandIds, DAEMON } from '../src/commands';
import { createVscodeStub } from './vscodeStub';

const bin = process.env.SWITCHBOARD_BIN;
const fakeBackend = process.env.SWITCHBOARD_FAKE_BACKEND;
const skip = bin ? false : 'SWITCHBOARD_BIN is not set';

/** Starts sb_fake_backend_server with every reply held back `delayMs`; resolves to it and its URL. */
function startFakeBackend(file: string, delayMs: number): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(file, ['--delay-ms', String(delayMs), 'No findings.'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('the fake backend printed no URL')), 10_000);
    child.on('error', reject);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n')) {
        clearTimeout(timer);
        resolve({ child, url: line.trim() });
      }
    });
  });
}

async function until(what: string, ms: number, check: () => boolean, context = () => ''): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${context()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

test('the extension activates, starts the daemon, shows its status and log, and runs its commands', { skip, timeout: 90_000 }, async () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-vscode-ext-'));
  const ws = path.join(scratch, 'ws');
  fs.mkdirSync(ws);
  fs.writeFileSync(path.join(ws, 'main.py'), 'def hello_world():\n    return greeting_text()\n');
  fs.writeFileSync(path.join(ws, 'util.py'), 'def greeting_text():\n    return "hi"\n');
  // A workspace file choosing the cache's path: ignored unless the user trusts workspace files.
  fs.mkdirSync(path.join(ws, '.switchboard'));
  const cacheFile = path.join(scratch, 'ws-cache.sqlite');
  fs.writeFileSync(path.join(ws, '.switchboard', 'config.json'), JSON.stringify({ cache: { path: cacheFile } }));
  for (const k of Object.keys(process.env)) if (/^(OPENAI|ANTHROPIC|OLLAMA)_/.test(k)) delete process.env[k];
  process.env.XDG_CONFIG_HOME = path.join(scratch, 'config');
  process.env.XDG_CACHE_HOME = path.join(scratch, 'cache');
  process.env.XDG_STATE_HOME = path.join(scratch, 'state'); // the workflow store

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
  let backend: ChildProcess | undefined;
  const runWorkflowCommands = async (fakeBackendFile: string) => {
    // Workflows, with a backend set in the settings at run time: its replies
    // are held back long enough to see the workflow running and cancel it.
    const fake = await startFakeBackend(fakeBackendFile, 4000);
    backend = fake.child;
    state.settings['switchboard.backends'] = [{ name: 'fake', provider: 'openai', baseUrl: `${fake.url}/v1`, model: 'fake' }];
    for (const l of state.configListeners) l({ affectsConfiguration: (s) => 'switchboard.backends'.startsWith(s) });

    state.messages.length = 0;
    state.inputs = ['review', 'Review main.py'];
    await state.commands.get('switchboard.startWorkflow')!();
    const started = /^info: Switchboard: workflow (\S+) started$/.exec(state.messages[0] ?? '');
    assert.ok(started, state.messages.join('\n'));
    const id = started[1];

    await state.commands.get('switchboard.showWorkflows')!();
    const shown = state.documents.at(-1);
    assert.ok(shown, `no document opened; messages:\n${state.messages.join('\n')}`);
    const listed = JSON.parse(shown.content) as { workflows: { id: string; template: string; state: string }[] };
    const mine = listed.workflows.find((w) => w.id === id);
    assert.ok(mine, shown.content);
    assert.equal(mine.template, 'review');
    assert.equal(mine.state, 'running');

    state.picks = [id];
    await state.commands.get('switchboard.stopWorkflow')!();
    assert.deepEqual(state.pickOffers.at(-1), [id], 'the running workflow is offered');
    assert.ok(state.messages.includes(`info: Switchboard: workflow ${id} cancelled`), state.messages.join('\n'));
    // The daemon's own workflowStatus, through the command the language client registered for it.
    let last: { state?: string } = {};
    for (const end = Date.now() + 15_000; last.state !== 'cancelled' && Date.now() < end; ) {
      await new Promise((r) => setTimeout(r, 100));
      last = (await state.commands.get(DAEMON.workflowStatus)!({ id })) as { state?: string };
    }
    assert.equal(last.state, 'cancelled', JSON.stringify(last));
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

    // The daemon's log reaches the output channel at its own level, without spdlog's prefix.
    const logged = () => `output:\n${state.output.slice(-40).join('\n')}`;
    assert.ok(state.output.some((l) => /^info: \[[^\]]+\] initialize from /.test(l)), logged());
    assert.ok(!state.output.some((l) => /^error: .*initialize from/.test(l)), logged());
    assert.ok(!state.output.some((l) => /^\w+: \[\d{4}-\d\d-\d\d /.test(l)), logged());

    await state.commands.get('switchboard.rescanWorkspace')!();
    assert.ok(
      state.messages.some((m) => /^info: Switchboard: indexed \d+ of 3 files/.test(m)),
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

    // Workflows need sb_fake_backend_server (SWITCHBOARD_FAKE_BACKEND).
    if (fakeBackend) await runWorkflowCommands(fakeBackend);

    // The workspace file's cache.path was dropped; trusting workspace files
    // (a user setting) restarts the daemon, which then takes it.
    const untrusted = /warn: settings: .*cache\.path ignored: a workspace file may not choose servers/;
    assert.ok(state.output.some((l) => untrusted.test(l)), logged());
    const starts = () => state.output.filter((l) => / initialize from /.test(l)).length;
    const before = state.output.length;
    state.settings['switchboard.trustWorkspaceConfig'] = true;
    for (const l of state.configListeners) l({ affectsConfiguration: (s) => 'switchboard.trustWorkspaceConfig'.startsWith(s) });
    await until('the daemon restarted', 20_000, () => starts() === 2, logged);
    assert.ok(!state.output.slice(before).some((l) => untrusted.test(l)), logged());
  } finally {
    await extension.deactivate();
    backend?.kill();
    for (const d of context.subscriptions) d.dispose();
    Module._load = load;
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  assert.match(state.statusBar.text, /error/, 'the status bar shows the daemon stopped');
});
