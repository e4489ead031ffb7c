// The MCP client configuration the documentation tells users to paste
// (docs/protocols.md "Client configuration", README.md "MCP assistants"),
// taken from the Markdown as written and used with the official TypeScript
// SDK client: each stdio entry's command and args, each HTTP entry's url and
// headers (a bearer token when the entry has one), against the server
// started with the documented command line. Placeholders (the binary's and
// the project's paths, the port, the token) are replaced by real values.
//
// Environment: SB_BINARY, SB_FIXTURE (the repo served), SB_SCRATCH (a
// scratch folder, emptied first), SB_PROTOCOLS_DOC and SB_README (the
// Markdown files).
import assert from "node:assert/strict";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { Run, scratchRepo } from "./harness.mjs";

const { SB_BINARY: binary, SB_FIXTURE: fixture, SB_SCRATCH: scratch } = process.env;
const docs = { protocols: process.env.SB_PROTOCOLS_DOC, readme: process.env.SB_README };
assert.ok(binary && fixture && scratch && docs.protocols && docs.readme,
          "SB_BINARY, SB_FIXTURE, SB_SCRATCH, SB_PROTOCOLS_DOC and SB_README are required");

const repo = scratchRepo(fixture, scratch);
// The documented command lines have no --index-dir: keep the index out of ~/.cache.
const env = { ...process.env };
for (const d of ["cache", "state", "config"]) env[`XDG_${d.toUpperCase()}_HOME`] = path.join(scratch, d);

const BINARY_PLACEHOLDER = "/path/to/build/switchboard";
const PROJECT_PLACEHOLDER = "/path/to/project";
const DOC_PORT = "8765";
const TOKEN_PLACEHOLDER = "TOKEN";

const run = new Run();
const step = (name, fn) => run.step(name, fn);

/** The text of a Markdown section: from its heading to the next heading of the same or a higher level. */
function section(file, heading) {
  const text = fs.readFileSync(file, "utf8");
  const start = text.indexOf(`\n${heading}\n`);
  assert.ok(start >= 0, `${file} has no "${heading}"`);
  const level = heading.match(/^#+/)[0].length;
  const rest = text.slice(start + heading.length + 2);
  const next = rest.search(new RegExp(`^#{1,${level}} `, "m"));
  return next < 0 ? rest : rest.slice(0, next);
}

/** The mcpServers entries of the section's ```json blocks, each with the block it came from. */
function serverEntries(text) {
  const out = [];
  for (const m of text.matchAll(/```json\n([\s\S]*?)```/g)) {
    const block = JSON.parse(m[1]);
    if (!block.mcpServers) continue;
    for (const [name, entry] of Object.entries(block.mcpServers)) out.push({ name, entry, block: m[1] });
  }
  return out;
}

/** A copy of a JSON value with the placeholders replaced in every string. */
function substitute(value, vars) {
  if (typeof value === "string") {
    let s = value;
    for (const [from, to] of vars) s = s.split(from).join(to);
    return s;
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, vars));
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, vars)]));
  return value;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(String(port)));
    });
  });
}

/** Runs `switchboard ARGS` and waits for its "MCP on URL" line. */
const startServer = (args) => run.startHttpServer(binary, args, env);

/** Connects, lists the tools and calls read_file; the client is closed. */
async function listAndCall(transport) {
  const client = new Client({ name: "docs-config", version: "1.0.0" });
  await client.connect(transport);
  try {
    const { tools } = await client.listTools();
    assert.ok(tools.some((t) => t.name === "read_file"), JSON.stringify(tools.map((t) => t.name)));
    const r = await client.callTool({ name: "read_file", arguments: { path: "shop/pricing.py", startLine: 1, endLine: 1 } });
    assert.ok(!r.isError, JSON.stringify(r));
    assert.equal(r.content[0].text, '"""Price calculations for the shop."""\n');
  } finally {
    await client.close();
  }
}

async function checkStdio(label, entry) {
  await step(`${label}: stdio entry runs with the SDK's StdioClientTransport`, async () => {
    const e = substitute(entry, [[BINARY_PLACEHOLDER, binary], [PROJECT_PLACEHOLDER, repo]]);
    assert.equal(e.command, binary, `command should be the placeholder ${BINARY_PLACEHOLDER}`);
    await listAndCall(new StdioClientTransport({ command: e.command, args: e.args, env: e.env ?? env, stderr: "ignore" }));
  });
}

// serverCommand: the documented `switchboard ...` words, placeholders included.
async function checkHttp(label, entry, serverCommand, tokenArgs) {
  const hasToken = JSON.stringify(entry.headers ?? {}).includes(TOKEN_PLACEHOLDER);
  await step(`${label}: HTTP entry${hasToken ? " with its bearer token" : ""} works with StreamableHTTPClientTransport`, async () => {
    assert.equal(entry.type, "http");
    const port = await freePort();
    const token = `tok-${process.pid}-${Date.now()}`;
    const vars = [[BINARY_PLACEHOLDER, binary], [PROJECT_PLACEHOLDER, repo], [DOC_PORT, port], [TOKEN_PLACEHOLDER, token]];
    const args = substitute([...serverCommand, ...(hasToken ? tokenArgs : [])], vars);
    const served = await startServer(args);
    const e = substitute(entry, vars);
    assert.equal(e.url, served, "the entry's url is where the documented command serves");
    const requestInit = e.headers ? { headers: e.headers } : undefined;
    await listAndCall(new StreamableHTTPClientTransport(new URL(e.url), { requestInit }));
    if (hasToken) {
      // The header is what lets the client in.
      const client = new Client({ name: "docs-config", version: "1.0.0" });
      await assert.rejects(client.connect(new StreamableHTTPClientTransport(new URL(e.url))), /401|nauthorized/);
    }
  });
}

try {
  {
    const text = section(docs.protocols, "### Client configuration");
    const entries = serverEntries(text);
    const stdio = entries.filter((x) => x.entry.command);
    const httpEntries = entries.filter((x) => x.entry.url);
    await step("protocols.md: a stdio and an HTTP entry", async () => {
      assert.equal(stdio.length, 1, text);
      assert.equal(httpEntries.length, 1, text);
    });
    // "start `switchboard mcp /path/to/project --http 127.0.0.1:8765` (add `--token TOKEN` ...)"
    const started = text.match(/start `switchboard (mcp [^`]*--http[^`]*)`/);
    const tokenFlag = text.match(/`(--token TOKEN)`/);
    await step("protocols.md: the HTTP server's command line and its --token flag", async () => {
      assert.ok(started, "no `switchboard mcp ... --http ...` command line");
      assert.ok(tokenFlag, "no `--token TOKEN`");
    });
    for (const { entry } of stdio) await checkStdio("protocols.md", entry);
    if (started && tokenFlag)
      for (const { entry } of httpEntries) {
        await checkHttp("protocols.md", entry, started[1].split(/\s+/), tokenFlag[1].split(/\s+/));
        // "(leave out `headers` without `--token`)"
        const { headers, ...bare } = entry;
        if (headers) await checkHttp("protocols.md without headers", bare, started[1].split(/\s+/), []);
      }
  }
  {
    const entries = serverEntries(section(docs.readme, "### MCP assistants"));
    await step("README.md: a stdio and an HTTP entry", async () => {
      assert.ok(entries.some((x) => x.entry.command) && entries.some((x) => x.entry.url), JSON.stringify(entries));
    });
    const command = ["mcp", PROJECT_PLACEHOLDER, "--http", `127.0.0.1:${DOC_PORT}`];
    for (const { entry } of entries) {
      if (entry.command) await checkStdio("README.md", entry);
      else await checkHttp("README.md", entry, command, ["--token", TOKEN_PLACEHOLDER]);
    }
  }
} catch (e) {
  run.fail("", e);
}
run.finish();
