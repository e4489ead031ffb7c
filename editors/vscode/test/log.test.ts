import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { logRouter, parseLogLine } from '../src/log';

test("spdlog lines keep their own level and lose spdlog's time, name and level", () => {
  assert.deepEqual(parseLogLine('[2025-01-02 10:11:12.345] [switchboard] [info] [stdio] initialize from vscode 1.91'), {
    level: 'info',
    message: '[stdio] initialize from vscode 1.91',
  });
  assert.deepEqual(parseLogLine('[2025-01-02 10:11:12.345] [switchboard] [warning] settings: x'), {
    level: 'warn',
    message: 'settings: x',
  });
  assert.equal(parseLogLine('[t] [switchboard] [error] boom').level, 'error');
  assert.equal(parseLogLine('[t] [switchboard] [critical] boom').level, 'error');
  assert.equal(parseLogLine('[t] [switchboard] [debug] d').level, 'debug');
  assert.equal(parseLogLine('[t] [switchboard] [trace] t').level, 'trace');
});

test('colour codes are removed before parsing', () => {
  assert.deepEqual(parseLogLine('[t] [switchboard] [\x1b[32minfo\x1b[m] ready'), { level: 'info', message: 'ready' });
});

test('other lines are errors, or continue the level of the line before', () => {
  assert.deepEqual(parseLogLine('terminate called after throwing'), { level: 'error', message: 'terminate called after throwing' });
  assert.deepEqual(parseLogLine('  second line', 'info'), { level: 'info', message: '  second line' });
  assert.equal(parseLogLine('[t] [switchboard] [verbose] x').level, 'error', 'an unknown level is not a log line');
});

test('the router writes each line at its level, continuations included', () => {
  const seen: string[] = [];
  const log = {
    trace: (m: string) => seen.push(`trace ${m}`),
    debug: (m: string) => seen.push(`debug ${m}`),
    info: (m: string) => seen.push(`info ${m}`),
    warn: (m: string) => seen.push(`warn ${m}`),
    error: (m: string) => seen.push(`error ${m}`),
  };
  const route = logRouter(log);
  route('[t] [switchboard] [warning] slow backend');
  route('  details');
  route('[t] [switchboard] [info] indexed');
  assert.deepEqual(seen, ['warn slow backend', 'warn   details', 'info indexed']);
});
