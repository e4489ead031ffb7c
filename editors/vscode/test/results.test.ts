import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { classifyResult, errorMessage, isUnknownCommand } from '../src/results';

const edit = { changes: { 'file:///a.py': [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: '# doc\n' }] } };

test('text answers are shown as markdown', () => {
  assert.deepEqual(classifyResult('It parses headers.'), { kind: 'text', text: 'It parses headers.', markdown: true });
  assert.deepEqual(classifyResult({ explanation: 'Because.' }), { kind: 'text', text: 'Because.', markdown: true });
  assert.deepEqual(classifyResult({ markdown: '# T' }), { kind: 'text', text: '# T', markdown: true });
});

test('a WorkspaceEdit, bare or under edit, is applied', () => {
  assert.deepEqual(classifyResult(edit), { kind: 'edit', edit });
  assert.deepEqual(classifyResult({ edit, message: 'Added a docstring' }), {
    kind: 'edit',
    edit,
    message: 'Added a docstring',
  });
  const docChanges = { documentChanges: [] };
  assert.equal(classifyResult(docChanges).kind, 'edit');
});

test('nothing to show when the daemon applied the edit itself or answered null', () => {
  assert.equal(classifyResult(null).kind, 'none');
  assert.equal(classifyResult(undefined).kind, 'none');
  assert.equal(classifyResult({ applied: true }).kind, 'none');
  assert.equal(classifyResult('  ').kind, 'none');
});

test('an edit the daemon already offered through workspace/applyEdit is not applied again', () => {
  const answer = { kind: 'fix', applied: true, edit, markdown: 'Closed the call.' };
  assert.deepEqual(classifyResult(answer), { kind: 'text', text: 'Closed the call.', markdown: true });
  assert.equal(classifyResult({ kind: 'fix', applied: false, edit, markdown: '' }).kind, 'none');
});

test('anything else is shown as JSON', () => {
  const r = classifyResult({ id: 'w1', state: 'running' });
  assert.equal(r.kind, 'json');
  if (r.kind === 'json') assert.deepEqual(JSON.parse(r.text), { id: 'w1', state: 'running' });
});

test('an unknown command from an older daemon is recognised and explained', () => {
  const err = { code: -32602, message: "unknown command 'switchboard.status'" };
  assert.ok(isUnknownCommand(err));
  assert.match(errorMessage('switchboard.status', err), /does not have this command/);
  assert.ok(!isUnknownCommand({ code: -32603, message: 'backend failed' }));
  assert.equal(errorMessage('switchboard.fix', new Error('backend failed')), 'switchboard.fix: backend failed');
});
