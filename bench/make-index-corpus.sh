#!/bin/sh
# Assembles ~1M lines of real code already on a Debian machine (plus
# TypeScript's lib from npm) into one workspace for the index benchmarks.
#   sh bench/make-index-corpus.sh [DIR]   (default /tmp/switchboard-bench/workspace)
set -eu
dir=${1:-/tmp/switchboard-bench/workspace}
rm -rf "$dir"
mkdir -p "$dir"
copy() {  # copy SRC DEST-SUBDIR NAME-PATTERN
  mkdir -p "$dir/$2"
  (cd "$1" && find . -name "$3" -type f -exec cp --parents {} "$dir/$2" \;)
}
copy /usr/lib/python3.11 python '*.py'
copy /usr/include/c++/12 cxx '*.h'
copy /usr/include/linux linux '*.h'
copy /usr/include/x86_64-linux-gnu x86_64 '*.h'
mkdir -p "$dir/include" && cp /usr/include/*.h "$dir/include/"
copy /usr/lib/node_modules/npm npm '*.js'
ts=$(mktemp -d)
if (cd "$ts" && npm pack --silent typescript@5.6.3 >/dev/null 2>&1); then
  mkdir -p "$dir/typescript" && tar xzf "$ts"/typescript-*.tgz -C "$dir/typescript" package/lib
fi
rm -rf "$ts"
# Parse-throughput corpora for bench_micro (BM_FullParse): Java from a JDK's
# src.zip when one is installed, TypeScript's lib .d.ts files.
base=$(dirname "$dir")
zip=$(ls /usr/lib/jvm/*/lib/src.zip 2>/dev/null | while read -r z; do [ -s "$z" ] && echo "$z"; done | head -n 1)
if [ -n "$zip" ] && command -v unzip >/dev/null; then
  rm -rf "$base/java" && mkdir -p "$base/java" && unzip -q -o "$zip" 'java.base/java/util/*' -d "$base/java"
fi
if [ -d "$dir/typescript/package/lib" ]; then
  rm -rf "$base/typescript" && mkdir -p "$base/typescript" && cp "$dir"/typescript/package/lib/*.d.ts "$base/typescript/"
fi
echo "$dir: $(find "$dir" -type f | wc -l) files, $(find "$dir" -type f -exec cat {} + | wc -l) lines"
