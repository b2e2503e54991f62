#!/usr/bin/env bash
# Certificate manager proxies (issue #6): proxies made per second from stored credentials (unlock + sign, with and
# without a fresh key and a VOMS AC) against raw RSA-2048 signatures per second, same machine, same run.
# Replaces the "cert-manager proxies" section of RESULTS.md (CM_BENCH_RESULTS names another file).
# Usage: run-certmanager-proxy-benchmark.sh [seconds per row, default 15]
# Run it alone on the machine, under the build lock: flock /tmp/gridauth-build.lock benchmarks/run-certmanager-proxy-benchmark.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
# Only what the driver needs, so that other modules' work in progress cannot break the run.
./mvnw -B -q -ntp -o -pl cert-manager -am install -DskipTests
cp="$(./mvnw -B -q -ntp -o -pl cert-manager dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/dev/stdout)"
classes="benchmarks/target/cm-proxy-benchmark-classes"
rm -rf "$classes" && mkdir -p "$classes"
javac -nowarn -d "$classes" -cp "cert-manager/target/classes:$cp" benchmarks/src/main/java/org/gridauth/benchmarks/certmanager/ProxyBenchmark.java
log="$(mktemp -t cm-bench-log.XXXXXX)"
trap 'rm -f "$log"' EXIT
java -Dorg.slf4j.simpleLogger.logFile="$log" -cp "$classes:cert-manager/target/classes:$cp" org.gridauth.benchmarks.certmanager.ProxyBenchmark \
  "${CM_BENCH_RESULTS:-benchmarks/RESULTS.md}" "${1:-15}"
