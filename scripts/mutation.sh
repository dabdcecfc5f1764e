#!/usr/bin/env bash
# Mutation testing of the package ecloud and of ecloudtest with gremlins (pinned),
# every operator mutator on. Not part of CI: a full run takes about 80 minutes on
# 2 cores. See CONTRIBUTING.md for how to run it and how to read what lives.
#
#   scripts/mutation.sh                      # everything in scope
#   MUTATION_FILES='^(retry|ratelimit)\.go$' scripts/mutation.sh   # a subset while iterating
#
# Environment:
#   MUTATION_FILES    regexp on paths relative to the repository root; only matching
#                     files are mutated (default: every file of the two packages)
#   MUTATION_WORKERS  mutants tested at once (default 2)
#   MUTATION_TIMEOUT  coefficient applied to the coverage run's duration to get each
#                     mutant's time limit (default 8: the coverage run takes some 6 s,
#                     a mutant of the root package 10 to 20 s on 2 busy cores)
#   MUTATION_LOG      where the full per-mutant log goes (default /tmp/ecloud-mutation.log)
set -euo pipefail
cd "$(dirname "$0")/.."

gremlins=github.com/go-gremlins/gremlins/cmd/gremlins@v0.6.0
log=${MUTATION_LOG:-/tmp/ecloud-mutation.log}
only=${MUTATION_FILES:-}

# Scope: the root package and ecloudtest. Everything else in the module
# (examples, orgsync, internal helpers, the downstream test module) is excluded.
excludes=(-E '^(internal|examples|orgsync|scripts)/' -E '^ecloudtest/internal/')
if [ -n "$only" ]; then
  while IFS= read -r f; do
    if ! grep -Eq -- "$only" <<<"$f"; then
      excludes+=(-E "^${f//./\\.}\$")
    fi
  done < <(git ls-files '*.go' ':!:*_test.go' | grep -Ev '^(internal|examples|orgsync|scripts|ecloudtest/internal)/')
fi

# -count=1: the coverage run's duration sets every mutant's time limit, so it
# must really run the tests rather than replay the test cache. -parallel=8:
# most tests wait on sockets and timers, not on the CPU, so more of them at
# once halve the time of a run of the root package on 2 cores. -vet=off: vet
# finds nothing in a flipped operator, and costs a fifth of each run.
export GOFLAGS="-count=1 -parallel=8 -vet=off"

go run "$gremlins" unleash \
  --workers "${MUTATION_WORKERS:-2}" \
  --timeout-coefficient "${MUTATION_TIMEOUT:-8}" \
  --arithmetic-base --conditionals-boundary --conditionals-negation \
  --increment-decrement --invert-assignments --invert-bitwise --invert-bwassign \
  --invert-logical --invert-loopctrl --invert-negatives --remove-self-assignments \
  "${excludes[@]}" . 2>&1 | tee "$log"

# Summary. The score counts a mutant that made the tests fail or hang as
# detected: (killed + timed out) / (killed + lived + timed out). Mutants no
# test reaches ("not covered", mostly constant declarations, which coverage
# does not mark) and mutants that do not compile ("not viable") are outside it.
awk '
  /^ *KILLED /      { k++ }
  /^ *LIVED /       { l++; lived = lived "  " $0 "\n" }
  /^ *TIMED OUT /   { t++; timed = timed "  " $0 "\n" }
  /^ *NOT COVERED / { c++ }
  /^ *NOT VIABLE /  { v++ }
  END {
    if (lived != "") printf "\nlived:\n%s", lived
    if (timed != "") printf "\ntimed out:\n%s", timed
    d = k + l + t
    printf "\nkilled %d, lived %d, timed out %d, not covered %d, not viable %d\n", k, l, t, c, v
    if (d > 0) printf "mutation score on operator mutants: %.2f%% ((killed + timed out) / (killed + lived + timed out))\n", 100 * (k + t) / d
  }' "$log"
