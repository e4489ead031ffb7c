import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  changedSettings,
  daemonEnvironment,
  daemonSettings,
  initializationOptions,
  needsRestart,
  DAEMON_KEYS,
  PROCESS_KEYS,
} from '../src/settings';

test('only explicitly set daemon settings are sent, nested as in the configuration file', () => {
  const opts = initializationOptions({
    'completion.debounceMs': 150,
    'completion.fimTemplate': 'qwen',
    'cache.path': '/tmp/cache.sqlite',
    chatBackend: 'claude',
    backends: [{ name: 'llama', provider: 'llamacpp', baseUrl: 'http://127.0.0.1:8080/v1' }],
  });
  assert.deepEqual(opts, {
    switchboard: {
      backends: [{ name: 'llama', provider: 'llamacpp', baseUrl: 'http://127.0.0.1:8080/v1' }],
      chatBackend: 'claude',
      cache: { path: '/tmp/cache.sqlite' },
      completion: { fimTemplate: 'qwen', debounceMs: 150 },
    },
  });
});

test('nothing set sends an empty object, so the files and defaults apply', () => {
  assert.deepEqual(initializationOptions({}), { switchboard: {} });
});

test('extension-only settings are never sent to the daemon', () => {
  const out = daemonSettings({ path: '/opt/switchboard', args: ['--no-index'], logLevel: 'info', 'trace.server': 'verbose' });
  assert.deepEqual(out, {});
});

test('false, zero and empty values count as set', () => {
  const out = daemonSettings({ 'completion.enabled': false, 'completion.temperature': 0, 'completion.stop': [] });
  assert.deepEqual(out, { completion: { enabled: false, temperature: 0, stop: [] } });
});

test('a setting removed since the last notification is sent as null', () => {
  const before = { 'completion.debounceMs': 150, 'cache.ttlMs': 1000, chatBackend: 'a' };
  const after = { 'cache.ttlMs': 2000 };
  assert.deepEqual(changedSettings(before, after), {
    switchboard: { cache: { ttlMs: 2000 }, completion: { debounceMs: null }, chatBackend: null },
  });
});

test('unchanged settings are sent again in full', () => {
  const s = { 'completion.maxTokens': 64 };
  assert.deepEqual(changedSettings(s, s), { switchboard: { completion: { maxTokens: 64 } } });
});

test('the command line settings need a restart, the daemon settings do not', () => {
  assert.ok(needsRestart('path'));
  assert.ok(needsRestart('args'));
  assert.ok(needsRestart('logLevel'));
  for (const key of DAEMON_KEYS) assert.ok(!needsRestart(key), key);
});

test('agent settings are sent under agents, and removing one resets it with null', () => {
  const roles = { security: { system: 'You audit code.', tools: ['read_file'] } };
  const opts = initializationOptions({ 'agents.roles': roles, 'agents.limits': { maxTurns: 8 } });
  assert.deepEqual(opts, { switchboard: { agents: { roles, limits: { maxTurns: 8 } } } });
  assert.deepEqual(changedSettings({ 'agents.roles': roles }, { 'agents.workflows': { maxParallel: 2 } }), {
    switchboard: { agents: { workflows: { maxParallel: 2 }, roles: null } },
  });
});

test('trustWorkspaceConfig is never sent in the LSP settings, and changing it restarts the daemon', () => {
  assert.deepEqual(daemonSettings({ trustWorkspaceConfig: true }), {});
  for (const key of PROCESS_KEYS) assert.ok(needsRestart(key), key);
});

test("the user's trustWorkspaceConfig sets SWITCHBOARD_TRUST_WORKSPACE in the daemon's environment", () => {
  const base = { PATH: '/usr/bin', HOME: '/home/u', UNSET: undefined };
  assert.deepEqual(daemonEnvironment(base, { trustWorkspaceConfig: true }), {
    PATH: '/usr/bin',
    HOME: '/home/u',
    SWITCHBOARD_TRUST_WORKSPACE: '1',
  });
  const inherited = { PATH: '/usr/bin', SWITCHBOARD_TRUST_WORKSPACE: '1' };
  assert.deepEqual(daemonEnvironment(inherited, {}), inherited, 'not set: the inherited value stays');
  assert.deepEqual(daemonEnvironment(inherited, { trustWorkspaceConfig: false }), { PATH: '/usr/bin' }, 'false wins');
});
