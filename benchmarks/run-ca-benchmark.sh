#!/usr/bin/env bash
# CA performance (issue #3): raw SoftHSM2 RSA-2048 signatures/s vs RA-link issuances/s with 2 threads, and CRL
# generation at 10k/100k/1M revoked entries vs `openssl ca -gencrl`, same machine, same run. Appends to RESULTS.md.
# Usage: run-ca-benchmark.sh [seconds per rate point, default 20] [largest CRL, default 1000000]
# Needs Debian's softhsm2, opensc (pkcs11-tool) and openssl. Run it alone on the machine (e.g. under
# flock /tmp/gridauth-build.lock): everything shares the cores.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
for tool in softhsm2-util pkcs11-tool openssl; do
  command -v "$tool" >/dev/null || { echo "needs $tool (Debian packages softhsm2, opensc, openssl)" >&2; exit 1; }
done
./mvnw -B -q -ntp -o -pl benchmarks -am install -DskipTests
cp="$(./mvnw -B -q -ntp -o -pl benchmarks dependency:build-classpath -Dmdep.outputFile=/dev/stdout)"
# SoftHSM2 reads its configuration once per process: a fresh token directory, named before the JVM starts.
hsm="$(mktemp -d -t ca-bench-softhsm.XXXXXX)"
export SOFTHSM2_CONF="$hsm/softhsm2.conf"
exec java -Xmx6g -cp "benchmarks/target/classes:$cp" org.gridauth.benchmarks.ca.CaBenchmark \
  "${CA_BENCH_RESULTS:-benchmarks/RESULTS.md}" "${1:-20}" "${2:-1000000}"
