#!/usr/bin/env bash
# GSI-SSH logins/s, latency and a 10,000-login leak check of the gateway. Appends to RESULTS.md.
# Usage: benchmarks/run-gsissh-benchmark.sh [seconds per point] [total logins]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
./mvnw -B -q -ntp -pl launcher,benchmarks -am install -DskipTests
cp="$(./mvnw -B -q -ntp -pl benchmarks dependency:build-classpath -Dmdep.outputFile=/dev/stdout)"
exec java -cp "benchmarks/target/classes:$cp" org.gridauth.benchmarks.gsissh.GsisshBenchmark \
  launcher/target/gridauth.jar benchmarks/RESULTS.md "${1:-20}" "${2:-10000}"
