package dev.scratchnet.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C during training: the JVM's shutdown hook asks training to stop after the current mini-batch and
 * waits (up to a minute) until what was trained so far is saved.
 */
final class StopSignal implements AutoCloseable {

    private volatile boolean requested;
    private final CountDownLatch saved = new CountDownLatch(1);
    private final Thread hook = new Thread(this::onShutdown, "scratchnet-stop");

    StopSignal() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    boolean requested() {
        return requested;
    }

    private void onShutdown() {
        requested = true;
        System.err.println();
        System.err.println("Stopping after this mini-batch; saving what was trained ...");
        try {
            saved.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Training and saving are over: let a pending shutdown go on, or remove the hook. */
    @Override
    public void close() {
        saved.countDown();
        if (!requested) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutdown already under way
            }
        }
    }
}
