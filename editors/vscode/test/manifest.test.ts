// package.json against the daemon's configuration schema and the command
// table, so neither drifts from the code.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AI_ACTIONS, OTHER_COMMANDS, allCommandIds } from '../src/commands';
import { LANGUAGES } from '../src/languages';
import { DAEMON_KEYS, EXTENSION_ONLY_KEYS, PROCESS_KEYS } from '../src/settings';

const root = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const props: Record<string, Record<string, unknown>> = pkg.contributes.configuration.properties;
const schemaPath = process.env.SWITCHBOARD_CONFIG_SCHEMA ?? path.resolve(root, '..', '..', 'docs', 'config.schema.json');
const schema = fs.existsSync(schemaPath) ? JSON.parse(fs.readFileSync(schemaPath, 'utf8')) : undefined;
const noSchema = schema ? false : `no ${schemaPath} (set SWITCHBOARD_CONFIG_SCHEMA)`;
/** Every setting that mirrors the configuration file, sent in the LSP settings or the environment. */
const MIRRORED = [...DAEMON_KEYS, ...PROCESS_KEYS];

test('every contributed setting is a daemon setting or an extension setting', () => {
  const known = new Set<string>([...MIRRORED, ...EXTENSION_ONLY_KEYS].map((k) => `switchboard.${k}`));
  for (const key of Object.keys(props)) assert.ok(known.has(key), `${key} is neither`);
  for (const key of known) assert.ok(key in props, `${key} is not contributed`);
});

test('the daemon settings are exactly the leaves of docs/config.schema.json', { skip: noSchema }, () => {
  const leaves: string[] = [];
  for (const [key, value] of Object.entries<Record<string, unknown>>(schema.properties)) {
    if (key === '$schema') continue;
    if (value.type === 'object' && value.properties)
      for (const sub of Object.keys(value.properties as object)) leaves.push(`${key}.${sub}`);
    else leaves.push(key);
  }
  assert.deepEqual([...leaves].sort(), [...MIRRORED].sort());
});

test('types, enums, bounds, nested properties and defaults mirror the schema', { skip: noSchema }, () => {
  for (const key of MIRRORED) {
    const [group, field] = key.split('.');
    const s = field ? schema.properties[group].properties[field] : schema.properties[group];
    const p = props[`switchboard.${key}`];
    for (const attr of ['enum', 'minimum', 'maximum', 'items', 'properties', 'additionalProperties'] as const)
      assert.deepEqual(p[attr], s[attr], `${key}: ${attr}`);
    assert.equal(p.type, s.type ?? (s.enum ? 'string' : undefined), `${key}: type`);
    if ('default' in s) assert.deepEqual(p.default, s.default, `${key}: default`);
    assert.ok(typeof p.markdownDescription === 'string' && p.markdownDescription.length > 0, `${key}: description`);
  }
});

test('only the user may trust workspace configuration files', () => {
  for (const key of PROCESS_KEYS) assert.equal(props[`switchboard.${key}`].scope, 'application', key);
});

test('contributed commands are the command table, with its titles, in the Switchboard category', () => {
  const contributed: { command: string; title: string; category: string }[] = pkg.contributes.commands;
  assert.deepEqual(
    contributed.map((c) => c.command),
    allCommandIds(),
  );
  const titles = new Map<string, string>([
    ...AI_ACTIONS.map((a): [string, string] => [a.id, a.title]),
    ...Object.values(OTHER_COMMANDS).map((c): [string, string] => [c.id, c.title]),
  ]);
  for (const c of contributed) {
    assert.equal(c.title, titles.get(c.command));
    assert.equal(c.category, 'Switchboard');
  }
});

test('the editor context submenu offers every AI action', () => {
  const items: { command: string }[] = pkg.contributes.menus['switchboard.editor'];
  assert.deepEqual(
    items.map((i) => i.command),
    AI_ACTIONS.map((a) => a.id),
  );
});

test('the extension activates on every language it sends to the daemon', () => {
  const events: string[] = pkg.activationEvents;
  for (const lang of LANGUAGES) assert.ok(events.includes(`onLanguage:${lang}`), lang);
});

test('the entry point is compiled and the VS Code API types match the engine', () => {
  assert.ok(fs.existsSync(path.join(root, pkg.main)), pkg.main);
  assert.equal(pkg.engines.vscode, `^${pkg.devDependencies['@types/vscode']}`);
});
