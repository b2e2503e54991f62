#!/usr/bin/env bash
# CA performance (issue #3): raw SoftHSM2 RSA-2048 signatures/s vs RA-link issuances/s with 2 threads, one
# certificate per POST /v1/issue and in batches of CA_BENCH_BATCH (default 100,500) per POST /v1/issue-batch, and CRL
# generation at 10k/100k/1M revoked entries vs `openssl ca -gencrl`, same machine, same run. Appends a dated CA
# section to RESULTS.md (CA_BENCH_RESULTS names another file).
# Usage: run-ca-benchmark.sh [seconds per rate point, default 20] [largest CRL, default 1000000; 0 skips the CRLs]
# CA_BENCH_DB=h2,postgres (default) chooses the databases of the issuance points (PostgreSQL at 127.0.0.1:5432,
# database test, user postgres); CA_BENCH_JAVA_OPTS adds JVM options (e.g. -XX:StartFlightRecording=...); CA_BENCH_WARMUP
# caps each point's warm-up (seconds, default 90; it ends earlier once the JIT is quiet); CA_BENCH_CYCLES (default 4) is
# the number of issuance windows of each batch point, each measured between two raw-signature windows of the same length.
# Needs Debian's softhsm2, opensc (pkcs11-tool) and openssl. Run it alone on the machine, under the build lock:
#   flock /tmp/gridauth-build.lock benchmarks/run-ca-benchmark.sh
# (everything shares the cores). The issuance points alone (`run-ca-benchmark.sh 20 0`, both databases) take about
# 26 minutes on the 2-core machine (2026-11-25), mostly warm-ups and the raw windows between batch windows; the CRLs
# up to 1M add about 3.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
for tool in softhsm2-util pkcs11-tool openssl; do
  command -v "$tool" >/dev/null || { echo "needs $tool (Debian packages softhsm2, opensc, openssl)" >&2; exit 1; }
done
# Only what the CA driver needs (gsi-core, its test fixtures and ca-server), so that other modules' work in
# progress cannot break the run; the driver itself is one source file compiled against ca-server's test classpath.
./mvnw -B -q -ntp -o -pl ca-server -am install -DskipTests
cp="$(./mvnw -B -q -ntp -o -pl ca-server dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/dev/stdout)"
classes="benchmarks/target/ca-benchmark-classes"
rm -rf "$classes" && mkdir -p "$classes"
javac -nowarn -d "$classes" -cp "ca-server/target/classes:$cp" benchmarks/src/main/java/org/gridauth/benchmarks/ca/CaBenchmark.java
# SoftHSM2 reads its configuration once per process: a fresh token directory, named before the JVM starts.
hsm="$(mktemp -d -t ca-bench-softhsm.XXXXXX)"
trap 'rm -rf "$hsm"' EXIT
export SOFTHSM2_CONF="$hsm/softhsm2.conf"
# shellcheck disable=SC2086
java -Xmx6g ${CA_BENCH_JAVA_OPTS:-} -Dorg.slf4j.simpleLogger.logFile="$hsm/ca.log" -cp "$classes:ca-server/target/classes:$cp" org.gridauth.benchmarks.ca.CaBenchmark \
  "${CA_BENCH_RESULTS:-benchmarks/RESULTS.md}" "${1:-20}" "${2:-1000000}"
