import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { formatRescan, formatStatus, parseStatus, ProgressTracker, statusNeedsFollowUp } from '../src/status';

const healthy = {
  backends: [
    { name: 'llama', provider: 'llamacpp', model: 'qwen', state: 'healthy' },
    { name: 'claude', provider: 'anthropic', model: 'haiku', state: 'healthy' },
  ],
  index: { state: 'ready', files: 120, symbols: 3400 },
  workflows: [],
};

test('status parses the daemon answer and tolerates missing or odd fields', () => {
  assert.deepEqual(parseStatus(healthy)?.index, { state: 'ready', files: 120, symbols: 3400 });
  const odd = parseStatus({ backends: [{ name: 'x', state: 'weird' }, 3], workflows: [{ id: 5, state: 'running' }] });
  assert.deepEqual(odd, {
    backends: [{ name: 'x', provider: '', model: '', state: 'unknown' }],
    index: null,
    workflows: [{ id: '5', state: 'running' }],
  });
  assert.equal(parseStatus('nope'), null);
  assert.equal(parseStatus(null), null);
});

test('all backends healthy shows a check and lists them in the tooltip', () => {
  const v = formatStatus({ daemon: 'running', report: parseStatus(healthy), progress: null });
  assert.equal(v.text, '$(check) Switchboard');
  assert.equal(v.severity, 'ok');
  assert.match(v.tooltip, /llama \(llamacpp, qwen\): healthy/);
  assert.match(v.tooltip, /Index: ready, 120 files, 3400 symbols/);
});

test('a failing or open backend is a warning; all of them down is an error', () => {
  const one = structuredClone(healthy);
  one.backends[1].state = 'open';
  const v1 = formatStatus({ daemon: 'running', report: parseStatus(one), progress: null });
  assert.equal(v1.text, '$(warning) Switchboard: 1/2 models down');
  assert.equal(v1.severity, 'warning');
  assert.match(v1.tooltip, /claude \(anthropic, haiku\): circuit open/);
  const all = structuredClone(one);
  all.backends[0].state = 'failing';
  const v2 = formatStatus({ daemon: 'running', report: parseStatus(all), progress: null });
  assert.equal(v2.text, '$(warning) Switchboard: models down');
  assert.equal(v2.severity, 'error');
});

test('no backend configured says so (offline mode)', () => {
  const v = formatStatus({ daemon: 'running', report: parseStatus({ backends: [], index: null, workflows: [] }), progress: null });
  assert.equal(v.text, '$(circle-slash) Switchboard: no model');
  assert.match(v.tooltip, /No model configured/);
});

test('indexing progress wins over the backend state and shows a percentage', () => {
  const t = new ProgressTracker();
  t.create('switchboard/index/1');
  t.apply('switchboard/index/1', { kind: 'begin', title: 'Indexing /w', percentage: 0 });
  t.apply('switchboard/index/1', { kind: 'report', message: '10/40 files', percentage: 25 });
  const v = formatStatus({ daemon: 'running', report: parseStatus(healthy), progress: t.summary() });
  assert.equal(v.text, '$(sync~spin) Switchboard: indexing 25%');
  assert.equal(v.severity, 'busy');
  assert.match(v.tooltip.split('\n')[0], /^Indexing \/w: 10\/40 files$/);
  assert.equal(t.apply('switchboard/index/1', { kind: 'end', message: '40 files, 40 indexed' }), true);
  assert.equal(t.summary(), null);
});

test('several progress tasks report the least advanced one', () => {
  const t = new ProgressTracker();
  t.apply(1, { kind: 'begin', title: 'A', percentage: 80 });
  t.apply(2, { kind: 'begin', title: 'B', percentage: 10 });
  assert.equal(t.summary()?.percentage, 10);
  assert.equal(t.summary()?.tasks, 2);
  t.apply(3, { kind: 'begin', title: 'C' });
  assert.equal(t.summary()?.percentage, undefined);
});

test('running workflows are counted, finished ones are not', () => {
  const r = parseStatus({
    ...healthy,
    workflows: [
      { id: 'w1', template: 'review', state: 'running', task: 'check the parser' },
      { id: 'w2', state: 'done' },
    ],
  });
  const v = formatStatus({ daemon: 'running', report: r, progress: null });
  assert.equal(v.text, '$(check) Switchboard: 1 workflow');
  assert.match(v.tooltip, /Workflow review w1 \(running: check the parser\)/);
  assert.doesNotMatch(v.tooltip, /w2/);
});

test('a daemon that is starting, stopped or failed to start says so', () => {
  assert.equal(formatStatus({ daemon: 'starting', report: null, progress: null }).severity, 'busy');
  const failed = formatStatus({ daemon: 'failed', report: null, progress: null, error: 'not found on PATH' });
  assert.equal(failed.text, '$(error) Switchboard');
  assert.match(failed.tooltip, /not found on PATH/);
});

test('a daemon without the status command still shows as running', () => {
  const v = formatStatus({ daemon: 'running', report: null, progress: null, error: 'this daemon has no switchboard.status' });
  assert.equal(v.text, '$(check) Switchboard');
  assert.match(v.tooltip, /Status unavailable/);
});

test('rescan totals are summed over the folders', () => {
  assert.equal(
    formatRescan([
      { files: 10, indexed: 2, unchanged: 8, removed: 0, seconds: 0.25 },
      { files: 5, indexed: 5, unchanged: 0, removed: 1, seconds: 0.5 },
    ]),
    'indexed 7 of 15 files in 2 folders (8 unchanged, 1 removed) in 0.5 s',
  );
  assert.equal(formatRescan(null), 'rescan finished');
});

test('a report that says indexing with no progress to follow is asked again; with progress it is not', () => {
  const indexing = parseStatus({ ...healthy, index: { state: 'indexing', files: 2, symbols: 2 } });
  assert.equal(statusNeedsFollowUp(indexing, null), true);
  assert.equal(statusNeedsFollowUp(parseStatus(healthy), null), false);
  assert.equal(statusNeedsFollowUp(null, null), false);
  const t = new ProgressTracker();
  t.create('switchboard/index/1');
  t.apply('switchboard/index/1', { kind: 'begin', title: 'Indexing /w', percentage: 0 });
  assert.equal(statusNeedsFollowUp(indexing, t.summary()), false);
});
