import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { expandPath, resolveBinary, serverArgs } from '../src/binary';

const files = (...names: string[]) => (f: string) => names.includes(f);

test('by default the binary is found on PATH, first match wins', () => {
  const r = resolveBinary({
    pathEnv: '/usr/bin:/opt/sb/bin:/usr/local/bin',
    platform: 'linux',
    isExecutable: files('/opt/sb/bin/switchboard', '/usr/local/bin/switchboard'),
  });
  assert.deepEqual(r, { ok: true, path: '/opt/sb/bin/switchboard' });
});

test('a bare name in the setting is looked up on PATH too', () => {
  const r = resolveBinary({
    setting: 'switchboard-dev',
    pathEnv: '/a:/b',
    platform: 'linux',
    isExecutable: files('/b/switchboard-dev'),
  });
  assert.deepEqual(r, { ok: true, path: '/b/switchboard-dev' });
});

test('not on PATH gives a message that says what to do', () => {
  const r = resolveBinary({ pathEnv: '/a:/b', platform: 'linux', isExecutable: () => false });
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.message, /switchboard\.path/);
});

test('an absolute path is used as it is, and must be executable', () => {
  const ok = resolveBinary({ setting: '/opt/x/switchboard', platform: 'linux', isExecutable: files('/opt/x/switchboard') });
  assert.deepEqual(ok, { ok: true, path: '/opt/x/switchboard' });
  const bad = resolveBinary({ setting: '/opt/x/switchboard', platform: 'linux', isExecutable: () => false });
  assert.equal(bad.ok, false);
});

test('a relative path is resolved against the first workspace folder', () => {
  const r = resolveBinary({
    setting: 'build/switchboard',
    platform: 'linux',
    workspaceFolder: '/home/me/switchboard',
    isExecutable: files('/home/me/switchboard/build/switchboard'),
  });
  assert.deepEqual(r, { ok: true, path: '/home/me/switchboard/build/switchboard' });
  const none = resolveBinary({ setting: 'build/switchboard', platform: 'linux', isExecutable: () => true });
  assert.equal(none.ok, false);
});

test('~, ${userHome} and ${workspaceFolder} are expanded', () => {
  const env = { home: '/home/me', workspaceFolder: '/w' };
  assert.equal(expandPath('~/bin/switchboard', env), '/home/me/bin/switchboard');
  assert.equal(expandPath('${userHome}/sb', env), '/home/me/sb');
  assert.equal(expandPath('${workspaceFolder}/build/switchboard', env), '/w/build/switchboard');
  const r = resolveBinary({
    setting: '~/bin/switchboard',
    platform: 'linux',
    home: '/home/me',
    isExecutable: files('/home/me/bin/switchboard'),
  });
  assert.deepEqual(r, { ok: true, path: '/home/me/bin/switchboard' });
});

test('on Windows PATH is split on ; and .exe is tried', () => {
  const r = resolveBinary({
    pathEnv: 'C:\\tools;C:\\sb',
    platform: 'win32',
    isExecutable: files('C:\\sb\\switchboard.exe'),
  });
  assert.deepEqual(r, { ok: true, path: 'C:\\sb\\switchboard.exe' });
});

test('the daemon runs as `switchboard lsp` with the log level and extra arguments', () => {
  assert.deepEqual(serverArgs({}), ['lsp']);
  assert.deepEqual(serverArgs({ logLevel: 'info', args: ['--index-dir', '/tmp/i', ''] }), [
    'lsp',
    '--log-level',
    'info',
    '--index-dir',
    '/tmp/i',
  ]);
});
