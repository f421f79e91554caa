package dev.scratchnet.cli;

import dev.scratchnet.data.Dataset;
import dev.scratchnet.nn.Architecture;
import dev.scratchnet.train.EpochRunner;
import dev.scratchnet.train.TrainConfig;
import java.io.PrintWriter;

/**
 * Data-parallel training on a cluster, for {@code train --spark}: provided by the scratchnet-spark module
 * through {@link java.util.ServiceLoader} when its jars are on the class path (the launcher puts them there
 * for {@code --spark} only), so this module carries no Spark dependency.
 */
public interface ScaleOut {

    /**
     * What the workers train: the run's seed (shards and every worker's shuffle follow from it), the
     * network, the training and the training set.
     */
    record Request(String master, int workers, int averageEvery, long seed, Architecture architecture,
                   TrainConfig config, Dataset training) {
    }

    /** A connection to the cluster with the training set sharded on it; trains epochs until closed. */
    interface Session extends EpochRunner, AutoCloseable {
        @Override
        void close();
    }

    /** Checks a master URL and that it answers, in a few seconds; a one-line error if not. */
    void checkMaster(String master);

    /** Connects, shards the training set onto the workers, and reports on {@code out} as it trains. */
    Session open(Request request, PrintWriter out);
}
