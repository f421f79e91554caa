/**
 * ScratchNet on Apache Spark: {@code train --spark} (data-parallel training by parameter averaging, as
 * Deeplearning4j's), {@code sweep} (a grid of ordinary local trainings, one per Spark task) and
 * {@code cluster} (a standalone master and workers on 127.0.0.1). Workers train with the core's engine;
 * Spark only moves shards, parameters and results.
 *
 * <p>Its own module, so that nothing else carries Spark's jars. Depends on {@code cli} (the commands it
 * extends), {@code train}, {@code nn}, {@code data}, {@code io} and {@code tensor}; nothing depends on it.
 */
package dev.scratchnet.spark;
