#!/usr/bin/env bash
# Installs the pinned SDK into WORKDIR (a build-tree folder, never the source
# tree) and runs e2e.mjs, then docs_config.mjs (the documented client
# configuration), from there so Node resolves it.
# Usage: run.sh SOURCE_DIR WORKDIR   (SB_BINARY, SB_FIXTURE, SB_SCRATCH in the environment)
set -eu
src=$1 work=$2
root=$(cd "$src/../../.." && pwd)
mkdir -p "$work"
cp "$src/package.json" "$src/package-lock.json" "$src/harness.mjs" "$src/e2e.mjs" "$src/docs_config.mjs" "$work/"
cd "$work"
# Reinstall only when the lock file changed since the last install.
if ! cmp -s package-lock.json node_modules/.sb-installed-lock.json 2>/dev/null; then
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.sb-installed-lock.json
fi
rc=0
node e2e.mjs || rc=1
SB_SCRATCH="$SB_SCRATCH-docs" SB_PROTOCOLS_DOC="$root/docs/protocols.md" SB_README="$root/README.md" \
  node docs_config.mjs || rc=1
exit $rc
