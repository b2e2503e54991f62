#!/usr/bin/env bash
# Long-run coverage-guided fuzzing (issue #11 item 1): runs each Jazzer @FuzzTest target in fuzzing mode
# (JAZZER_FUZZ=1), one target per JVM (Jazzer fuzzes one target per run), for a time budget and/or a number of
# executions, and prints one Markdown table row per target (executions, exec/s, findings) for benchmarks/RESULTS.md.
#
# Usage: benchmarks/run-fuzz.sh [--duration 10m] [--executions 1000000] [--no-build] [target ...]
#   --no-build: skip the Maven step and reuse the test class path the last 'mvn test' of each module recorded in its
#   surefire report, or else the target/fuzz.classpath an earlier run of this script wrote (for when the build lock
#   is held for long, e.g. by a CI run on this machine)
#   target: module:Class#method as listed below (default: all); e.g. gsi-core:GridDnFuzzTest#parse
#   The issue's long-run target is  benchmarks/run-fuzz.sh --executions 1000000 --duration 24h
#
# A finding fails the target and Jazzer writes the crashing input as crash-<sha1> into the target's corpus
# (src/test/resources/<package>/<Class>Inputs/<method>/); fix the parser, keep the file as a regression input
# (the normal mvn verify replays it). Inputs that found new coverage go to <module>/.cifuzz-corpus/ (not committed).
# Never runs in CI: the normal test run only replays the corpora (no JAZZER_FUZZ there).
# One offline Maven run (holding the shared build lock /tmp/gridauth-build.lock, as every build here) compiles the
# tests and writes each module's test class path; the targets then run in plain JVMs through the JUnit platform
# launcher (no Maven, so a long run does not hold the build lock).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
if [ "${CI:-}" = "true" ]; then
  echo "run-fuzz.sh: not in CI (CI=true); the test run there replays the corpora only" >&2
  exit 2
fi

duration=2m
executions=0
build=yes
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration="$2"; shift 2 ;;
    --executions) executions="$2"; shift 2 ;;
    --no-build) build=no; shift ;;
    -h|--help) sed -n 2,16p "$0"; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done

ALL_TARGETS=(
  gsi-core:GridDnFuzzTest#parse
  gsi-core:GridDnFuzzTest#fromOpenSsl
  gsi-core:GridDnFuzzTest#fromRfc2253
  gsi-core:PemFuzzTest#decode
  gsi-core:PemFuzzTest#privateKey
  gsi-core:PemFuzzTest#pkcs12
  gsi-core:CertificateFuzzTest#proxyInfo
  gsi-core:GridMapFileFuzzTest#parse
  gsi-core:SigningPolicyFuzzTest#parseSigningPolicy
  myproxy-server:MyProxyProtocolFuzzTest#request
  myproxy-server:MyProxyProtocolFuzzTest#delegationReply
  myproxy-server:MyProxyProtocolFuzzTest#authorizationAnswer
  myproxy-server:MyProxyProtocolFuzzTest#response
  cert-manager:RegistrySourceFuzzTest#csv
  cert-manager:RegistrySourceFuzzTest#json
  cert-manager:JsonCodecFuzzTest#read
  gridmap-tool:FeedParserFuzzTest#parse
  ca-server:CsrInspectorFuzzTest#inspect
  gsi-core:GsiTokenFuzzTest#acceptorToken
  gsi-core:GsiTokenFuzzTest#initiatorToken
  gsi-core:GsiTokenFuzzTest#delegationRequest
  gsi-core:GsiTokenFuzzTest#mic
  gsi-core:GsiTokenFuzzTest#delegatedCertificate
  gsi-core:CrlFuzzTest#pem
  gridmap-tool:CrlFetcherFuzzTest#check
  idp-bridge:AuthnRequestFuzzTest#redirect
  idp-bridge:AuthnRequestFuzzTest#post
  idp-bridge:FederationMetadataFuzzTest#aggregate
  idp-bridge:FederationMetadataFuzzTest#signed
  ra-portal:SamlFuzzTest#response
  ra-portal:SamlFuzzTest#metadata
)
[ ${#targets[@]} -gt 0 ] || targets=("${ALL_TARGETS[@]}")

logs="$root/benchmarks/target/fuzz"
mkdir -p "$logs"
modules="$(for t in "${targets[@]}"; do echo "${t%%:*}"; done | sort -u | paste -sd, -)"
if [ "$build" = yes ]; then
  flock /tmp/gridauth-build.lock ./mvnw -B -q -ntp -o -pl "$modules" test-compile dependency:build-classpath \
      -Dmdep.includeScope=test -Dmdep.outputFile=target/fuzz.classpath >"$logs/build.log" 2>&1 \
    || { echo "run-fuzz.sh: build failed, see $logs/build.log" >&2; exit 1; }
else
  for module in ${modules//,/ }; do
    report="$(ls "$module"/target/surefire-reports/TEST-*FuzzTest.xml 2>/dev/null | head -1 || true)"
    if [ -n "$report" ]; then
      grep -o 'name="surefire.test.class.path" value="[^"]*"' "$report" | sed -e 's/.*value="//' -e 's/"$//' \
        >"$module/target/fuzz.classpath"
    elif [ ! -s "$module/target/fuzz.classpath" ]; then
      echo "run-fuzz.sh: --no-build needs $module/target/surefire-reports (a 'mvn test' run) or the target/fuzz.classpath of an earlier build" >&2
      exit 1
    fi
  done
fi

# A minimal JUnit platform launcher: runs one @FuzzTest method, exits 1 on a failure (a finding).
cat >"$logs/FuzzMain.java" <<'JAVA'
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;
public class FuzzMain {
    public static void main(String[] args) {
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        LauncherFactory.create().execute(request().selectors(selectMethod(args[0])).build(), summary);
        summary.getSummary().printTo(new java.io.PrintWriter(System.out));
        summary.getSummary().printFailuresTo(new java.io.PrintWriter(System.out), 40);
        System.exit(summary.getSummary().getTotalFailureCount() == 0 && summary.getSummary().getTestsSucceededCount() > 0 ? 0 : 1);
    }
}
JAVA

echo "| target | budget | executions | exec/s | findings |"
echo "|---|---|---|---|---|"
status=0
for target in "${targets[@]}"; do
  module="${target%%:*}"
  test="${target#*:}"
  class="${test%%#*}"
  method="${test#*#}"
  log="$logs/${class}-${method}.log"
  file="$(cd "$module/target/test-classes" && find . -name "$class.class" | head -1)"
  fqcn="$(sed -e 's|^\./||' -e 's|\.class$||' -e 's|/|.|g' <<<"$file")"
  props=(-Djazzer.max_duration="$duration")
  [ "$executions" -gt 0 ] && props+=(-Djazzer.max_executions="$executions")
  set +e
  # Run in the module directory: Jazzer finds src/test/resources/... there and keeps new inputs in .cifuzz-corpus/.
  (cd "$module" && JAZZER_FUZZ=1 java -Xmx1g "${props[@]}" -cp "target/test-classes:target/classes:$(cat target/fuzz.classpath)" \
      "$logs/FuzzMain.java" "$fqcn#$method(byte[])") >"$log" 2>&1
  rc=$?
  set -e
  # libFuzzer's summary line: "Done 1234567 runs in 120 second(s)"
  done_line="$(grep -aoE 'Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1 || true)"
  runs="$(awk '{print $2}' <<<"$done_line")"
  secs="$(awk '{print $5}' <<<"$done_line")"
  rate="-"
  if [ -n "$runs" ] && [ "${secs:-0}" -gt 0 ]; then rate=$((runs / secs)); fi
  if [ $rc -eq 0 ]; then findings=0; else findings="FAILED (see $log)"; status=1; fi
  budget="$duration"; [ "$executions" -gt 0 ] && budget="$duration or $executions runs"
  echo "| $target | $budget | ${runs:-?} | $rate | $findings |"
done
exit $status
