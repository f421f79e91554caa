package dev.scratchnet.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float species every SIMD kernel uses: the machine's preferred width, or a narrower one named by the
 * system property {@value #PROPERTY} (256 or 512 bits, never wider than the machine's; the pixel
 * conversion needs byte vectors of a quarter of the width, which 128-bit floats would make too narrow). Results depend
 * on the width alone, so {@code -Dscratchnet.vector.bits=256} on an AVX-512 machine gives an AVX2 machine's
 * bits, as {@code -XX:MaxVectorSize=32} does. Any other value is ignored with a one-line warning on
 * standard error. A static final, so that C2 compiles the kernels for one constant species. Loaded only
 * when the Vector API module is present.
 */
public final class Simd {

    static final String PROPERTY = "scratchnet.vector.bits";
    public static final VectorSpecies<Float> FLOATS = species(System.getProperty(PROPERTY));

    private Simd() {
    }

    /** The preferred species when {@code bits} is null or not a width this machine has, else that width's. */
    static VectorSpecies<Float> species(String bits) {
        VectorSpecies<Float> preferred = FloatVector.SPECIES_PREFERRED;
        if (bits == null || bits.isBlank()) {
            return preferred;
        }
        int size;
        try {
            size = Integer.parseInt(bits.trim());
        } catch (NumberFormatException e) {
            size = -1;
        }
        if (size != 256 && size != 512 || size > preferred.vectorBitSize()) {
            System.err.println("scratchnet: warning: -D" + PROPERTY + "=" + bits + " ignored: it must be 256 or 512,"
                    + " and at most this machine's " + preferred.vectorBitSize() + "; using " + preferred.vectorBitSize());
            return preferred;
        }
        return VectorSpecies.of(float.class, VectorShape.forBitSize(size));
    }
}
