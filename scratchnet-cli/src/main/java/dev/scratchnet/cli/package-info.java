/**
 * The {@code scratchnet} command line (picocli): train, evaluate, predict and data fetch, with presets,
 * progress display, metrics files and the offline data sources that need archive tools (npm and Debian
 * packages, unpacked with commons-compress).
 *
 * <p>Depends on every core package; nothing depends on it.
 */
package dev.scratchnet.cli;
