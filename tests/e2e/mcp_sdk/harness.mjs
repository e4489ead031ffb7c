// What e2e.mjs and docs_config.mjs share: the scratch copy of the fixture
// repo, named steps that count failures instead of stopping, and the end of
// the run (children stopped, a summary, the exit code).
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

// Empties `scratch` and copies the fixture repo into scratch/repo.
export function scratchRepo(fixture, scratch) {
  fs.rmSync(scratch, { recursive: true, force: true });
  fs.mkdirSync(scratch, { recursive: true });
  const repo = path.join(scratch, "repo");
  fs.cpSync(fixture, repo, { recursive: true });
  return repo;
}

export class Run {
  failures = 0;
  children = [];  // processes to stop at the end

  // Runs one named check; a failure is printed and counted, and the run goes on.
  async step(name, fn) {
    try {
      await fn();
      console.log(`ok   ${name}`);
    } catch (e) {
      this.fail(name, e);
    }
  }

  // Starts `binary ARGS` (an `mcp --http` server), stopped at the end, and
  // resolves to the URL its "MCP on URL" line on stderr names.
  startHttpServer(binary, args, env = process.env) {
    const child = spawn(binary, args, { stdio: ["ignore", "ignore", "pipe"], env });
    this.children.push(child);
    let err = "";
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no URL on stderr: " + err)), 10000);
      child.stderr.on("data", (d) => {
        err += d;
        const m = err.match(/MCP on (http:\/\/\S+\/mcp)/);
        if (m) { clearTimeout(timer); resolve(m[1]); }
      });
      child.on("exit", (code) => reject(new Error(`switchboard ${args.join(" ")} exited ${code}: ${err}`)));
    });
  }

  fail(name, e) {
    this.failures++;
    console.log(`FAIL ${name ? name + ": " : ""}${e?.stack ?? e}`);
  }

  // Stops the children, prints the summary and exits 0 only if nothing failed.
  finish() {
    for (const c of this.children) c.kill("SIGTERM");
    console.log(this.failures === 0 ? "all passed" : `${this.failures} failed`);
    process.exit(this.failures === 0 ? 0 : 1);
  }
}
