// tools/call round trips: `switchboard mcp` against the reference
// @modelcontextprotocol/server-filesystem, both over stdio, on the same
// workspace, in the same run, with calls to the two servers interleaved
// (A,B then B,A) so that load from elsewhere on the machine hits both alike.
//
// Not a test: nothing here asserts a time. It does check that both servers
// returned the same work (file text, search hits) and exits 1 if not.
//
//   node bench.mjs --switchboard BIN [--workspace DIR] [--scratch DIR]
//                  [--iterations 200] [--read-iterations 1000] [--warmup 20] [--large DIR]...
//                  [--large-iterations 50] [--large-reference-iterations 3]
//                  [--client sdk|raw|native] [--native-client BIN] [--floor BIN]
//                  [--smoke] [--json FILE]
//
// --floor BIN: bench_mcp_floor, a server answering read_file from replies
// prepared at start; its ratio against server-filesystem, measured in the
// same run, is the best any server could reach with this client and machine.
// --client native (with --native-client BIN: bench_mcp_native_client): ping
// and read_file only, timed by a C++ client whose own cost per call is a
// write and a read, so the round trip is the servers' and the pipe's.
//
// Without --workspace, a fixed corpus is copied from the machine's Python
// standard library into the scratch folder (see SMALL_CORPUS).
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { spawn, spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { parseArgs } from "node:util";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const require = createRequire(import.meta.url);

const { values: opt } = parseArgs({
  options: {
    switchboard: { type: "string", default: process.env.SB_BINARY },
    floor: { type: "string" },
    "native-client": { type: "string" },
    workspace: { type: "string" },
    scratch: { type: "string", default: path.join(os.tmpdir(), "switchboard-mcpbench") },
    iterations: { type: "string", default: "200" },
    "read-iterations": { type: "string", default: "1000" },  // cheap calls: more of them for the CPU figure
    warmup: { type: "string", default: "20" },
    large: { type: "string", multiple: true, default: [] },
    "large-iterations": { type: "string", default: "50" },
    "large-reference-iterations": { type: "string", default: "3" },
    client: { type: "string", default: "sdk" },  // sdk | raw
    order: { type: "string", default: "calls" },  // calls: A,B then B,A per call | blocks: of 50 calls
    smoke: { type: "boolean", default: false },
    json: { type: "string" },
  },
});
// Relative paths are the caller's (run.sh changes folder before starting node).
const here = (p) => p && path.resolve(process.env.SB_CALLER_CWD ?? process.cwd(), p);
for (const k of ["switchboard", "floor", "native-client", "workspace", "scratch", "json"]) opt[k] = here(opt[k]);
opt.large = opt.large.map(here);
if (!opt.switchboard) {
  console.error("--switchboard BIN (or SB_BINARY) is required");
  process.exit(2);
}
const N = opt.smoke ? 10 : Number(opt.iterations);
const WARMUP = opt.smoke ? 3 : Number(opt.warmup);
const READ_N = opt.smoke ? 10 : Number(opt["read-iterations"]);
const BLOCK = 50;

// The fixed small corpus: these packages of Python's standard library, .py
// files only (132 files, ~57k lines with Debian 12's Python 3.11.2).
const SMALL_SOURCE = "/usr/lib/python3.11";
const SMALL_CORPUS = ["json", "email", "http", "urllib", "asyncio", "importlib", "logging", "xml", "concurrent"];
const READ_FILES = 40;             // distinct files read round-robin
const BATCH = 256;                 // paths per read_multiple_files call
const LITERALS = ["raise ValueError", "EXPECT_NEVER_FOUND_12345"];

// ---------------------------------------------------------------- helpers

function listFiles(root) {
  const out = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push(p);
    }
  };
  walk(root);
  return out;
}

function makeSmallCorpus(dir) {
  const stamp = path.join(dir, ".sb-corpus-complete");
  if (fs.existsSync(stamp)) return;
  fs.rmSync(dir, { recursive: true, force: true });
  for (const pkg of SMALL_CORPUS) {
    for (const f of listFiles(path.join(SMALL_SOURCE, pkg))) {
      if (!f.endsWith(".py")) continue;
      const dest = path.join(dir, path.relative(SMALL_SOURCE, f));
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      fs.copyFileSync(f, dest);
    }
  }
  fs.writeFileSync(stamp, "");
}

// Files, lines and bytes in the workspace, and in the part of it that
// search_code reads: its scanner leaves out node_modules/, __pycache__/,
// *.min.js, files over 1 MiB and binary files (a NUL in the first 8 KiB).
function corpusFacts(root) {
  const all = { files: 0, lines: 0, bytes: 0 };
  const searched = { files: 0, lines: 0, bytes: 0 };
  for (const f of listFiles(root)) {
    const rel = path.relative(root, f);
    if (rel.startsWith(".sb-")) continue;
    const b = fs.readFileSync(f);
    let lines = 0;
    for (let i = b.indexOf(10); i !== -1; i = b.indexOf(10, i + 1)) lines++;
    const add = (t) => { t.files++; t.lines += lines; t.bytes += b.length; };
    add(all);
    const skipped = /(^|\/)(node_modules|__pycache__)\//.test(rel) || /\.min\.(js|css)$/.test(rel) ||
                    b.length > 1024 * 1024 || b.subarray(0, 8192).includes(0);
    if (!skipped) add(searched);
  }
  return { ...all, searched };
}

const describe = (c) =>
  `${c.files} files, ${c.lines} lines, ${(c.bytes / 1e6).toFixed(1)} MB` +
  (c.searched.files !== c.files ? ` (search_code reads ${c.searched.files} files, ${c.searched.lines} lines, ` +
                                  `${(c.searched.bytes / 1e6).toFixed(1)} MB)` : "");

function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
  return { n: s.length, median: q(50), p90: q(90), p99: q(99), min: s[0], max: s[s.length - 1] };
}

function packageVersion(name) {
  const file = path.join(path.dirname(new URL(import.meta.url).pathname), "node_modules", name, "package.json");
  return JSON.parse(fs.readFileSync(file, "utf8")).version;
}

const fmt = (ms) => (ms < 10 ? ms.toFixed(3) : ms < 100 ? ms.toFixed(2) : ms.toFixed(1));

async function timed(fn) {
  const t = performance.now();
  const r = await fn();
  return [performance.now() - t, r];
}

function toolOk(r, what) {
  assert.ok(!r.isError, `${what} failed: ${JSON.stringify(r).slice(0, 500)}`);
  return r;
}

// Every occurrence of a literal, line by line, as (path, 1-based line,
// 1-based byte column): what search_code reports.
function grepLiteral(rel, text, literal, out) {
  if (!text.includes(literal)) return;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    for (let at = lines[i].indexOf(literal); at !== -1; at = lines[i].indexOf(literal, at + literal.length))
      out.push(`${rel}:${i + 1}:${Buffer.byteLength(lines[i].slice(0, at)) + 1}`);
  }
}

// ---------------------------------------------------------------- servers

// A bare newline-delimited JSON-RPC client: one request in flight, no schema
// validation. It shows how much of the SDK client's round trip is the
// servers' own cost.
class RawClient {
  constructor(command, args, env) {
    this.child = spawn(command, args, { env, stdio: ["pipe", "pipe", "ignore"] });
    this.parts = [];  // the unfinished line, in pieces (responses can be megabytes)
    this.nextId = 1;
    this.pending = new Map();
    this.child.stdout.setEncoding("utf8");
    this.child.stdout.on("data", (chunk) => {
      let start = 0;
      for (let nl = chunk.indexOf("\n"); nl !== -1; nl = chunk.indexOf("\n", start)) {
        this.parts.push(chunk.slice(start, nl));
        start = nl + 1;
        const line = this.parts.join("");
        this.parts = [];
        if (line.trim()) this.dispatch(JSON.parse(line));
      }
      if (start < chunk.length) this.parts.push(chunk.slice(start));
    });
  }
  dispatch(msg) {
    const p = msg.id !== undefined && this.pending.get(msg.id);
    if (!p) return;  // notifications, server requests
    this.pending.delete(msg.id);
    if (msg.error) p.reject(new Error(JSON.stringify(msg.error)));
    else p.resolve(msg.result);
  }
  request(method, params) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.stdin.write(JSON.stringify({ jsonrpc: "2.0", id, method, params }) + "\n");
    });
  }
  async connect() {
    await this.request("initialize", { protocolVersion: "2025-06-18", capabilities: {},
                                       clientInfo: { name: "mcpbench-raw", version: "1.0.0" } });
    this.child.stdin.write(JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }) + "\n");
  }
  listTools() { return this.request("tools/list", {}); }
  ping() { return this.request("ping", {}); }
  callTool(params) { return this.request("tools/call", params); }
  async close() {
    this.child.stdin.end();
    await new Promise((r) => { if (this.child.exitCode !== null) r(); else this.child.once("exit", r); });
  }
}

async function connect(name, command, args, env) {
  if (opt.client === "raw") {
    const raw = new RawClient(command, args, env);
    await raw.connect();
    await raw.listTools();
    raw.pid = raw.child.pid;
    return raw;
  }
  const client = new Client({ name: `mcpbench-${name}`, version: "1.0.0" });
  // The SDK caps a message at 10 MB by default; read_multiple_files on the
  // large workspace answers more than that (the text twice: content and
  // structuredContent), so the cap is raised for both servers alike.
  const transport = new StdioClientTransport({ command, args, env, stderr: "ignore", maxBufferSize: 1 << 29 });
  await client.connect(transport);
  client.pid = transport.pid;
  await client.listTools();  // as an assistant would; also primes the SDK's output-schema validators
  return client;
}

async function startSwitchboard(workspace, indexDir) {
  const env = { ...process.env, XDG_CONFIG_HOME: path.join(opt.scratch, "xdg-config") };
  const client = await connect("switchboard", opt.switchboard, ["mcp", workspace, "--index-dir", indexDir], env);
  // Let the background index finish so that it does not compete for the CPU.
  for (let i = 0; ; i++) {
    const s = toolOk(await client.callTool({ name: "workspace_stats", arguments: {} }), "workspace_stats");
    if (!s.structuredContent.indexing && s.structuredContent.files > 0) break;
    assert.ok(i < 6000, "the index never became ready");
    await new Promise((r) => setTimeout(r, 100));
  }
  return client;
}

function startFilesystem(workspace) {
  const entry = require.resolve("@modelcontextprotocol/server-filesystem/dist/index.js");
  return connect("filesystem", process.execPath, [entry, workspace], { ...process.env });
}

// ---------------------------------------------------------------- operations

const sbRead = (sb, root, abs) => async () => {
  const r = toolOk(await sb.callTool({ name: "read_file", arguments: { path: path.relative(root, abs) } }), "read_file");
  return r.content[0].text;
};

const fsRead = (fsc, abs) => async () => {
  const r = toolOk(await fsc.callTool({ name: "read_text_file", arguments: { path: abs } }), "read_text_file");
  return r.content[0].text;
};

const sbSearch = (sb, literal) => async () => {
  const r = toolOk(await sb.callTool({ name: "search_code", arguments: { pattern: literal, maxResults: 2000 } }),
                   "search_code");
  assert.ok(!r.structuredContent.truncated, "search_code truncated: pick a rarer literal");
  return r.structuredContent.matches.map((m) => `${m.path}:${m.line}:${m.column}`).sort();
};

// server-filesystem cannot search contents: its search_files matches names.
// The only way an assistant finds a string with it is to list the files
// (search_files with a glob) and read them all (read_multiple_files), then
// search the text itself; this does exactly that.
const fsContentSearch = (fsc, root, glob, literal, excludePatterns = []) => async () => {
  const listed = toolOk(await fsc.callTool({ name: "search_files", arguments: { path: root, pattern: glob, excludePatterns } }),
                        "search_files").content[0].text;
  const paths = listed === "No matches found" ? [] : listed.split("\n");
  const hits = [];
  for (let b = 0; b < paths.length; b += BATCH) {
    const batch = paths.slice(b, b + BATCH);
    const text = toolOk(await fsc.callTool({ name: "read_multiple_files", arguments: { paths: batch } }),
                        "read_multiple_files").content[0].text;
    // Entries are "PATH:\nCONTENT\n" (or "PATH: Error - ...") joined by
    // "\n---\n"; the paths are known, so split at the next one's header.
    let at = 0;
    for (let i = 0; i < batch.length; i++) {
      const end = i + 1 < batch.length ? text.indexOf(`\n---\n${batch[i + 1]}:`, at) : text.length;
      const header = `${batch[i]}:\n`;
      if (text.startsWith(header, at)) {
        const content = text.slice(at + header.length, end - 1);  // drop the "\n" the server appends
        grepLiteral(path.relative(root, batch[i]), content, literal, hits);
      }
      at = end + 5;
    }
  }
  return hits.sort();
};

const fsNameSearch = (fsc, root, glob) => async () =>
  toolOk(await fsc.callTool({ name: "search_files", arguments: { path: root, pattern: glob } }), "search_files")
    .content[0].text.split("\n");

// CPU time (user + system) a process has used so far, in ms: the servers'
// own cost per call, which waiting for a busy CPU does not inflate.
function cpuMs(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100;  // utime, stime in USER_HZ (100)
}

// Runs two operations (each [fn, server pid]) WARMUP then N times each,
// alternating which goes first.
async function interleaved([a, pa], [b, pb], n = N, warmup = WARMUP) {
  if (opt.order === "blocks") return inBlocks([a, pa], [b, pb], n, warmup);
  const ta = [], tb = [];
  let ca = 0, cb = 0;
  for (let i = 0; i < warmup + n; i++) {
    if (i === warmup) [ca, cb] = [cpuMs(pa), cpuMs(pb)];
    const first = i % 2 === 0;
    const [x, y] = first ? [a, b] : [b, a];
    const [dx] = await timed(x);
    const [dy] = await timed(y);
    if (i < warmup) continue;
    (first ? ta : tb).push(dx);
    (first ? tb : ta).push(dy);
  }
  return [{ ...stats(ta), cpu: (cpuMs(pa) - ca) / n }, { ...stats(tb), cpu: (cpuMs(pb) - cb) / n }];
}

// The same, in alternating blocks of BLOCK calls (A, B, B, A, ...): a server
// then runs without the other's leftover work (a Node server's garbage
// collection after its answer) on the 2 cores, as it does for an assistant
// that talks to one server; slow drifts in load still fall on both alike.
async function inBlocks([a, pa], [b, pb], n, warmup) {
  const ta = [], tb = [];
  let ca = 0, cb = 0;
  for (let i = 0; i < warmup; i++) {
    await timed(a);
    await timed(b);
  }
  for (let done = 0, k = 0; done < n; k++) {
    const m = Math.min(BLOCK, n - done);
    for (const [fn, pid, out] of k % 2 === 0 ? [[a, pa, ta], [b, pb, tb]] : [[b, pb, tb], [a, pa, ta]]) {
      const c0 = cpuMs(pid);
      for (let i = 0; i < m; i++) out.push((await timed(fn))[0]);
      if (pid === pa) ca += cpuMs(pid) - c0;
      else cb += cpuMs(pid) - c0;
    }
    done += m;
  }
  return [{ ...stats(ta), cpu: ca / n }, { ...stats(tb), cpu: cb / n }];
}

async function alone([fn, pid], n, warmup) {
  const t = [];
  let c = 0;
  for (let i = 0; i < warmup + n; i++) {
    if (i === warmup) c = cpuMs(pid);
    const [d] = await timed(fn);
    if (i >= warmup) t.push(d);
  }
  return { ...stats(t), cpu: (cpuMs(pid) - c) / n };
}

// read_file: whole files of 200-2000 lines (Switchboard's read_file returns
// at most 2000), picked evenly from the sorted list.
function pickReadFiles(workspace) {
  const candidates = listFiles(workspace).filter((f) => {
    const n = fs.readFileSync(f, "utf8").split("\n").length - 1;
    return n >= 200 && n <= 2000;
  });
  const count = Math.min(READ_FILES, candidates.length);
  return Array.from({ length: count }, (_, i) => candidates[Math.floor((i * candidates.length) / count)]);
}

function readRowTitle(picked) {
  const lines = picked.map((f) => fs.readFileSync(f, "utf8").split("\n").length - 1);
  const avgLines = Math.round(lines.reduce((a, b) => a + b, 0) / lines.length);
  const avgKb = picked.reduce((a, f) => a + fs.statSync(f).size, 0) / picked.length / 1024;
  return `read_file vs read_text_file, ${picked.length} files of 200–2000 lines (mean ${avgLines} lines, ` +
         `${avgKb.toFixed(1)} KiB)`;
}

const FLOOR_ROW = "floor: the same read_file calls answered from memory by bench_mcp_floor (no file access, " +
                  "reply bytes prepared at start) vs read_text_file: the best ratio any server could reach";

// --client native: the C++ client times ping and read_file (and the floor)
// against both servers, interleaved as here; the rows are reported alike.
function runNative(workspace) {
  const picked = pickReadFiles(workspace);
  const fsEntry = require.resolve("@modelcontextprotocol/server-filesystem/dist/index.js");
  const servers = {
    switchboard: { argv: [opt.switchboard, "mcp", workspace, "--index-dir", path.join(opt.scratch, "index-small")],
                   relative: true, tool: "read_file", waitForIndex: true },
    filesystem: { argv: [process.execPath, fsEntry, workspace], relative: false, tool: "read_text_file" },
  };
  const pairs = [{ what: "ping", a: "switchboard", b: "filesystem" }, { what: "read", a: "switchboard", b: "filesystem" }];
  if (opt.floor) {
    servers.floor = { argv: [opt.floor, workspace], relative: true, tool: "read_file" };
    pairs.push({ what: "read", a: "floor", b: "filesystem" });
  }
  const config = path.join(opt.scratch, "native-client.json");
  fs.writeFileSync(config, JSON.stringify({ workspace, files: picked, servers, pairs, n: READ_N, warmup: WARMUP,
                                            order: opt.order, block: BLOCK }));
  const env = { ...process.env, XDG_CONFIG_HOME: path.join(opt.scratch, "xdg-config") };
  const r = spawnSync(opt["native-client"], [config], { env, encoding: "utf8", maxBuffer: 1 << 26,
                                                        stdio: ["ignore", "pipe", "inherit"] });
  if (r.status !== 0) throw new Error(`bench_mcp_native_client failed (${r.status ?? r.signal})`);
  const results = JSON.parse(r.stdout);
  const titles = ["ping (no work: the floor of any call)", readRowTitle(picked), FLOOR_ROW];
  results.forEach((pair, i) =>
    report(titles[i], { ...stats(pair.a.samples), cpu: pair.a.cpu }, { ...stats(pair.b.samples), cpu: pair.b.cpu }));
}

// ---------------------------------------------------------------- main

const rows = [];
function report(what, sbStats, fsStats) {
  const ratio = sbStats && fsStats ? fsStats.median / sbStats.median : null;
  const row = { what, switchboard: sbStats, filesystem: fsStats, ratio };
  rows.push(row);
  const cell = (s) => (s ? `${fmt(s.median)} | ${fmt(s.p90)} | ${fmt(s.p99)}` : "— | — | —");
  const n = sbStats && fsStats && sbStats.n !== fsStats.n ? `${sbStats.n} / ${fsStats.n}` : (sbStats ?? fsStats).n;
  const cpu = (st) => (st ? fmt(st.cpu) : "—");
  console.log(`| ${what} | ${n} | ${cell(sbStats)} | ${cell(fsStats)} | ${row.ratio ? row.ratio.toFixed(1) + "x" : "—"} | ` +
              `${cpu(sbStats)} / ${cpu(fsStats)} |`);
}

const facts = {
  date: new Date().toISOString(),
  node: process.version,
  sdk: packageVersion("@modelcontextprotocol/sdk"),
  serverFilesystem: packageVersion("@modelcontextprotocol/server-filesystem"),
  client: opt.client,
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model,
  loadBefore: os.loadavg(),
  iterations: N,
  readIterations: READ_N,
  warmup: WARMUP,
  order: opt.order,
};
fs.mkdirSync(opt.scratch, { recursive: true });
const workspace = fs.realpathSync(opt.workspace ?? (makeSmallCorpus(path.join(opt.scratch, "small")),
                                                    path.join(opt.scratch, "small")));
facts.workspace = { path: workspace, ...corpusFacts(workspace) };
console.log(`# ${opt.client} client, ${opt.order === "blocks" ? `blocks of ${BLOCK} calls` : "calls"} alternating; node ${facts.node}, sdk ${facts.sdk}, server-filesystem ${facts.serverFilesystem}, ` +
            `${facts.cpus} cpus (${facts.cpuModel}), load ${facts.loadBefore.map((l) => l.toFixed(2)).join(" ")}`);
console.log(`# workspace ${workspace}: ${describe(facts.workspace)}; ${N} measured calls per row ` +
            `(${READ_N} for read_file) after ${WARMUP} warm-up`);

let failed = false;
if (opt.client === "native") {
  if (!opt["native-client"]) throw new Error("--client native needs --native-client BIN");
  console.log("| tools/call (ms) | n | Switchboard median | p90 | p99 | server-filesystem median | p90 | p99 | " +
              "ratio of medians | server CPU per call, Switchboard / server-filesystem |");
  console.log("|---|---|---|---|---|---|---|---|---|---|");
  runNative(workspace);
  facts.loadAfter = os.loadavg();
  console.log(`# load after ${facts.loadAfter.map((l) => l.toFixed(2)).join(" ")}`);
  if (opt.json) fs.writeFileSync(opt.json, JSON.stringify({ facts, rows }, null, 2) + "\n");
  process.exit(0);
}
const sb = await startSwitchboard(workspace, path.join(opt.scratch, "index-small"));
const fsc = await startFilesystem(workspace);
try {
  console.log("| tools/call (ms) | n | Switchboard median | p90 | p99 | server-filesystem median | p90 | p99 | " +
              "ratio of medians | server CPU per call, Switchboard / server-filesystem |");
  console.log("|---|---|---|---|---|---|---|---|---|---|");

  // ping: the protocol's floor on each side (client, pipe, the server's
  // dispatch), which every tool call pays before doing any work.
  const [ps, pf] = await interleaved([() => sb.ping(), sb.pid], [() => fsc.ping(), fsc.pid], READ_N);
  report("ping (no work: the floor of any call)", ps, pf);

  const picked = pickReadFiles(workspace);
  for (const f of picked) {
    const want = fs.readFileSync(f, "utf8");
    assert.equal(await sbRead(sb, workspace, f)(), want, `switchboard read_file ${f}`);
    assert.equal(await fsRead(fsc, f)(), want, `server-filesystem read_text_file ${f}`);
  }
  let k = 0, j = 0;
  const [rs, rf] = await interleaved([() => sbRead(sb, workspace, picked[k++ % picked.length])(), sb.pid],
                                     [() => fsRead(fsc, picked[j++ % picked.length])(), fsc.pid], READ_N);
  report(readRowTitle(picked), rs, rf);
  if (opt.floor) {
    // The same calls to a server that does no work, in place of Switchboard:
    // the client's and the pipe's share of the round trip, and so the best
    // ratio of medians any server could reach here.
    const floor = await connect("floor", opt.floor, [workspace], { ...process.env });
    try {
      for (const f of picked)
        assert.equal(await sbRead(floor, workspace, f)(), fs.readFileSync(f, "utf8"), `floor read_file ${f}`);
      let x = 0, y = 0;
      const [fl, rf2] = await interleaved([() => sbRead(floor, workspace, picked[x++ % picked.length])(), floor.pid],
                                          [() => fsRead(fsc, picked[y++ % picked.length])(), fsc.pid], READ_N);
      report(FLOOR_ROW, fl, rf2);
    } finally {
      await floor.close();
    }
  }

  // search_code (literal) vs the reference's list + read + grep.
  for (const literal of LITERALS) {
    const want = await sbSearch(sb, literal)();
    const got = await fsContentSearch(fsc, workspace, "**/*.py", literal)();
    assert.deepEqual(got, want, `the two searches for ${literal} disagree`);
    const [ss, sf] = await interleaved([sbSearch(sb, literal), sb.pid],
                                       [fsContentSearch(fsc, workspace, "**/*.py", literal), fsc.pid]);
    report(`search_code "${literal}" (${want.length} hits) vs search_files + read_multiple_files + grep in the client`, ss, sf);
  }

  // Different semantics, for reference only: search_files matches names.
  const [ns, nf] = await interleaved([sbSearch(sb, LITERALS[0]), sb.pid],
                                   [fsNameSearch(fsc, workspace, "**/*parser*"), fsc.pid]);
  report(`search_code "${LITERALS[0]}" vs search_files "**/*parser*" (file NAMES only: not the same work)`, ns, nf);
} catch (e) {
  failed = true;
  console.error(e?.stack ?? e);
} finally {
  await sb.close();
  await fsc.close();
}

// search_code on each large (1M-line) workspace: Switchboard alone, then
// the reference's only way a few times for scale.
facts.large = [];
for (const dir of opt.large) {
  if (failed) break;
  if (!fs.existsSync(dir)) {
    console.log(`\n# no large workspace at ${dir}: make it with sh bench/make-index-corpus.sh ${dir}`);
    continue;
  }
  const large = fs.realpathSync(dir);
  const f = { path: large, ...corpusFacts(large) };
  facts.large.push(f);
  console.log(`\n# large workspace ${large}: ${describe(f)}; load ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  const sbl = await startSwitchboard(large, path.join(opt.scratch, "index" + large.replace(/[^A-Za-z0-9]+/g, "_")));
  try {
    const said = await sbl.callTool({ name: "search_code", arguments: { pattern: LITERALS[1] } });
    console.log(`# search_code says: ${said.content[0].text.trim()}`);
    const n = opt.smoke ? 3 : Number(opt["large-iterations"]);
    const sbLarge = [];
    const label = `${(f.searched.lines / 1e6).toFixed(2)}M lines searched`;
    for (const literal of LITERALS) {
      const hits = (await sbSearch(sbl, literal)()).length;
      sbLarge.push(await alone([sbSearch(sbl, literal), sbl.pid], n, 3));
      report(`search_code "${literal}", ${label} (${hits} hits)`, sbLarge.at(-1), null);
    }
    // Too slow to interleave call by call: a few runs after Switchboard's.
    const nr = opt.smoke ? 0 : Number(opt["large-reference-iterations"]);
    if (nr > 0) {
      const fsl = await startFilesystem(large);
      try {
        const literal = LITERALS[1];
        const st = await alone([fsContentSearch(fsl, large, "**/*", literal, ["**/node_modules"]), fsl.pid], nr, 1);
        report(`search_code "${literal}", ${label}, vs search_files + read_multiple_files + grep (not interleaved)`,
               sbLarge[1], st);
      } finally {
        await fsl.close();
      }
    }
  } catch (e) {
    failed = true;
    console.error(e?.stack ?? e);
  } finally {
    await sbl.close();
  }
}

facts.loadAfter = os.loadavg();
console.log(`# load after ${facts.loadAfter.map((l) => l.toFixed(2)).join(" ")}`);
if (opt.json) fs.writeFileSync(opt.json, JSON.stringify({ facts, rows }, null, 2) + "\n");
process.exit(failed ? 1 : 0);
