/**
 * JMH benchmarks: the matrix-multiply kernels at 1024³ and at the MNIST network's shapes, and one training
 * step. Build and run: {@code mvn -B -q -DskipTests package && java -jar scratchnet-bench/target/benchmarks.jar}.
 * Also {@link dev.scratchnet.bench.PairedRounds}, which times two builds' training in one JVM, alternating
 * ({@code bench/paired.sh REV}). Depends on the core library only.
 */
package dev.scratchnet.bench;
