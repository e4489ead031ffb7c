// The extension's LSP wiring against the real daemon, without VS Code: the
// capabilities vscode-languageclient declares, the initializationOptions and
// didChangeConfiguration the extension builds, the progress it tracks and
// the daemon commands it calls. Runs when SWITCHBOARD_BIN names the binary
// (the ctest sets it); skipped otherwise.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn, ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  DidChangeConfigurationNotification,
  DidOpenTextDocumentNotification,
  ExecuteCommandRequest,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  InlineCompletionRequest,
  ProtocolConnection,
  RegistrationRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  WorkDoneProgress,
  WorkDoneProgressCreateRequest,
  ClientCapabilities,
} from 'vscode-languageserver-protocol/node';
import { serverArgs } from '../src/binary';
import { allCommandIds, repoMapArgs, DAEMON } from '../src/commands';
import { isUnknownCommand } from '../src/results';
import { changedSettings, DAEMON_KEYS, initializationOptions } from '../src/settings';
import { formatRescan, formatStatus, parseStatus, ProgressTracker, StatusView } from '../src/status';

const bin = process.env.SWITCHBOARD_BIN;
const skip = bin ? false : 'SWITCHBOARD_BIN is not set';

/** What vscode-languageclient 11 declares for the parts the daemon looks at. */
const CAPABILITIES: ClientCapabilities = {
  general: { positionEncodings: ['utf-16'] },
  window: { workDoneProgress: true },
  workspace: {
    configuration: true,
    workspaceFolders: true,
    didChangeConfiguration: { dynamicRegistration: true },
    didChangeWatchedFiles: { dynamicRegistration: true, relativePatternSupport: true },
    executeCommand: { dynamicRegistration: true },
    applyEdit: true,
  },
  textDocument: {
    synchronization: { dynamicRegistration: true, didSave: true },
    documentSymbol: { dynamicRegistration: true, hierarchicalDocumentSymbolSupport: true },
    hover: { dynamicRegistration: true, contentFormat: ['markdown', 'plaintext'] },
    inlineCompletion: { dynamicRegistration: true },
    completion: { dynamicRegistration: true, completionItem: { snippetSupport: true } },
    publishDiagnostics: { versionSupport: false },
  },
};

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms))),
  ]);
}

/** Every daemon setting the extension contributes, set to its contributed default. */
function allDefaults(): Record<string, unknown> {
  const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', 'package.json'), 'utf8'));
  const props = pkg.contributes.configuration.properties as Record<string, { default?: unknown }>;
  const out: Record<string, unknown> = {};
  for (const key of DAEMON_KEYS) {
    // An empty chatBackend would name no backend; leave it unset like a user would.
    if (key === 'chatBackend') continue;
    out[key] = props[`switchboard.${key}`].default;
  }
  return out;
}

test('the daemon answers the extension the way the extension expects', { skip, timeout: 90_000 }, async () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-vscode-'));
  const ws = path.join(scratch, 'ws');
  fs.mkdirSync(ws);
  const mainPy = 'def hello_world():\n    return greeting_text()\n\n\nhel';
  fs.writeFileSync(path.join(ws, 'main.py'), mainPy);
  fs.writeFileSync(path.join(ws, 'util.py'), 'def greeting_text():\n    return "hi"\n');

  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (/^(OPENAI|ANTHROPIC|OLLAMA)_/.test(k)) delete env[k];
  env.XDG_CONFIG_HOME = path.join(scratch, 'config');
  env.XDG_CACHE_HOME = path.join(scratch, 'cache');

  const child: ChildProcessWithoutNullStreams = spawn(
    bin!,
    serverArgs({ logLevel: 'info', args: ['--index-dir', path.join(scratch, 'index')] }),
    { cwd: ws, env },
  );
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const conn: ProtocolConnection = createProtocolConnection(
    new StreamMessageReader(child.stdout),
    new StreamMessageWriter(child.stdin),
  );

  // The extension's progress handling: create, then $/progress by token.
  const tracker = new ProgressTracker();
  const views: StatusView[] = [];
  let ended!: () => void;
  const indexed = new Promise<void>((resolve) => (ended = resolve));
  conn.onRequest(WorkDoneProgressCreateRequest.type, (params) => {
    tracker.create(params.token);
    conn.onProgress(WorkDoneProgress.type, params.token, (value) => {
      const done = tracker.apply(params.token, value);
      views.push(formatStatus({ daemon: 'running', report: null, progress: tracker.summary() }));
      if (done) ended();
    });
  });
  conn.onRequest(RegistrationRequest.type, () => undefined);
  conn.listen();

  try {
    const explicit = allDefaults();
    const init = await withTimeout(
      conn.sendRequest(InitializeRequest.type, {
        processId: process.pid,
        clientInfo: { name: 'Visual Studio Code', version: '1.91.0' },
        rootUri: pathToFileURL(ws).href,
        workspaceFolders: [{ uri: pathToFileURL(ws).href, name: 'ws' }],
        capabilities: CAPABILITIES,
        initializationOptions: initializationOptions(explicit),
      }),
      10_000,
      'initialize',
    );
    const caps = init.capabilities;
    assert.ok(caps.inlineCompletionProvider, 'inline completion is offered to a client that declares it');
    assert.equal(caps.completionProvider, undefined, 'and completion items are not, so a keystroke costs one model call');
    const commands = caps.executeCommandProvider?.commands ?? [];
    for (const c of [DAEMON.rescan, DAEMON.repoMap]) assert.ok(commands.includes(c), `${c} is listed`);
    for (const id of allCommandIds())
      assert.ok(!commands.includes(id), `${id} would be registered twice in VS Code (the client registers server commands)`);

    conn.sendNotification(InitializedNotification.type, {});
    await withTimeout(indexed, 30_000, 'indexing progress to end');
    assert.equal(tracker.summary(), null);
    assert.ok(views.some((v) => v.text.includes('indexing')), 'the status bar showed indexing');
    assert.ok(!views[views.length - 1].text.includes('indexing'), 'and stopped showing it at the end');

    const uri = pathToFileURL(path.join(ws, 'main.py')).href;
    conn.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: 'python', version: 1, text: mainPy },
    });
    const inline = await withTimeout(
      conn.sendRequest(InlineCompletionRequest.type, {
        textDocument: { uri },
        position: { line: 4, character: 3 },
        context: { triggerKind: 1 },
      }),
      15_000,
      'inline completion',
    );
    const items = Array.isArray(inline) ? inline : (inline?.items ?? []);
    assert.ok(Array.isArray(items));
    // Offline (no model): the best identifier extending the word.
    assert.ok(items.length >= 1, 'an offline completion for "hel"');
    const insert = items[0].insertText;
    assert.equal(typeof insert, 'string');
    assert.match(insert as string, /lo_world$/);

    const map = await withTimeout(
      conn.sendRequest(ExecuteCommandRequest.type, { command: DAEMON.repoMap, arguments: [repoMapArgs(200)] }),
      15_000,
      'repoMap',
    );
    assert.equal(typeof map, 'string');
    assert.match(map as string, /greeting_text/);

    const totals = await withTimeout(
      conn.sendRequest(ExecuteCommandRequest.type, { command: DAEMON.rescan, arguments: [] }),
      30_000,
      'rescan',
    );
    assert.match(formatRescan(totals), /of 2 files/);

    try {
      const status = await withTimeout(
        conn.sendRequest(ExecuteCommandRequest.type, { command: DAEMON.status, arguments: [{}] }),
        15_000,
        'status',
      );
      assert.ok(parseStatus(status), 'switchboard.status answers an object');
    } catch (err) {
      assert.ok(isUnknownCommand(err), `status failed with something else than "unknown command": ${String(err)}`);
    }

    // A setting changed and one removed, as the extension sends them.
    const after: Record<string, unknown> = { ...explicit, 'completion.debounceMs': 150 };
    delete after['cache.ttlMs'];
    conn.sendNotification(DidChangeConfigurationNotification.type, { settings: changedSettings(explicit, after) });
    const again = await withTimeout(
      conn.sendRequest(ExecuteCommandRequest.type, { command: DAEMON.repoMap, arguments: [repoMapArgs(50)] }),
      15_000,
      'repoMap after the settings change',
    );
    assert.equal(typeof again, 'string');

    await withTimeout(conn.sendRequest(ShutdownRequest.type), 10_000, 'shutdown');
    conn.sendNotification(ExitNotification.type);
    assert.equal(await withTimeout(exited, 10_000, 'exit'), 0);
    // Every key the extension sent is one the daemon knows and accepts.
    assert.doesNotMatch(stderr, /initializationOptions|settings:/, stderr);
  } finally {
    conn.dispose();
    if (child.exitCode === null) child.kill();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
});
