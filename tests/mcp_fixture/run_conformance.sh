#!/usr/bin/env bash
# Starts the fixture server on an ephemeral port, runs the MCP conformance
# suite's server scenarios against it with the expected-failures baseline,
# and stops the server. Usage: run_conformance.sh FIXTURE BASELINE RESULTS_DIR
set -u
fixture=$1 baseline=$2 results=$3
version=0.1.13  # 0.1.16 needs Node 22 (fs.globSync); this machine has Node 20
mkdir -p "$results"
log="$results/fixture.log"
"$fixture" 2>"$log" &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null' EXIT
url=
for _ in $(seq 100); do
  url=$(grep -o 'http://[^ ]*/mcp' "$log" | head -1)
  [ -n "$url" ] && break
  kill -0 "$pid" 2>/dev/null || { echo "fixture server exited:"; cat "$log"; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "fixture server did not report its URL"; cat "$log"; exit 1; }
echo "fixture server at $url"
# --suite all: the active scenarios and the pending ones (json-schema-2020-12, server-sse-polling).
timeout 540 npx --yes "@modelcontextprotocol/conformance@$version" server --url "$url" --suite all \
  --expected-failures "$baseline" -o "$results"
rc=$?
echo "conformance exit code $rc"
exit $rc
