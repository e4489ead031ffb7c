#!/usr/bin/env bash
# Builds, tests and packages the VS Code extension in a copy of
# editors/vscode under WORKDIR (a build-tree folder, never the source tree).
# Usage: vscode.sh SOURCE_DIR WORKDIR
# Environment: SWITCHBOARD_BIN (the daemon, for the LSP wiring test),
# SWITCHBOARD_FAKE_BACKEND (sb_fake_backend_server, for the workflow commands),
# SWITCHBOARD_CONFIG_SCHEMA (docs/config.schema.json, for the manifest test).
# Exits 77 (skipped) when node or npm is missing.
set -eu
src=$1 work=$2
if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
  echo "node or npm not found: skipped"
  exit 77
fi
mkdir -p "$work"
# A fresh copy of the sources; node_modules stays between runs.
rm -rf "$work/src" "$work/test" "$work/out" "$work"/*.vsix
(cd "$src" && tar --exclude=./node_modules --exclude=./out --exclude='./*.vsix' -cf - .) | (cd "$work" && tar -xf -)
cd "$work"
# Reinstall only when the lock file changed since the last install.
if ! cmp -s package-lock.json node_modules/.sb-installed-lock.json 2>/dev/null; then
  npm ci --prefer-offline --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.sb-installed-lock.json
fi
npm test
npm run package </dev/null
version=$(node -p 'require("./package.json").version')
vsix="switchboard-$version.vsix"
test -s "$vsix" || { echo "no $vsix"; exit 1; }
listing=$(node -e '
  // The central directory of a zip: file names follow 46-byte headers (signature PK\1\2).
  const b = require("fs").readFileSync(process.argv[1]);
  for (let i = b.lastIndexOf(Buffer.from("PK\x05\x06")), n = b.readUInt16LE(i + 10), p = b.readUInt32LE(i + 16); n > 0; n--) {
    const len = b.readUInt16LE(p + 28), extra = b.readUInt16LE(p + 30), comment = b.readUInt16LE(p + 32);
    console.log(b.toString("utf8", p + 46, p + 46 + len));
    p += 46 + len + extra + comment;
  }' "$vsix")
for f in extension/package.json extension/readme.md extension/out/src/extension.js \
         extension/node_modules/vscode-languageclient/package.json; do
  grep -qx "$f" <<<"$listing" || { echo "$vsix lacks $f"; exit 1; }
done
if grep -q '^extension/out/test/\|^extension/src/\|^extension/node_modules/typescript/' <<<"$listing"; then
  echo "$vsix holds tests, sources or dev dependencies"
  exit 1
fi
echo "packaged $vsix ($(wc -l <<<"$listing") files)"
