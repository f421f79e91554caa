#!/usr/bin/env bash
# Runs the core tests once with C2's inlining printed and lists, for each SIMD kernel method, the calls
# below it that C2 did not inline (a vector passed to such a call is boxed: see docs/backpropagation.md,
# "Vector width, and keeping the kernels compiled"). No output after the count means every call inlined.
#   bench/jit/inlining.sh            # JDK of JAVA_HOME, or the default
#   EXTRA="-XX:MaxVectorSize=32" bench/jit/inlining.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
reports=scratchnet-core/target/surefire-reports
rm -f "$reports"/*.dumpstream
mvn -B -q -o test-compile -pl scratchnet-core >/dev/null # compiled first: javac does not take the flags below
set +e
mvn -B -q -o surefire:test -pl scratchnet-core \
  "-Dvector.flags=--add-modules=jdk.incubator.vector -XX:+UnlockDiagnosticVMOptions -XX:+PrintCompilation -XX:+PrintInlining ${EXTRA:-}" \
  > /tmp/scratchnet-inlining.log 2>&1
echo "tests: exit $? (log: /tmp/scratchnet-inlining.log)"
set -e
# The forked JVM's own output lands in surefire's dumpstream, one line per record.
sed -n "s/^Corrupted channel by directly writing to native stream in forked JVM [0-9]*\. Stream '\(.*\)'\.$/\1/p" \
  "$reports"/*.dumpstream > /tmp/scratchnet-inlining.txt
python3 - /tmp/scratchnet-inlining.txt <<'PY'
import re, sys
lines = open(sys.argv[1], errors="replace").read().splitlines()
kernels = ("VectorElementwise::", "VectorMatMul::")
bad, trees = {}, 0
for i, line in enumerate(lines):
    m = re.match(r"^(\s*)@ \d+\s+(\S+::\S+) ", line)
    if not m or not any(k in m.group(2) for k in kernels):
        continue
    trees += 1
    depth = len(m.group(1))
    for below in lines[i + 1:i + 3000]:
        b = re.match(r"^(\s*)@ \d+\s+(\S+) .*?\)\s+(.*)$", below)
        if not b:
            continue
        if len(b.group(1)) <= depth:
            break
        if any(r in b.group(3) for r in ("virtual call", "no static binding", "failed", "too large", "too deep",
                                         "MinInliningThreshold", "big method")):
            key = (m.group(2), b.group(2), b.group(3))
            bad[key] = bad.get(key, 0) + 1
print(f"inlining trees with a kernel method: {trees}")
for (kernel, call, why), n in sorted(bad.items(), key=lambda kv: -kv[1]):
    print(f"{n:4}  {kernel}: {call}  ({why})")
PY
