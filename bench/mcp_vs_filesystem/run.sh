#!/usr/bin/env bash
# Installs the pinned SDK and server-filesystem (package-lock.json) into
# WORKDIR, never the source tree, and runs bench.mjs from there so Node
# resolves them. Options after WORKDIR go to bench.mjs.
# Usage: run.sh WORKDIR --switchboard BIN [--smoke] [--large DIR] ...
set -eu
src=$(cd "$(dirname "$0")" && pwd)
work=$1
shift
mkdir -p "$work"
cp "$src/package.json" "$src/package-lock.json" "$src/bench.mjs" "$work/"
# bench.mjs resolves relative path options against the caller's folder.
export SB_CALLER_CWD=$PWD
cd "$work"
# Reinstall only when the lock file changed since the last install.
if ! cmp -s package-lock.json node_modules/.sb-installed-lock.json 2>/dev/null; then
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.sb-installed-lock.json
fi
exec node bench.mjs "$@"
