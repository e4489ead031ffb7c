#!/bin/sh
# The whole test suite: a normal build and an AddressSanitizer + UBSan build,
# each followed by ctest; then a ThreadSanitizer build and run if time allows
# (see below). Used by the README's test command and so by CI.
set -eu
cd "$(dirname "$0")/.."
start=$(date +%s)
jobs=$(nproc 2>/dev/null || echo 2)
# Let ccache reuse objects across clones in other folders (CI clones afresh).
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1

# The tests' daemons keep their caches, workflow state and config in a
# scratch home, never the user's (~/.cache/switchboard, ~/.local/state, ...);
# the build keeps the real cache (downloaded grammars).
test_home=$(mktemp -d "${TMPDIR:-/tmp}/switchboard-test-home.XXXXXX")
trap 'rm -rf "$test_home"' EXIT
in_test_home() {
  env XDG_CACHE_HOME="$test_home/cache" XDG_STATE_HOME="$test_home/state" XDG_CONFIG_HOME="$test_home/config" "$@"
}

echo "== build (RelWithDebInfo) and test"
cmake -S . -B build -G Ninja
cmake --build build -j "$jobs"
in_test_home ctest --test-dir build --output-on-failure -j "$jobs" --timeout 300

echo "== build with AddressSanitizer + UndefinedBehaviorSanitizer and test"
cmake -S . -B build-asan -G Ninja -DSWITCHBOARD_SANITIZE=ON -DSWITCHBOARD_BENCH=OFF
cmake --build build-asan -j "$jobs"
in_test_home env ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j "$jobs" --timeout 600

# ThreadSanitizer: a third full build and run, about 9 minutes on 2 idle cores
# from a cold ccache (docs/reliability.md). It runs when
# SWITCHBOARD_TEST_TSAN=1; with "auto" (the default) only if the minutes spent
# so far plus SWITCHBOARD_TSAN_MINUTES (its expected cost, default 12) stay
# within SWITCHBOARD_TEST_BUDGET_MINUTES (default 14), so CI keeps well under
# its 20 minutes (a cold CI run, ~6 minutes before this point, skips it);
# 0 skips it.
tsan=${SWITCHBOARD_TEST_TSAN:-auto}
if [ "$tsan" = auto ]; then
  spent=$(( ($(date +%s) - start) / 60 ))
  if [ $(( spent + ${SWITCHBOARD_TSAN_MINUTES:-12} )) -le "${SWITCHBOARD_TEST_BUDGET_MINUTES:-14}" ]; then
    tsan=1
  else
    echo "== ThreadSanitizer build skipped: ${spent} min spent, it needs about ${SWITCHBOARD_TSAN_MINUTES:-12} (SWITCHBOARD_TEST_TSAN=1 forces it)"
  fi
fi
if [ "$tsan" = 1 ]; then
  echo "== build with ThreadSanitizer and test"
  cmake -S . -B build-tsan -G Ninja -DSWITCHBOARD_TSAN=ON -DSWITCHBOARD_BENCH=OFF
  cmake --build build-tsan -j "$jobs"
  in_test_home env TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$PWD/tests/tsan.supp" \
    ctest --test-dir build-tsan --output-on-failure -j "$jobs" --timeout 900
fi
