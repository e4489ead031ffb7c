// The VS Code side: starts `switchboard lsp` through vscode-languageclient,
// keeps the daemon's settings in step with VS Code's, and offers the AI
// actions, workflows and a status bar item. The logic that can be tested
// without VS Code lives in the other modules of src/.
import * as fs from 'fs';
import * as os from 'os';
import * as readline from 'readline';
import type { Readable } from 'stream';
import * as vscode from 'vscode';
import {
  ExecuteCommandRequest,
  FeatureState,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  State,
  StaticFeature,
  WorkDoneProgress,
  WorkDoneProgressCreateRequest,
  DidChangeConfigurationNotification,
  ClientCapabilities,
} from 'vscode-languageclient/node';
import { resolveBinary, serverArgs } from './binary';
import { LANGUAGES } from './languages';
import {
  AI_ACTIONS,
  AiAction,
  DAEMON,
  OTHER_COMMANDS,
  cancelWorkflowArgs,
  enclosingRange,
  repoMapArgs,
  selectionArgs,
  validateRequiredText,
  workflowArgs,
  workflowStatusArgs,
} from './commands';
import { logRouter } from './log';
import { classifyResult, errorMessage, isUnknownCommand } from './results';
import {
  changedSettings,
  DAEMON_KEYS,
  EXTENSION_ONLY_KEYS,
  PROCESS_KEYS,
  daemonEnvironment,
  initializationOptions,
  needsRestart,
} from './settings';
import {
  DaemonState,
  ProgressTracker,
  StatusReport,
  describeWorkflow,
  formatRescan,
  formatStatus,
  isActiveWorkflow,
  parseStatus,
  statusNeedsFollowUp,
} from './status';

const SECTION = 'switchboard';

let controller: Controller | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  controller = new Controller(context);
  controller.registerCommands();
  await controller.start();
}

export async function deactivate(): Promise<void> {
  await controller?.stop();
  controller = undefined;
}

/**
 * Replaces the client's own handling of window/workDoneProgress/create (it
 * is initialized after the built-in features, so its handler wins) to feed
 * the status bar, and shows the same progress in the window.
 */
class ProgressListener implements StaticFeature {
  constructor(
    private readonly client: LanguageClient,
    private readonly owner: Controller,
  ) {}

  fillClientCapabilities(capabilities: ClientCapabilities): void {
    capabilities.window = capabilities.window ?? {};
    capabilities.window.workDoneProgress = true;
  }

  initialize(): void {
    this.client.onRequest(WorkDoneProgressCreateRequest.type, (params) => {
      const token = params.token;
      this.owner.tracker.create(token);
      // The window's progress; the "end" may come before withProgress runs its task.
      let ended = false;
      let finish: () => void = () => undefined;
      let report: ((message: string) => void) | undefined;
      void vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Switchboard' }, (progress) => {
        report = (message) => progress.report({ message });
        return ended ? Promise.resolve() : new Promise<void>((resolve) => (finish = resolve));
      });
      const sub = this.client.onProgress(WorkDoneProgress.type, token, (value) => {
        ended = this.owner.tracker.apply(token, value);
        const text = [value.kind === 'begin' ? value.title : '', value.message].filter(Boolean).join(': ');
        if (report && text) report(text);
        if (ended) {
          sub.dispose();
          finish();
          void this.owner.refreshStatus();
        }
        this.owner.render();
      });
    });
  }

  getState(): FeatureState {
    return { kind: 'static' };
  }

  clear(): void {
    this.owner.tracker.clear();
  }
}

class Controller {
  readonly tracker = new ProgressTracker();
  private client: LanguageClient | undefined;
  private readonly output: vscode.LogOutputChannel;
  private readonly traceOutput: vscode.LogOutputChannel;
  private readonly item: vscode.StatusBarItem;
  private daemon: DaemonState = 'stopped';
  private error: string | undefined;
  private report: StatusReport | null = null;
  private rawStatus: unknown;
  private sent: Record<string, unknown> = {};
  private timer: NodeJS.Timeout | undefined;
  private followUp: NodeJS.Timeout | undefined;

  constructor(private readonly context: vscode.ExtensionContext) {
    this.output = vscode.window.createOutputChannel('Switchboard', { log: true });
    this.traceOutput = vscode.window.createOutputChannel('Switchboard (LSP trace)', { log: true });
    this.item = vscode.window.createStatusBarItem('switchboard.status', vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'Switchboard';
    this.item.command = OTHER_COMMANDS.showStatus.id;
    this.item.show();
    context.subscriptions.push(this.output, this.traceOutput, this.item);
    context.subscriptions.push(vscode.workspace.onDidChangeConfiguration((e) => this.onConfigurationChanged(e)));
    this.render();
  }

  // ---- lifecycle ----

  async start(): Promise<void> {
    const cfg = vscode.workspace.getConfiguration(SECTION);
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const resolved = resolveBinary({
      setting: cfg.get<string>('path'),
      pathEnv: process.env.PATH ?? process.env.Path,
      platform: process.platform,
      home: os.homedir(),
      workspaceFolder: folder,
      isExecutable,
    });
    if (!resolved.ok) {
      this.setDaemon('failed', resolved.message);
      this.output.appendLine(resolved.message);
      const open = 'Open Settings';
      void vscode.window.showErrorMessage(`Switchboard: ${resolved.message}`, open).then((choice) => {
        if (choice === open) void vscode.commands.executeCommand('workbench.action.openSettings', 'switchboard.path');
      });
      return;
    }
    const serverOptions: ServerOptions = {
      command: resolved.path,
      args: serverArgs({ logLevel: cfg.get<string>('logLevel') || undefined, args: cfg.get<string[]>('args') ?? [] }),
      options: { ...(folder ? { cwd: folder } : {}), env: daemonEnvironment(process.env, this.processSettings()) },
    };
    this.sent = this.explicitSettings();
    const clientOptions: LanguageClientOptions = {
      documentSelector: LANGUAGES.flatMap((language) => [
        { scheme: 'file', language },
        { scheme: 'untitled', language },
      ]),
      // A function, so a restart after a crash sends the settings of that moment.
      initializationOptions: () => initializationOptions(this.sent),
      outputChannel: this.output,
      traceOutputChannel: this.traceOutput,
      // The daemon's log at its own levels (the client's default records every stderr line as an error).
      stdioOptions: { stdout: forwardLines, stderr: forwardLines },
    };
    const client = new LanguageClient(SECTION, 'Switchboard', serverOptions, clientOptions);
    client.registerFeature(new ProgressListener(client, this));
    client.onDidChangeState((e) => {
      if (this.client !== client) return; // an old client stopping after a restart
      if (e.newState === State.Running) {
        this.setDaemon('running');
        void this.refreshStatus();
      } else if (e.newState === State.Starting) this.setDaemon('starting');
      else this.setDaemon('stopped');
    });
    this.client = client;
    this.setDaemon('starting');
    try {
      await client.start();
    } catch (err) {
      this.setDaemon('failed', err instanceof Error ? err.message : String(err));
      this.output.appendLine(`Could not start ${resolved.path}: ${this.error}`);
      return;
    }
    await this.refreshStatus();
    this.restartTimer();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.followUp) clearTimeout(this.followUp);
    this.followUp = undefined;
    const client = this.client;
    this.client = undefined;
    this.tracker.clear();
    this.report = null;
    if (client) {
      try {
        await client.stop(5000);
      } catch (err) {
        this.output.appendLine(`Stopping the daemon: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    this.setDaemon('stopped');
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  private restartTimer(): void {
    if (this.timer) clearInterval(this.timer);
    const seconds = vscode.workspace.getConfiguration(SECTION).get<number>('statusRefreshSeconds') ?? 30;
    this.timer = seconds > 0 ? setInterval(() => void this.refreshStatus(), seconds * 1000) : undefined;
  }

  /** The daemon settings the user set explicitly, by dotted key (defaults are not sent). */
  private explicitSettings(): Record<string, unknown> {
    const cfg = vscode.workspace.getConfiguration(SECTION);
    const out: Record<string, unknown> = {};
    for (const key of DAEMON_KEYS) {
      const i = cfg.inspect(key);
      const value = i?.workspaceFolderValue ?? i?.workspaceValue ?? i?.globalValue;
      if (value !== undefined) out[key] = value;
    }
    return out;
  }

  /**
   * The settings that reach the daemon through its environment, from the
   * user's settings only: a workspace's own settings may not trust the
   * workspace (its .switchboard/config.json could send code and keys elsewhere).
   */
  private processSettings(): Record<string, unknown> {
    const cfg = vscode.workspace.getConfiguration(SECTION);
    const out: Record<string, unknown> = {};
    for (const key of PROCESS_KEYS) out[key] = cfg.inspect(key)?.globalValue;
    return out;
  }

  private onConfigurationChanged(e: vscode.ConfigurationChangeEvent): void {
    if (!e.affectsConfiguration(SECTION)) return;
    const restartKeys = [...EXTENSION_ONLY_KEYS, ...PROCESS_KEYS].filter(needsRestart);
    if (restartKeys.some((k) => e.affectsConfiguration(`${SECTION}.${k}`))) {
      void this.restart();
      return;
    }
    if (e.affectsConfiguration(`${SECTION}.statusRefreshSeconds`)) this.restartTimer();
    if (!DAEMON_KEYS.some((k) => e.affectsConfiguration(`${SECTION}.${k}`))) return;
    const now = this.explicitSettings();
    const settings = changedSettings(this.sent, now);
    this.sent = now;
    if (this.client?.isRunning())
      void this.client.sendNotification(DidChangeConfigurationNotification.type, { settings }).then(
        () => this.refreshStatus(),
        (err) => this.output.appendLine(`Sending settings: ${String(err)}`),
      );
  }

  // ---- status ----

  private setDaemon(state: DaemonState, error?: string): void {
    this.daemon = state;
    this.error = error;
    if (state !== 'running') this.report = null;
    this.render();
  }

  render(): void {
    const view = formatStatus({
      daemon: this.daemon,
      report: this.report,
      progress: this.tracker.summary(),
      error: this.error,
    });
    this.item.text = view.text;
    this.item.tooltip = view.tooltip;
    this.item.backgroundColor =
      view.severity === 'error'
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : view.severity === 'warning'
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
  }

  async refreshStatus(): Promise<void> {
    if (!this.client?.isRunning()) return;
    try {
      this.rawStatus = await this.execute(DAEMON.status, {});
      this.report = parseStatus(this.rawStatus);
      this.error = undefined;
    } catch (err) {
      this.report = null;
      // An older daemon has no status command: show it as running, without detail.
      this.error = isUnknownCommand(err) ? 'this daemon has no switchboard.status' : errorMessage(DAEMON.status, err);
    }
    this.render();
    if (!this.followUp && statusNeedsFollowUp(this.report, this.tracker.summary()))
      this.followUp = setTimeout(() => {
        this.followUp = undefined;
        void this.refreshStatus();
      }, 1000);
  }

  // ---- commands ----

  registerCommands(): void {
    const reg = (id: string, fn: () => Promise<void>) =>
      this.context.subscriptions.push(
        vscode.commands.registerCommand(id, async () => {
          try {
            await fn();
          } catch (err) {
            void vscode.window.showErrorMessage(`Switchboard: ${err instanceof Error ? err.message : String(err)}`);
          }
        }),
      );
    for (const action of AI_ACTIONS) reg(action.id, () => this.runAction(action));
    reg(OTHER_COMMANDS.startWorkflow.id, () => this.startWorkflow());
    reg(OTHER_COMMANDS.showWorkflows.id, () => this.showWorkflows());
    reg(OTHER_COMMANDS.stopWorkflow.id, () => this.stopWorkflow());
    reg(OTHER_COMMANDS.showStatus.id, () => this.showStatusMenu());
    reg(OTHER_COMMANDS.rescanWorkspace.id, () => this.rescan());
    reg(OTHER_COMMANDS.showRepoMap.id, () => this.showRepoMap());
    reg(OTHER_COMMANDS.restart.id, () => this.restart());
    reg(OTHER_COMMANDS.showLog.id, async () => this.output.show(true));
  }

  private requireClient(): LanguageClient {
    if (!this.client?.isRunning())
      throw new Error(this.error ? `the daemon is not running: ${this.error}` : 'the daemon is not running');
    return this.client;
  }

  /** workspace/executeCommand with one argument object (none when undefined). */
  private execute(command: string, arg?: object, token?: vscode.CancellationToken): Promise<unknown> {
    const client = this.requireClient();
    return client.sendRequest(
      ExecuteCommandRequest.type,
      { command, arguments: arg === undefined ? [] : [arg] },
      token,
    );
  }

  /** Runs a daemon command with a cancellable notification, reporting errors by name. */
  private async executeWithProgress(title: string, command: string, arg?: object): Promise<unknown | undefined> {
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Switchboard: ${title}`, cancellable: true },
      async (_progress, token) => {
        try {
          return await this.execute(command, arg, token);
        } catch (err) {
          if (token.isCancellationRequested) return undefined;
          throw new Error(errorMessage(command, err));
        }
      },
    );
  }

  private async runAction(action: AiAction): Promise<void> {
    const client = this.requireClient();
    const editor = vscode.window.activeTextEditor;
    if (!editor) throw new Error(`${action.title}: open a file first`);
    const doc = editor.document;
    let range: vscode.Range = editor.selection;
    if (editor.selection.isEmpty) {
      const symbols = await vscode.commands.executeCommand<(vscode.DocumentSymbol | vscode.SymbolInformation)[]>(
        'vscode.executeDocumentSymbolProvider',
        doc.uri,
      );
      const tree = (symbols ?? []).map((s) => ('children' in s ? s : { range: s.location.range }));
      const r = enclosingRange(tree, editor.selection.active);
      range = r
        ? new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character)
        : doc.lineAt(editor.selection.active.line).range;
    }
    let instruction: string | undefined;
    if (action.asksInstruction) {
      instruction = await vscode.window.showInputBox({
        title: `Switchboard: ${action.title.replace(/\.\.\.$/, '')}`,
        prompt: 'What should change?',
        placeHolder: 'e.g. extract the parsing into its own function',
        ignoreFocusOut: true,
        validateInput: (v) => validateRequiredText(v, 'instruction'),
      });
      if (instruction === undefined) return;
    }
    const args = selectionArgs(
      client.code2ProtocolConverter.asUri(doc.uri),
      client.code2ProtocolConverter.asRange(range),
      instruction,
    );
    const result = await this.executeWithProgress(action.title.replace(/\.\.\.$/, ''), action.daemon, args);
    await this.showResult(action.title.replace(/\.\.\.$/, ''), result);
  }

  private async showResult(title: string, result: unknown): Promise<void> {
    const outcome = classifyResult(result);
    switch (outcome.kind) {
      case 'none':
        void vscode.window.showInformationMessage(`Switchboard: ${title}: done`);
        return;
      case 'text':
        await openBeside(outcome.text, outcome.markdown ? 'markdown' : 'plaintext');
        return;
      case 'json':
        await openBeside(outcome.text, 'json');
        return;
      case 'edit': {
        const edit = await this.requireClient().protocol2CodeConverter.asWorkspaceEdit(outcome.edit);
        const applied = await vscode.workspace.applyEdit(edit);
        if (!applied) throw new Error(`${title}: VS Code did not apply the edit`);
        if (outcome.message) await openBeside(outcome.message, 'markdown');
        return;
      }
    }
  }

  private async startWorkflow(): Promise<void> {
    const last = this.context.globalState.get<string>('switchboard.lastWorkflowTemplate') ?? '';
    const template = await vscode.window.showInputBox({
      title: 'Switchboard: Run Workflow (1/2)',
      prompt: 'Workflow template',
      value: last,
      ignoreFocusOut: true,
      validateInput: (v) => validateRequiredText(v, 'template name'),
    });
    if (template === undefined) return;
    const task = await vscode.window.showInputBox({
      title: 'Switchboard: Run Workflow (2/2)',
      prompt: `Task for the ${template.trim()} workflow`,
      ignoreFocusOut: true,
      validateInput: (v) => validateRequiredText(v, 'task'),
    });
    if (task === undefined) return;
    const args = workflowArgs(template, task);
    await this.context.globalState.update('switchboard.lastWorkflowTemplate', args.template);
    const result = (await this.executeWithProgress('Run Workflow', DAEMON.runWorkflow, args)) as { id?: unknown } | undefined;
    const id = result && (typeof result.id === 'string' || typeof result.id === 'number') ? String(result.id) : '';
    await this.refreshStatus();
    if (!id) return this.showResult('Run Workflow', result);
    const status = 'Show Status';
    const cancel = 'Cancel Workflow';
    const choice = await vscode.window.showInformationMessage(`Switchboard: workflow ${id} started`, status, cancel);
    if (choice === status) await this.showResult('Workflow Status', await this.execute(DAEMON.workflowStatus, workflowStatusArgs(id)));
    if (choice === cancel) await this.execute(DAEMON.cancelWorkflow, cancelWorkflowArgs(id));
  }

  private async showWorkflows(): Promise<void> {
    const result = await this.executeWithProgress('Workflow Status', DAEMON.workflowStatus, workflowStatusArgs());
    await this.showResult('Workflow Status', result);
  }

  private async stopWorkflow(): Promise<void> {
    await this.refreshStatus();
    const active = (this.report?.workflows ?? []).filter(isActiveWorkflow);
    let id: string | undefined;
    if (active.length) {
      const pick = await vscode.window.showQuickPick(
        active.map((w) => ({ label: w.id, description: describeWorkflow(w) })),
        { title: 'Switchboard: Cancel Workflow', placeHolder: 'Workflow to cancel' },
      );
      id = pick?.label;
    } else {
      id = await vscode.window.showInputBox({
        title: 'Switchboard: Cancel Workflow',
        prompt: 'Workflow id',
        validateInput: (v) => validateRequiredText(v, 'workflow id'),
      });
    }
    if (!id) return;
    await this.execute(DAEMON.cancelWorkflow, cancelWorkflowArgs(id.trim()));
    void vscode.window.showInformationMessage(`Switchboard: workflow ${id} cancelled`);
    await this.refreshStatus();
  }

  private async rescan(): Promise<void> {
    const totals = await this.executeWithProgress('Rescan Workspace', DAEMON.rescan);
    if (totals !== undefined) void vscode.window.showInformationMessage(`Switchboard: ${formatRescan(totals)}`);
    await this.refreshStatus();
  }

  private async showRepoMap(): Promise<void> {
    const tokens = vscode.workspace.getConfiguration(SECTION).get<number>('repoMap.tokens') ?? 1024;
    const map = await this.executeWithProgress('Repository Map', DAEMON.repoMap, repoMapArgs(tokens));
    if (typeof map === 'string') await openBeside(map, 'plaintext');
    else await this.showResult('Repository Map', map);
  }

  private async showStatusMenu(): Promise<void> {
    await this.refreshStatus();
    const view = formatStatus({ daemon: this.daemon, report: this.report, progress: this.tracker.summary(), error: this.error });
    type Item = vscode.QuickPickItem & { run: () => Promise<void> };
    const items: Item[] = [];
    if (this.rawStatus !== undefined && this.report)
      items.push({ label: '$(info) Status details', run: () => openBeside(JSON.stringify(this.rawStatus, null, 2), 'json') });
    items.push(
      { label: `$(output) ${OTHER_COMMANDS.showLog.title}`, run: async () => this.output.show(true) },
      { label: `$(debug-restart) ${OTHER_COMMANDS.restart.title}`, run: () => this.restart() },
      { label: `$(refresh) ${OTHER_COMMANDS.rescanWorkspace.title}`, run: () => this.rescan() },
      { label: `$(list-tree) ${OTHER_COMMANDS.showRepoMap.title}`, run: () => this.showRepoMap() },
      { label: `$(run-all) ${OTHER_COMMANDS.startWorkflow.title}`, run: () => this.startWorkflow() },
      { label: `$(tasklist) ${OTHER_COMMANDS.showWorkflows.title}`, run: () => this.showWorkflows() },
      { label: '$(gear) Settings', run: async () => void vscode.commands.executeCommand('workbench.action.openSettings', '@ext:switchboard.switchboard') },
    );
    const pick = await vscode.window.showQuickPick(items, {
      title: view.text.replace(/\$\([^)]*\)\s*/g, ''),
      placeHolder: view.tooltip.split('\n').slice(0, 3).join(' | '),
    });
    if (pick) await pick.run();
  }
}

function forwardLines(input: Readable, channel: vscode.LogOutputChannel): void {
  readline.createInterface({ input, crlfDelay: Infinity, terminal: false }).on('line', logRouter(channel));
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

async function openBeside(content: string, language: string): Promise<void> {
  const doc = await vscode.workspace.openTextDocument({ content, language });
  await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true });
}
