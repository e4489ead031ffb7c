#!/bin/sh
# Installs what Switchboard needs to build and test on Debian 12 (run as root).
# clang and libclang-rt-14-dev (its libFuzzer and sanitizer runtimes) are only
# for the -DSWITCHBOARD_FUZZ=ON build (docs/reliability.md).
# Skips apt entirely when everything is already there, so repeated runs are fast
# and work offline.
set -eu

PACKAGES="build-essential cmake ninja-build pkg-config ccache git
  nlohmann-json3-dev libboost-dev libcurl4-openssl-dev libtree-sitter-dev
  libsqlite3-dev libspdlog-dev libre2-dev libgtest-dev libgmock-dev libbenchmark-dev neovim
  clang libclang-rt-14-dev"

missing=""
for p in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
# Node.js with npm fetches the tree-sitter grammars; keep an existing install
# (e.g. NodeSource's, which bundles npm) rather than mixing in Debian's npm.
command -v npm >/dev/null 2>&1 || missing="$missing nodejs npm"

if [ -n "$missing" ]; then
  echo "install-deps: installing$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  # shellcheck disable=SC2086
  apt-get install -y -q --no-install-recommends $missing
else
  echo "install-deps: all dependencies present"
fi
