#!/usr/bin/env bash
# RA portal (issue #7, R-RA-10): the full license-ID -> certificate flow for distinct researchers, with the key made
# by the certificate manager. IdP, portal, certificate manager, CA, MyProxy and the driver share this machine.
# Usage: benchmarks/run-portal-benchmark.sh [users] [clients]. Run it holding the build lock.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
./mvnw -B -q -ntp -o -pl gsi-core,ca-server,myproxy-server,cert-manager,idp-bridge install -DskipTests
./mvnw -B -q -ntp -o -pl ra-portal test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=org.gridauth.ra.load.PortalLoadDriver \
  -Dexec.args="${1:-600} ${2:-16}" -Dlogging.file.name=ra-portal/target/portal-load.log 2>&1 | grep "ra-portal load\|^user "
