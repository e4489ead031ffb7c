#!/usr/bin/env bash
set -euo pipefail

greet() {
  echo "hello $1"
}

function cleanup {
  rm -f "$TMP"
}

main() {
  greet world
  cleanup
}

main "$@"
