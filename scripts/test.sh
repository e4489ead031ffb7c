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

# ThreadSanitizer: a third full build and run. Measured on 2 idle cores from
# a cold ccache: about 7.5 min to build and 1.7 min to test (docs/reliability.md),
# so SWITCHBOARD_TSAN_MINUTES (its expected cost) defaults to 12 with a margin.
# SWITCHBOARD_TEST_TSAN=1 forces it, 0 skips it; "auto" (the default) runs it
# only if the time spent so far plus that cost stays within
# SWITCHBOARD_TEST_BUDGET_MINUTES (default 20, CI's limit).
tsan=${SWITCHBOARD_TEST_TSAN:-auto}
tsan_minutes=${SWITCHBOARD_TSAN_MINUTES:-12}
budget_minutes=${SWITCHBOARD_TEST_BUDGET_MINUTES:-20}
spent_s=$(( $(date +%s) - start ))
spent="$(( spent_s / 60 )) min $(( spent_s % 60 )) s spent"
case "$tsan" in
  1) tsan_why="forced by SWITCHBOARD_TEST_TSAN=1 ($spent)" ;;
  0) tsan_why="turned off by SWITCHBOARD_TEST_TSAN=0" ;;
  auto)
    if [ $(( spent_s + tsan_minutes * 60 )) -le $(( budget_minutes * 60 )) ]; then
      tsan=1
      tsan_why="$spent + about $tsan_minutes min fits the $budget_minutes min budget"
    else
      tsan=0
      tsan_why="$spent + about $tsan_minutes min would pass the $budget_minutes min budget; SWITCHBOARD_TEST_TSAN=1 forces it"
    fi ;;
  *) echo "SWITCHBOARD_TEST_TSAN must be 0, 1 or auto, not '$tsan'" >&2; exit 2 ;;
esac
if [ "$tsan" != 1 ]; then
  echo "== ThreadSanitizer stage SKIPPED: $tsan_why"
else
  echo "== build with ThreadSanitizer and test: $tsan_why"
  cmake -S . -B build-tsan -G Ninja -DSWITCHBOARD_TSAN=ON -DSWITCHBOARD_BENCH=OFF
  cmake --build build-tsan -j "$jobs"
  in_test_home env TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$PWD/tests/tsan.supp" \
    ctest --test-dir build-tsan --output-on-failure -j "$jobs" --timeout 900
fi
total_s=$(( $(date +%s) - start ))
if [ "$tsan" = 1 ]; then tsan_result="ran"; else tsan_result="SKIPPED ($tsan_why)"; fi
echo "== all stages passed in $(( total_s / 60 )) min $(( total_s % 60 )) s: normal, ASan + UBSan; ThreadSanitizer $tsan_result"
