/**
 * The web demo: a page to draw a digit on and watch the network answer, and the JSON API behind it
 * ({@code POST /api/predict}, {@code GET /api/model}), served by Javalin. Images are preprocessed by the
 * same {@code data.DigitImage} code as {@code scratchnet predict}.
 *
 * <p>Depends on the core packages ({@code nn}, {@code data}, {@code io}); the command line starts it.
 */
package dev.scratchnet.web;
