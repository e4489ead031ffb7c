// switchboard mcp end to end with the official TypeScript SDK client, over
// stdio and Streamable HTTP, on a scratch copy of tests/data/index/python;
// then bad input over HTTP with raw requests.
//
// Environment: SB_BINARY (the switchboard executable), SB_FIXTURE (the
// fixture repo), SB_SCRATCH (a scratch folder, emptied first).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { Run, scratchRepo } from "./harness.mjs";

const binary = process.env.SB_BINARY;
const fixture = process.env.SB_FIXTURE;
const scratch = process.env.SB_SCRATCH;
assert.ok(binary && fixture && scratch, "SB_BINARY, SB_FIXTURE and SB_SCRATCH are required");

const repo = scratchRepo(fixture, scratch);
const indexDir = path.join(scratch, "index");
fs.writeFileSync(path.join(scratch, "secret.txt"), "TOP-SECRET-CONTENT-42\n");

const CODE_TOOLS = ["find_symbol", "get_definition", "find_references", "document_outline", "repo_map",
                    "search_code", "read_file", "get_diagnostics", "workspace_stats"];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const run = new Run();
const step = (name, fn) => run.step(name, fn);

// Starts `switchboard mcp REPO --http 127.0.0.1:0 ...` and returns its URL.
const startHttp = (extra = []) =>
  run.startHttpServer(binary, ["mcp", repo, "--http", "127.0.0.1:0", "--index-dir", indexDir, ...extra]);

async function callOk(client, name, args) {
  const r = await client.callTool({ name, arguments: args });
  assert.ok(!r.isError, `${name} failed: ${JSON.stringify(r)}`);
  assert.ok(r.content?.length > 0 && r.content[0].type === "text", `${name}: no text content`);
  return r.structuredContent;
}

async function exerciseCodeTools(client, label) {
  await step(`${label}: initialize`, async () => {
    assert.equal(client.getServerVersion().name, "switchboard");
    assert.ok(client.getServerCapabilities().tools);
  });
  await step(`${label}: tools/list has the code tools with schemas`, async () => {
    const { tools } = await client.listTools();
    const names = new Set(tools.map((t) => t.name));
    for (const t of CODE_TOOLS) assert.ok(names.has(t), `missing ${t}`);
    for (const t of tools) assert.equal(t.inputSchema.type, "object");
  });
  await step(`${label}: index ready`, async () => {
    for (let i = 0; i < 200; i++) {
      const s = await callOk(client, "workspace_stats", {});
      if (!s.indexing && s.files > 0) return;
      await sleep(50);
    }
    throw new Error("index never ready");
  });
  await step(`${label}: each code tool answers from the fixture`, async () => {
    let s = await callOk(client, "find_symbol", { query: "with_vat" });
    assert.equal(s.symbols[0].path, "shop/pricing.py");
    assert.equal(s.symbols[0].kind, "function");
    s = await callOk(client, "get_definition", { symbol: "Item" });
    assert.equal(s.definitions[0].path, "shop/pricing.py");
    s = await callOk(client, "find_references", { symbol: "with_vat" });
    assert.ok(s.references.some((r) => r.path === "shop/basket.py"), JSON.stringify(s));
    s = await callOk(client, "document_outline", { path: "shop/basket.py" });
    assert.equal(s.symbols[0].name, "Basket");
    s = await callOk(client, "repo_map", { tokens: 200 });
    assert.ok(s !== undefined);
    s = await callOk(client, "search_code", { pattern: "def with_" });
    assert.equal(s.matches.length, 1);
    assert.equal(s.matches[0].path, "shop/pricing.py");
    s = await callOk(client, "search_code", { pattern: "VAT_[A-Z]+", regex: true });
    assert.ok(s.matches.length >= 2);
    const read = await client.callTool({ name: "read_file", arguments: { path: "shop/pricing.py", startLine: 1, endLine: 1 } });
    assert.equal(read.content[0].text, '"""Price calculations for the shop."""\n');
    assert.equal(read.structuredContent.startLine, 1);
    assert.equal(read.structuredContent.endLine, 1);
    s = await callOk(client, "get_diagnostics", { path: "shop/pricing.py" });
    assert.deepEqual(s.diagnostics, []);
    s = await callOk(client, "workspace_stats", {});
    assert.ok(s.files >= 2);
  });
  await step(`${label}: path traversal and bad arguments are tool errors`, async () => {
    for (const p of ["../secret.txt", path.join(scratch, "secret.txt"), "shop/../../secret.txt"]) {
      const r = await client.callTool({ name: "read_file", arguments: { path: p } });
      assert.equal(r.isError, true, `read_file ${p}: ${JSON.stringify(r)}`);
      assert.ok(!JSON.stringify(r).includes("TOP-SECRET-CONTENT-42"), "leaked the file");
    }
    const r = await client.callTool({ name: "read_file", arguments: { path: 42 } });
    assert.equal(r.isError, true);
    const big = await client.callTool({ name: "search_code", arguments: { pattern: "x".repeat(200000) } });
    assert.ok(big.content.length > 0);
  });
  await step(`${label}: unknown tool is a JSON-RPC error`, async () => {
    await assert.rejects(client.callTool({ name: "no_such_tool", arguments: {} }));
  });
  await step(`${label}: resources and prompts`, async () => {
    const { resources } = await client.listResources();
    assert.ok(resources.length > 0);
    const { prompts } = await client.listPrompts();
    assert.ok(prompts.length > 0);
  });
}

// One raw HTTP request; resolves {status, headers, body}.
function raw(url, { method = "POST", headers = {}, body, declaredLength } = {}) {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const h = { "Content-Type": "application/json", Accept: "application/json, text/event-stream", ...headers };
    if (declaredLength !== undefined) h["Content-Length"] = String(declaredLength);
    else if (body !== undefined) h["Content-Length"] = String(Buffer.byteLength(body));
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, method, headers: h }, (res) => {
      let data = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (data += d));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: data }));
    });
    req.on("error", reject);
    if (body !== undefined && declaredLength === undefined) req.end(body);
    else if (declaredLength !== undefined) req.flushHeaders();  // the body never comes
    else req.end();
  });
}

const initBody = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } } });
const listBody = JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list", params: {} });

async function badInputOverHttp(url) {
  const init = await raw(url, { body: initBody });
  assert.equal(init.status, 200);
  const sid = init.headers["mcp-session-id"];
  assert.ok(sid, "no Mcp-Session-Id on the initialize response");
  const withSession = { "Mcp-Session-Id": sid, "MCP-Protocol-Version": "2025-06-18" };
  await raw(url, { headers: withSession, body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }) });

  await step("http: a session works with its id", async () => {
    const r = await raw(url, { headers: withSession, body: listBody });
    assert.equal(r.status, 200);
    assert.ok(JSON.parse(r.body).result.tools.length > 0);
  });
  await step("http: malformed JSON is a 400 with -32700", async () => {
    const r = await raw(url, { headers: withSession, body: "{\"jsonrpc\": \"2.0\", " });
    assert.equal(r.status, 400);
    assert.equal(JSON.parse(r.body).error.code, -32700);
  });
  await step("http: deeply nested JSON is refused, not a crash", async () => {
    const r = await raw(url, { headers: withSession, body: "[".repeat(100000) });
    assert.equal(r.status, 400);
  });
  await step("http: not a JSON-RPC message is a 400 with -32600", async () => {
    const r = await raw(url, { headers: withSession, body: JSON.stringify({ hello: "world" }) });
    assert.equal(r.status, 400);
    assert.equal(JSON.parse(r.body).error.code, -32600);
  });
  await step("http: wrong Content-Type is 415", async () => {
    const r = await raw(url, { headers: { ...withSession, "Content-Type": "text/plain" }, body: listBody });
    assert.equal(r.status, 415);
  });
  await step("http: a huge body is 413", async () => {
    const r = await raw(url, { headers: withSession, declaredLength: 64 * 1024 * 1024 });
    assert.equal(r.status, 413);
  });
  await step("http: request before initialize (no session) is 400", async () => {
    const r = await raw(url, { body: listBody });
    assert.equal(r.status, 400);
  });
  await step("http: unknown session is 404", async () => {
    const r = await raw(url, { headers: { ...withSession, "Mcp-Session-Id": "deadbeef" }, body: listBody });
    assert.equal(r.status, 404);
  });
  await step("http: unsupported MCP-Protocol-Version is 400", async () => {
    const r = await raw(url, { headers: { ...withSession, "MCP-Protocol-Version": "1999-01-01" }, body: listBody });
    assert.equal(r.status, 400);
  });
  await step("http: foreign Origin is 403, loopback Origin is fine", async () => {
    let r = await raw(url, { headers: { ...withSession, Origin: "http://evil.example" }, body: listBody });
    assert.equal(r.status, 403);
    r = await raw(url, { headers: { ...withSession, Origin: "http://localhost:5173" }, body: listBody });
    assert.equal(r.status, 200);
  });
  await step("http: foreign Host is 403", async () => {
    const r = await raw(url, { headers: { ...withSession, Host: "evil.example" }, body: listBody });
    assert.equal(r.status, 403);
  });
  await step("http: wrong path is 404, PUT is 405", async () => {
    let r = await raw(url.replace(/\/mcp$/, "/other"), { headers: withSession, body: listBody });
    assert.equal(r.status, 404);
    r = await raw(url, { method: "PUT", headers: withSession, body: listBody });
    assert.equal(r.status, 405);
  });
  await step("http: batches are refused after 2025-06-18", async () => {
    const r = await raw(url, { headers: withSession, body: `[${listBody}]` });
    assert.equal(r.status, 400);
  });
  await step("http: path traversal over raw HTTP is a tool error", async () => {
    const body = JSON.stringify({ jsonrpc: "2.0", id: 9, method: "tools/call",
                                  params: { name: "read_file", arguments: { path: "../secret.txt" } } });
    const r = await raw(url, { headers: withSession, body });
    assert.equal(r.status, 200);
    assert.equal(JSON.parse(r.body).result.isError, true);
  });
  await step("http: DELETE ends the session, then 404", async () => {
    let r = await raw(url, { method: "DELETE", headers: withSession });
    assert.equal(r.status, 200);
    r = await raw(url, { headers: withSession, body: listBody });
    assert.equal(r.status, 404);
  });
}

try {
  {
    const transport = new StdioClientTransport({
      command: binary, args: ["mcp", repo, "--index-dir", indexDir], stderr: "ignore" });
    const client = new Client({ name: "sdk-e2e", version: "1.0.0" });
    await client.connect(transport);
    await exerciseCodeTools(client, "stdio");
    await client.close();
  }
  const url = await startHttp();
  {
    const transport = new StreamableHTTPClientTransport(new URL(url));
    const client = new Client({ name: "sdk-e2e", version: "1.0.0" });
    await client.connect(transport);
    await step("http: session id assigned", async () => assert.ok(transport.sessionId));
    await exerciseCodeTools(client, "http");
    await step("http: terminate session", async () => transport.terminateSession());
    await client.close();
  }
  await badInputOverHttp(url);
  await step("http: --token requires the bearer token", async () => {
    const tokenUrl = await startHttp(["--token", "s3cret"]);
    let r = await raw(tokenUrl, { body: initBody });
    assert.equal(r.status, 401);
    r = await raw(tokenUrl, { headers: { Authorization: "Bearer wrong" }, body: initBody });
    assert.equal(r.status, 401);
    r = await raw(tokenUrl, { headers: { Authorization: "Bearer s3cret" }, body: initBody });
    assert.equal(r.status, 200);
  });
  await step("http: non-loopback bind without --allow-remote and --token is refused", async () => {
    const child = spawn(binary, ["mcp", repo, "--http", "0.0.0.0:0"], { stdio: "ignore" });
    const code = await new Promise((resolve) => child.on("exit", resolve));
    assert.equal(code, 2);
  });
} catch (e) {
  run.fail("", e);
}
run.finish();
