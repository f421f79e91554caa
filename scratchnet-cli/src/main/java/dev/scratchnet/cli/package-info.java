/**
 * The {@code scratchnet} command line (picocli): train, evaluate, predict and data fetch, with presets,
 * progress display, metrics files and the offline data sources that need archive tools (npm and Debian
 * packages, unpacked with commons-compress).
 *
 * <p>Main builds only the subcommand a command line runs (all of them for help), since picocli reads every
 * command's annotations at start-up.
 *
 * <p>Depends on every core package; of the other modules only scratchnet-spark builds on it (Main's command
 * line and error handling, and ScaleOut for {@code train --spark}).
 */
package dev.scratchnet.cli;
