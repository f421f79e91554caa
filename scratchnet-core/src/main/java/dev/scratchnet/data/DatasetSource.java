package dev.scratchnet.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Somewhere a data set's files can come from: a mirror, a package. The store verifies what a source
 * delivers before anything enters the cache, so a source need not check its own files.
 */
public interface DatasetSource {

    /** What this source is, for the message that lists what was tried. */
    String describe(DatasetSpec spec);

    /** Whether this source holds the data set at all; the store neither tries nor lists one that does not. */
    default boolean serves(DatasetSpec spec) {
        return true;
    }

    /** Whether this source can serve the data set on this machine (e.g. its tool is installed). */
    boolean supports(DatasetSpec spec);

    /**
     * Places the data set's files into {@code dir}, named as the originals, raw or with a {@code .gz}
     * suffix. Throws with a short reason when it cannot.
     */
    void fetchInto(DatasetSpec spec, Path dir) throws IOException;
}
