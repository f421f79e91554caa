/**
 * JMH benchmarks: the matrix-multiply kernels at 1024³ and at the MNIST network's shapes, and one training
 * step. Build and run: {@code mvn -B -q -DskipTests package && java -jar scratchnet-bench/target/benchmarks.jar}.
 * Depends on the core library only.
 */
package dev.scratchnet.bench;
