#!/usr/bin/env bash
# cert-manager feed for resource sites (issue #6): full response for N mappings (target <= 2 s for 100,000) and an
# incremental response with 100 changes (target <= 50 ms), over HTTPS with a site host certificate, on an H2 file
# database and on PostgreSQL at 127.0.0.1:5432 if it is reachable. Appends a section to RESULTS.md.
# Usage: run-certmanager-feed-benchmark.sh [mappings, default 100000] [timed runs, default 10]
# Run it alone on the machine (e.g. under flock /tmp/gridauth-build.lock): everything shares the cores.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
# Build the benchmarks and the modules they use in one reactor (nothing is installed into ~/.m2); the class path
# is written by the same reactor so that it points at the freshly built module jars.
./mvnw -B -q -ntp -pl benchmarks -am package dependency:build-classpath -DskipTests -Dmdep.outputFile=target/feed-benchmark.classpath
cp="$(cat benchmarks/target/feed-benchmark.classpath)"
exec java -Xmx2g -Dsun.net.httpserver.nodelay=true -cp "benchmarks/target/classes:$cp" org.gridauth.benchmarks.certmanager.FeedBenchmark \
  "${CM_FEED_BENCH_RESULTS:-benchmarks/RESULTS.md}" "${1:-100000}" "${2:-10}"
