package dev.scratchnet.tensor;

import java.util.Arrays;
import java.util.Locale;

/**
 * Lower-case value names for enums, as the command line and model files write them: CROSS_ENTROPY is
 * cross-entropy. Here at the bottom so that every package that names values (nn, data, train) shares it.
 */
public final class Names {

    private Names() {
    }

    public static String id(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The constant named {@code id}, or a message naming {@code what} and every valid name. */
    public static <E extends Enum<E>> E parse(Class<E> type, String what, String id) {
        for (E value : type.getEnumConstants()) {
            if (id(value).equals(id)) {
                return value;
            }
        }
        throw new IllegalArgumentException("unknown " + what + " '" + id + "'; use one of "
                + Arrays.stream(type.getEnumConstants()).map(Names::id).toList());
    }
}
