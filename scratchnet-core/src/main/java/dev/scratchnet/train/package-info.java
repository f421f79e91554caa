/**
 * Training and evaluation: mini-batch stochastic gradient descent over a data set, per-epoch metrics,
 * and accuracy with per-class precision, recall and the confusion matrix.
 *
 * <p>Depends on {@code nn}, {@code data} and {@code tensor}.
 */
package dev.scratchnet.train;
