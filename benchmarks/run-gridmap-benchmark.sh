#!/usr/bin/env bash
# gridmap sync (issue #8): a grid-mapfile of N entries (default 1,000,000) from a local feed snapshot (target <= 5 s,
# memory proportional to the output), 100 changes against it (target <= 1 s), and 10,000 entries written by gridmap
# sync vs a shell loop of Debian's grid-mapfile-add-entry (globus-gss-assist-progs) over the same DNs and accounts.
# Writes benchmarks/target/gridmap-results.md (a RESULTS.md section) and prints it.
# Usage: run-gridmap-benchmark.sh [N, default 1000000] [comparison entries, default 10000]
# Run it alone on the machine: everything shares the cores (the grid-mapfile-add-entry loop takes minutes).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
command -v grid-mapfile-add-entry >/dev/null || { echo "needs grid-mapfile-add-entry: apt-get install globus-gss-assist-progs" >&2; exit 2; }
./mvnw -B -q -ntp -o -pl benchmarks -am package dependency:build-classpath -DskipTests -Dmdep.outputFile=target/gridmap-benchmark.classpath
cp="benchmarks/target/classes:$(cat benchmarks/target/gridmap-benchmark.classpath)"
# The measured runs use what sites install: the runnable jar of the Debian package (plus the small GridmapRun probe).
run_cp="$root/benchmarks/target/classes:$(ls "$root"/gridmap-tool/target/gridmap-tool-*-all.jar)"
exec java -Xmx1g -cp "$cp" org.gridauth.benchmarks.gridmap.GridmapBenchmark benchmarks/target/gridmap-results.md "$run_cp" "${1:-1000000}" "${2:-10000}"
