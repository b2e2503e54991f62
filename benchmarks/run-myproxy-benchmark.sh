#!/usr/bin/env bash
# MyProxy GET throughput: gridauth vs Debian's myproxy-server, same machine, same run. Appends to RESULTS.md.
# Needs root's Debian packages myproxy and myproxy-server (scripts/test installs the clients).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
command -v myproxy-server >/dev/null || [ -x /usr/sbin/myproxy-server ] || apt-get install -y -qq myproxy-server
./mvnw -B -q -ntp -pl launcher,benchmarks -am install -DskipTests
cp="$(./mvnw -B -q -ntp -pl benchmarks dependency:build-classpath -Dmdep.outputFile=/dev/stdout)"
exec java -cp "benchmarks/target/classes:$cp" org.gridauth.benchmarks.myproxy.MyProxyBenchmark \
  launcher/target/gridauth.jar benchmarks/RESULTS.md "${1:-20}"
