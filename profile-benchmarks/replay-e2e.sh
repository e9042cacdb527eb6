#!/usr/bin/env bash
# End-to-end replay throughput (issue 13): generates the simulator's ~4.1M-event stream with `profilekit simulate`
# (20,000 users, 30 days, seed 42) and times `profilekit replay` on it (read, parse, apply, write), with the JVM's
# default settings and with the launcher's (profile-cli/bin/profilekit), optionally also an older jar for
# comparison. Writes a Markdown section to $1 (default profile-benchmarks/target/benchmark-results/replay-e2e.md).
#
#   profile-benchmarks/replay-e2e.sh [OUT.md] [OLD.jar]
#
# Each row: wall seconds, events/s (events / wall), CPU seconds (user + sys of the JVM) and the 1-minute load
# average before the run; on a shared machine the CPU seconds say more than the wall time.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
MD="${1:-profile-benchmarks/target/benchmark-results/replay-e2e.md}"
OLD="${2:-}"
JAR=profile-cli/target/profilekit.jar
[[ -f "$JAR" ]] || { echo "missing $JAR (build with: mvn -B -q package -DskipTests)" >&2; exit 1; }
WORK="${REPLAY_E2E_DIR:-profile-benchmarks/target/replay-e2e}"
mkdir -p "$WORK" "$(dirname "$MD")"
EVENTS="$WORK/events.jsonl"
SCHEMA=examples/ecommerce/schema.json
if [[ ! -s "$EVENTS" ]]; then
  java -jar "$JAR" simulate --users 20000 --days 30 --seed 42 --out "$EVENTS" --truth "$WORK/truth.jsonl" >/dev/null 2>&1
fi
N=$(wc -l < "$EVENTS")
LAUNCHER_OPTS=$(sed -n 's/^DEFAULT_OPTS="\(.*\)"$/\1/p' profile-cli/bin/profilekit)
{
  echo "## End-to-end replay"
  echo
  echo "\`profilekit replay\` on the simulator's stream (\`simulate --users 20000 --days 30 --seed 42\`: $N events,"
  echo "schema examples/ecommerce/schema.json, \`--now 2027-01-01T00:00:00Z --quiet\`), read + parse + apply + write,"
  echo "$(nproc) cores, measured $(date -u +%Y-%m-%dT%H:%MZ) by \`profile-benchmarks/replay-e2e.sh\`."
  echo
  echo "| code | JVM settings | wall s | events/s | CPU s | load before |"
  echo "|---|---|---|---|---|---|"
} > "$MD"
run() { # label jar opts...
  local label=$1 jar=$2; shift 2
  local load t0 t1 cpu
  load=$(cut -d' ' -f1 /proc/loadavg)
  t0=$(date +%s.%N)
  cpu=$( { /usr/bin/time -f "%U %S" java "$@" -jar "$jar" replay --schema "$SCHEMA" --events "$EVENTS" \
      --out "$WORK/profiles.jsonl" --now 2027-01-01T00:00:00Z ${QUIET:+--quiet} >/dev/null 2>"$WORK/err.txt"; } 2>&1 \
      ; tail -1 "$WORK/err.txt")
  t1=$(date +%s.%N)
  awk -v l="$label" -v o="${*:-default}" -v t0="$t0" -v t1="$t1" -v n="$N" -v c="$cpu" -v ld="$load" \
    'BEGIN { split(c, u, " "); w = t1 - t0; printf "| %s | %s | %.1f | %\047.0f | %.1f | %s |\n", l, o, w, n / w, u[1] + u[2], ld }' >> "$MD"
}
QUIET=1
run "this branch" "$JAR"
# shellcheck disable=SC2086
run "this branch" "$JAR" $LAUNCHER_OPTS
if [[ -n "$OLD" ]]; then
  QUIET=
  run "before issue 13" "$OLD"
  # shellcheck disable=SC2086
  run "before issue 13" "$OLD" $LAUNCHER_OPTS
fi
cat "$MD"
