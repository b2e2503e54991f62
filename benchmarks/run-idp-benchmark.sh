#!/usr/bin/env bash
# IdP bridge: complete Web Browser SSO sign-ons per second with 10,000 directory accounts (issue #5, R-IDP-4).
# The IdP (embedded directory, Tomcat) and the load driver's client threads share this machine's two CPUs.
# Usage: benchmarks/run-idp-benchmark.sh [accounts] [sign-ons] [clients]
# Prints one line per SP signing mode: "response" (SP metadata without WantAssertionsSigned: one RSA signature)
# and "both" (WantAssertionsSigned="true": assertion and Response signed), each with the IdP in the driver's JVM and
# with the IdP as a process of its own (then also its CPU time per sign-on). Run it holding the build lock.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
./mvnw -B -q -ntp -o -pl gsi-core install -DskipTests
./mvnw -B -q -ntp -o -pl idp-bridge test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/idp-load.classpath
cp="idp-bridge/target/test-classes:idp-bridge/target/classes:$(cat idp-bridge/target/idp-load.classpath)"
for mode in response both; do
  for where in same process; do
    echo "[$where JVM]"
    java -cp "$cp" org.gridauth.idp.load.SsoLoadDriver "${1:-10000}" "${2:-3000}" "${3:-8}" "$mode" "$where" 2>&1 | grep "idp-bridge SSO load"
  done
done
