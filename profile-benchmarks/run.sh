#!/usr/bin/env bash
# Runs ProfileKit's benchmarks, their hand-inlined baselines and their peers side by side in a short
# configuration (about 17 minutes on 2 cores) and writes BENCHMARKS.md at the repository root, with issue 10's
# targets (engine vs the scalar and fixture baselines, hot/cold throughput, 0 B/op, live models, 2 threads vs 1,
# latency p99.9, ARIMA fit time) checked in its Targets table.
#
#   profile-benchmarks/run.sh              # builds benchmarks.jar first
#   profile-benchmarks/run.sh --no-build   # uses the existing profile-benchmarks/target/benchmarks.jar
#   profile-benchmarks/run.sh --quick      # tiny sizes, checks the script end to end (figures mean nothing)
#
# Results (JMH JSON, memory.json, quality.json, stages.log) go to profile-benchmarks/target/benchmark-results
# (or $BENCH_OUT); BenchmarksReport turns them into BENCHMARKS.md (or $BENCH_REPORT) and prints each target
# with met/missed. stages.log records, per stage, the 1-minute load average before it and the CPU used by
# the machine and by this run, so a report from a loaded machine says so in its header.
# Peer comparisons are listed in dev.profilekit.benchmarks.report.Comparisons; this script runs each one.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
JAR=profile-benchmarks/target/benchmarks.jar
OUT="${BENCH_OUT:-profile-benchmarks/target/benchmark-results}"
REPORT="${BENCH_REPORT:-BENCHMARKS.md}"

BUILD=1
QUICK=0
for arg in "$@"; do
  case "$arg" in
    --no-build) BUILD=0 ;;
    --quick) QUICK=1 ;; # checks this script end to end in ~3 minutes on tiny sizes; its figures mean nothing
    *) echo "usage: $0 [--no-build] [--quick]" >&2; exit 2 ;;
  esac
done
if [[ $BUILD == 1 ]]; then
  mvn -B -q -pl profile-benchmarks -am package -DskipTests
fi
[[ -f "$JAR" ]] || { echo "missing $JAR (build with: mvn -B -q -pl profile-benchmarks -am package -DskipTests)" >&2; exit 1; }

rm -rf "$OUT"
mkdir -p "$OUT"
JAVA=(java -Djmh.ignoreLock=true) # other JMH runs may share the machine: do not wait for their lock
JMH=("${JAVA[@]}" -jar "$JAR" -f 1 -foe true)
CP=("${JAVA[@]}" -cp "$JAR")
ENGINE="dev.profilekit.benchmarks.OnEventBenchmark"
BASELINE="dev.profilekit.benchmarks.InlinedBaselineBenchmark"
FIXTURE_BASELINE="dev.profilekit.benchmarks.FixtureInlinedBaselineBenchmark"
MODELS="dev.profilekit.benchmarks.OnEventModelsBenchmark"
SHORT=(-wi 2 -w 1s -i 3 -r 1s)
PEER=(-wi 2 -w 2s -i 3 -r 2s)
FIT=(-wi 1 -w 2s -i 3 -r 2s) # long fits (logistic regression, k-means, ARIMA): one warm-up iteration
HOT=100000
COLD=2000000
HOT_EVENTS=33554432  # 2^25 per thread: 5 one-second iterations at up to ~6.7 M events/s per thread
COLD_EVENTS=16777216 # 2^24 per thread: up to ~3.3 M events/s per thread, with room for 2 M profiles
COLD_HEAP=(-jvmArgsAppend "-Xms12g -Xmx12g")
MEMORY=(100000,1000000:WITHIN_LATENESS 20)
SMALL_DATA=()
MODELS_EVENTS=() # the benchmark's default, 2^24
if [[ $QUICK == 1 ]]; then
  SHORT=(-wi 0 -i 1 -r 200ms)
  PEER=(-wi 0 -i 1 -r 200ms)
  FIT=(-wi 0 -i 1 -r 200ms)
  HOT=1000
  COLD=20000
  HOT_EVENTS=4194304
  COLD_EVENTS=4194304
  COLD_HEAP=(-jvmArgsAppend "-Xmx2g")
  MEMORY=(1000,5000:ALL 5)
  SMALL_DATA=(-p rows=2000 -p columns=50)
  MODELS_EVENTS=(-p events=1048576)
fi

FAILED=()
CLK=$(getconf CLK_TCK)
busy_seconds() { awk -v clk="$CLK" '/^cpu /{ print ($2 + $3 + $4 + $7 + $8 + $9) / clk }' /proc/stat; }
# CPU seconds (user + sys) of this shell's finished children, from the `times` builtin; `times` must run in
# this shell, not in a $(...) subshell, whose own children are none of the stage's processes
children_seconds() {
  awk 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/); print u[1] * 60 + u[2] + s[1] * 60 + s[2] }' "$OUT/.times"
}

stage() {
  local name=$1 load1 b0 b1 w0 w1 c0 c1
  shift
  load1=$(cut -d' ' -f1 /proc/loadavg)
  times > "$OUT/.times"
  b0=$(busy_seconds); w0=$(date +%s.%N); c0=$(children_seconds)
  echo "== $(date -u +%H:%M:%S) stage $name (load $load1)"
  if ! "$@"; then
    echo "!! stage $name failed; the report will lack its figures" >&2
    FAILED+=("$name")
  fi
  times > "$OUT/.times"
  b1=$(busy_seconds); w1=$(date +%s.%N); c1=$(children_seconds)
  awk -v n="$name" -v l="$load1" -v b0="$b0" -v b1="$b1" -v w0="$w0" -v w1="$w1" -v c0="$c0" -v c1="$c1" \
    'BEGIN { w = w1 - w0; printf "%s wall=%.1f busy=%.2f ours=%.2f load1=%s\n", n, w, (b1 - b0) / w, (c1 - c0) / w, l }' \
    >> "$OUT/stages.log"
}

# Engine throughput and allocation: hot (100k users) and cold (2M users), 1 and 2 threads.
stage onevent-hot-t1 "${JMH[@]}" "$ENGINE.onEvent\$" -t 1 "${SHORT[@]}" -prof gc \
  -p users=$HOT -p schema=fixture,scalar -p dedup=WITHIN_LATENESS,ALL -p events=$HOT_EVENTS \
  -rf json -rff "$OUT/onevent-hot-t1.json"
stage onevent-cold-t1 "${JMH[@]}" "$ENGINE.onEvent\$" -t 1 "${SHORT[@]}" -prof gc "${COLD_HEAP[@]}" \
  -p users=$COLD -p schema=fixture,scalar -p dedup=WITHIN_LATENESS -p events=$COLD_EVENTS \
  -rf json -rff "$OUT/onevent-cold-t1.json"
stage onevent-hot-t2 "${JMH[@]}" "$ENGINE.onEvent\$" -t 2 "${SHORT[@]}" -prof gc \
  -p users=$HOT -p schema=fixture,scalar -p dedup=WITHIN_LATENESS -p events=$HOT_EVENTS \
  -rf json -rff "$OUT/onevent-hot-t2.json"
stage onevent-cold-t2 "${JMH[@]}" "$ENGINE.onEvent\$" -t 2 "${SHORT[@]}" -prof gc "${COLD_HEAP[@]}" \
  -p users=$COLD -p schema=fixture,scalar -p dedup=WITHIN_LATENESS -p events=$COLD_EVENTS \
  -rf json -rff "$OUT/onevent-cold-t2.json"
# The hand-inlined floors, same events (replayed in laps), one thread, in this same run so that every ratio in
# the report divides figures taken minutes apart on the same machine: the scalar features (InlinedBaseline), and
# the whole fixture schema (FixtureInlinedBaseline) without and with the engine's duplicate check.
stage baseline-scalar "${JMH[@]}" "$BASELINE.onEvent\$" -t 1 "${SHORT[@]}" -prof gc \
  -p users=$HOT,$COLD -p events=$COLD_EVENTS \
  -rf json -rff "$OUT/baseline-scalar.json"
stage baseline-fixture "${JMH[@]}" "$FIXTURE_BASELINE.onEvent\$" -t 1 "${SHORT[@]}" -prof gc "${COLD_HEAP[@]}" \
  -p users=$HOT,$COLD -p dedup=none,within_lateness -p events=$COLD_EVENTS \
  -rf json -rff "$OUT/baseline-fixture.json"
# onEvent with live models (scoring, segmenting, learning) and without (models=true,false, the benchmark's
# default), one thread, 100k users: the report's "cost of scoring" is 1 - with / without; the benchmark's
# default pre-built events (2^24, a quarter of them replayed to fit the models before measuring).
stage onevent-models "${JMH[@]}" "$MODELS.onEvent\$" -t 1 "${SHORT[@]}" -prof gc -p users=$HOT \
  "${MODELS_EVENTS[@]}" -rf json -rff "$OUT/onevent-models.json"
# Latency percentiles (SampleTime); the report checks p99.9 against 10 us.
stage latency "${JMH[@]}" "$ENGINE.onEventLatency\$" -t 1 "${SHORT[@]}" "${COLD_HEAP[@]}" \
  -p users=$HOT,$COLD -p schema=fixture -p dedup=WITHIN_LATENESS -p events=$HOT_EVENTS \
  -rf json -rff "$OUT/latency.json"
# Peer comparisons: every class listed in report.Comparisons (one JMH run each, its annotations' settings
# shortened to 2 x 2 s warm-up and 3 x 2 s measurement for PCA, 1 x 2 s warm-up for the long fits: logistic
# regression, k-means and ARIMA). TransformBenchmarks (scalers, no peer) is left
# out to keep the run short; run it alone with: java -jar benchmarks.jar TransformBenchmarks -prof gc
for bench in $("${CP[@]}" dev.profilekit.benchmarks.report.ListComparisons); do
  case "$bench" in
    PcaBenchmark) SETTINGS=("${PEER[@]}") ;;
    *) SETTINGS=("${FIT[@]}") ;;
  esac
  stage "peer-$bench" "${JMH[@]}" "dev.profilekit.benchmarks.$bench\." -t 1 "${SETTINGS[@]}" "${SMALL_DATA[@]}" \
    -rf json -rff "$OUT/peer-$bench.json"
done
# Durability (issue 12): onEvent on RocksDB behind the cache (1M users, 100k cached; uniform and hot access) and
# the time to snapshot and restore 1M profiles; the hit rates and file sizes they print go to notes.md.
STORE_USERS=1000000
STORE_EVENTS=8388608
if [[ $QUICK == 1 ]]; then STORE_USERS=20000; STORE_EVENTS=1048576; fi
stage store bash -c 'set -o pipefail; "$@" | tee -a "'"$OUT"'/durability.log"' _ "${JMH[@]}" "dev.profilekit.benchmarks.StoreBenchmark\." \
  -wi 2 -w 2s -i 3 -r 3s -p users=$STORE_USERS -p events=$STORE_EVENTS -rf json -rff "$OUT/store.json"
stage snapshot bash -c 'set -o pipefail; "$@" | tee -a "'"$OUT"'/durability.log"' _ "${JMH[@]}" "dev.profilekit.benchmarks.SnapshotBenchmark\." \
  -wi 1 -i 3 -p users=$STORE_USERS -rf json -rff "$OUT/snapshot.json"
# Ingestion during a snapshot (issue 21): a second thread's onEvent rate before and during snapshots of 1M profiles.
stage snapshot-ingest bash -c 'set -o pipefail; "$@" | tee -a "'"$OUT"'/durability.log"' _ "${CP[@]}" -Xms8g -Xmx8g \
  dev.profilekit.benchmarks.SnapshotIngestionBenchmark $STORE_USERS
grep -E '^\[(store|snapshot|snapshot-ingest)\]' "$OUT/durability.log" | sort -u > "$OUT/notes.md" || true
# Recommendations (issue 15: onEvent with and without the recommender, recommend(user, 10) at 100k items) and the
# LSTM (issue 16: one training epoch and one forecast for 10k users x 28 days, H = 16); in "Other benchmarks".
REC_SIZE=()
LSTM_SIZE=()
if [[ $QUICK == 1 ]]; then REC_SIZE=(-p users=2000 -p items=2000 -p events=1048576); LSTM_SIZE=(-p users=500); fi
stage recommend "${JMH[@]}" "dev.profilekit.benchmarks.RecommendBenchmark\." "${SHORT[@]}" "${REC_SIZE[@]}" \
  -rf json -rff "$OUT/recommend.json"
stage lstm "${JMH[@]}" "dev.profilekit.benchmarks.LstmBenchmark\." "${FIT[@]}" "${LSTM_SIZE[@]}" \
  -rf json -rff "$OUT/lstm.json"
# statsmodels' ARIMA fit, measured once by hand (profile-benchmarks/statsmodels/README.md): the report shows
# it as a separate table next to ours
if [[ -f profile-benchmarks/statsmodels/results.json ]]; then
  cp profile-benchmarks/statsmodels/results.json "$OUT/statsmodels.json"
fi
# Point-in-time training set (issue 13): 1M labels over 10M events, in the default heap of a 2-core/8 GB CI
# machine (-Xmx2g); a plain main that writes dataset.json (sizes: events labels users)
DATASET=(10000000 1000000 200000)
if [[ $QUICK == 1 ]]; then
  DATASET=(200000 20000 10000)
fi
stage dataset "${CP[@]}" -Xmx2g dev.profilekit.benchmarks.PointInTimeDatasetBenchmark "$OUT/dataset.json" "${DATASET[@]}"
# Ranking and segments on the drifting shop (issue 22): examples/drift's models, seeds 1-3; a plain main that
# prints and writes one line per seed (prequential AUC vs naive and true hazard, Spearman, ARI vs batch k-means)
stage drift-ranking "${CP[@]}" -Xmx2g dev.profilekit.benchmarks.DriftRanking "$OUT/drift-ranking.txt"
# Memory per profile (JOL) and the peers' accuracy: plain mains.
# JOL reads fields reflectively: opening java.base spares it an exception per field of a JDK object (about twice as fast)
OPENS=()
for pkg in java.lang java.util java.util.concurrent java.util.concurrent.atomic; do
  OPENS+=(--add-opens "java.base/$pkg=ALL-UNNAMED")
done
stage memory "${CP[@]}" "${OPENS[@]}" -Djdk.attach.allowAttachSelf=true -Xms12g -Xmx12g \
  dev.profilekit.benchmarks.MemoryPerProfile "$OUT/memory.json" "${MEMORY[@]}"
stage quality "${CP[@]}" -Xmx4g dev.profilekit.benchmarks.report.QualityChecks "$OUT/quality.json"
# End-to-end replay (issue 13): simulate the ~4.1M-event stream, time `profilekit replay` on it (needs
# profile-cli/target/profilekit.jar: mvn -B -q package -DskipTests); its section is appended to the report below.
if [[ $QUICK == 0 ]]; then
  stage replay-e2e profile-benchmarks/replay-e2e.sh "$OUT/replay-e2e.md"
fi

rm -f "$OUT/.times"
"${CP[@]}" dev.profilekit.benchmarks.report.BenchmarksReport "$OUT" "$REPORT"
if [[ -s "$OUT/replay-e2e.md" ]]; then
  { echo; cat "$OUT/replay-e2e.md"; } >> "$REPORT"
fi
if (( ${#FAILED[@]} > 0 )); then
  echo "failed stages: ${FAILED[*]}" >&2
  exit 1
fi
