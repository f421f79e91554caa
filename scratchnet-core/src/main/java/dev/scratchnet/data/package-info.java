/**
 * Data sets: the IDX file format, MNIST and Fashion-MNIST with their checksums, the cache and the sources
 * they are fetched from, the book's training/validation/test split, training-image augmentation, and the
 * preprocessing that turns a photo or drawing of a digit into MNIST form.
 *
 * <p>Depends on {@code tensor} at most; never on {@code nn}.
 */
package dev.scratchnet.data;
