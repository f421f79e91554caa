/**
 * Training and evaluation: the mini-batch trainer, optimizers, learning-rate schedules, regularization,
 * early stopping, checkpoints, presets, per-epoch metrics, accuracy with per-class precision, recall
 * and the confusion matrix, and the JIT warm-up that runs while a run's data loads.
 *
 * <p>Depends on {@code nn}, {@code data} and {@code tensor}, and on {@code io} for checkpoint files.
 */
package dev.scratchnet.train;
