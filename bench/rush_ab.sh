#!/usr/bin/env bash
# The deadline rush, A B A B: `make bench-rush-ab AGAINST=<commit>`.
#
# One machine shared with others gives the same code 43.7 requests/s in one run and 23.4 in
# the next (README, "The deadline rush"): a single run of each code cannot say which is
# faster. This runs bench/rush_bench.py on <commit> (A) and on the commit checked out here (B),
# alternately, ROUNDS times each (default 2), each from a clean worktree of its commit sharing
# this checkout's .venv, and prints each run's totals and targets line in the order they ran.
# Uncommitted changes are not measured. Worktrees are removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
AGAINST=${1:?usage: bench/rush_ab.sh <commit> [rounds] [rush_bench.py options]}
ROUNDS=${2:-2}
shift $(( $# >= 2 ? 2 : 1 ))
HERE=$(git rev-parse --short HEAD)
THERE=$(git rev-parse --short "$AGAINST")
VENV=$(pwd)/.venv
TMP=$(mktemp -d /tmp/pmqa-rush-ab-XXXXXX)
cleanup() { git worktree remove --force "$TMP/A" 2>/dev/null || true; git worktree remove --force "$TMP/B" 2>/dev/null || true; rm -rf "$TMP"; }
trap cleanup EXIT
git worktree add -q --detach "$TMP/A" "$THERE"
git worktree add -q --detach "$TMP/B" "$HERE"
ln -s "$VENV" "$TMP/A/.venv"
ln -s "$VENV" "$TMP/B/.venv"
for round in $(seq "$ROUNDS"); do
  for side in A B; do
    commit=$THERE; [ "$side" = B ] && commit=$HERE
    echo "== round $round, $side ($commit), load average $(cut -d' ' -f1-3 /proc/loadavg)"
    (cd "$TMP/$side" && .venv/bin/python bench/rush_bench.py "$@" 2>&1) | grep -v '^{"time"' \
      | grep -E '^(request |autosave|decide|office home|open sub-item|review |save|send for review|upload|[0-9]+ requests in|peak resident|targets)' || true
  done
done
