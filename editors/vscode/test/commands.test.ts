import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  AI_ACTIONS,
  allCommandIds,
  allDaemonCommands,
  cancelWorkflowArgs,
  enclosingRange,
  repoMapArgs,
  selectionArgs,
  validateRequiredText,
  workflowArgs,
  workflowStatusArgs,
} from '../src/commands';

const range = (sl: number, sc: number, el: number, ec: number) => ({
  start: { line: sl, character: sc },
  end: { line: el, character: ec },
});

test('the AI actions call the daemon commands the issue names', () => {
  assert.deepEqual(
    AI_ACTIONS.map((a) => a.daemon),
    ['switchboard.explain', 'switchboard.fix', 'switchboard.document', 'switchboard.writeTests', 'switchboard.refactor'],
  );
  assert.deepEqual(
    AI_ACTIONS.filter((a) => a.asksInstruction).map((a) => a.daemon),
    ['switchboard.refactor'],
  );
});

test('no VS Code command id is a daemon command name (the language client registers those)', () => {
  const daemon = new Set(allDaemonCommands());
  for (const id of allCommandIds()) assert.ok(!daemon.has(id), id);
  assert.equal(new Set(allCommandIds()).size, allCommandIds().length);
});

test('selection arguments are one object {uri, range, instruction?}', () => {
  const r = range(1, 2, 3, 4);
  assert.deepEqual(selectionArgs('file:///a.py', r), { uri: 'file:///a.py', range: r });
  assert.deepEqual(selectionArgs('file:///a.py', r, '  use a dict  '), {
    uri: 'file:///a.py',
    range: r,
    instruction: 'use a dict',
  });
  assert.deepEqual(selectionArgs('file:///a.py', r, '   '), { uri: 'file:///a.py', range: r });
});

test('selection arguments hold plain JSON, not the editor objects passed in', () => {
  class Pos {
    constructor(
      public line: number,
      public character: number,
    ) {}
    get extra() {
      return 1;
    }
  }
  const args = selectionArgs('file:///a', { start: new Pos(0, 1), end: new Pos(2, 3) });
  assert.equal(JSON.stringify(args), '{"uri":"file:///a","range":{"start":{"line":0,"character":1},"end":{"line":2,"character":3}}}');
});

test('workflow arguments are trimmed and must not be empty', () => {
  assert.deepEqual(workflowArgs(' review ', ' check the parser '), { template: 'review', task: 'check the parser' });
  assert.throws(() => workflowArgs('', 'x'), /template/);
  assert.throws(() => workflowArgs('x', ' '), /task/);
  assert.deepEqual(workflowStatusArgs(), {});
  assert.deepEqual(workflowStatusArgs('7'), { id: '7' });
  assert.deepEqual(cancelWorkflowArgs('7'), { id: '7' });
  assert.throws(() => cancelWorkflowArgs(''));
});

test('repo map tokens are a positive integer', () => {
  assert.deepEqual(repoMapArgs(800.7), { tokens: 800 });
  assert.deepEqual(repoMapArgs(0), { tokens: 1 });
});

test('input boxes refuse blank text', () => {
  assert.equal(validateRequiredText('  ', 'task'), 'Enter the task');
  assert.equal(validateRequiredText('x', 'task'), undefined);
});

test('with no selection the innermost symbol around the cursor is used', () => {
  const symbols = [
    { range: range(0, 0, 2, 0) },
    {
      range: range(4, 0, 20, 0),
      children: [{ range: range(5, 2, 9, 3) }, { range: range(11, 2, 19, 3), children: [] }],
    },
  ];
  assert.deepEqual(enclosingRange(symbols, { line: 12, character: 0 }), range(11, 2, 19, 3));
  assert.deepEqual(enclosingRange(symbols, { line: 10, character: 0 }), range(4, 0, 20, 0));
  assert.deepEqual(enclosingRange(symbols, { line: 9, character: 3 }), range(5, 2, 9, 3));
  assert.equal(enclosingRange(symbols, { line: 3, character: 0 }), null);
  assert.equal(enclosingRange(undefined, { line: 3, character: 0 }), null);
});
