#!/usr/bin/env bash
# Times this tree's build against another revision's in one JVM, round after round in alternation, then again
# with their places swapped (a JVM tends to favour one of its two builds by a few percent): how every speed
# change of the README's Performance section was measured. MNIST must be fetched (./scratchnet data fetch).
#   bench/paired.sh REV [ROUNDS] [plain|PRESET] [MINI-BATCH: 10 for plain, else the preset's] [THREADS]
#   bench/paired.sh HEAD~1 15 plain 10       # [784,100,10] plain SGD at mini-batch 10
#   bench/paired.sh main 11 default          # the default preset, its mini-batch of 32
# It runs on Temurin 25 when installed, as the launcher does.
# Prints, per order, the median ms of a round (one epoch of 20,000 images) of each build.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { sed -n 2,9p "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
rev=$1; shift
git rev-parse --verify -q "$rev^{commit}" >/dev/null || { echo "paired.sh: no such revision: $rev" >&2; exit 2; }
java=java
for candidate in /usr/lib/jvm/temurin-25*/bin/java /usr/lib/jvm/java-25*/bin/java; do
  if [ -x "$candidate" ]; then java="$candidate"; break; fi
done
work=$(mktemp -d)
trap 'git worktree remove --force "$work/tree" >/dev/null 2>&1 || true; rm -rf "$work"; git worktree prune' EXIT
build() { # Debian's Maven prints colour resets even in batch mode; pipefail keeps Maven's failure
  mvn -q -B -Dstyle.color=never -DskipTests "$@" package 2>&1 | sed 's/\x1b\[[0-9;]*m//g'
}
build -pl scratchnet-cli,scratchnet-bench -am
cp scratchnet-cli/target/scratchnet.jar "$work/this.jar"
git worktree add -q --detach "$work/tree" "$rev"
(cd "$work/tree" && build -pl scratchnet-cli -am)
cp "$work/tree/scratchnet-cli/target/scratchnet.jar" "$work/rev.jar"
run() {
  "$java" -XX:+UseSerialGC -Xmx2g --add-modules jdk.incubator.vector -cp scratchnet-bench/target/classes \
    dev.scratchnet.bench.PairedRounds "$@" 2>&1 | grep -v "^WARNING: Using incubator modules"
}
short=$(git rev-parse --short "$rev")
echo "A = $rev ($short), B = this tree:"
run "$work/rev.jar" "$work/this.jar" "$@"
echo "A = this tree, B = $rev ($short):"
run "$work/this.jar" "$work/rev.jar" "$@"
