package dev.scratchnet.tensor;

/** Chooses the fastest matrix-multiply kernel this JVM can run. */
public final class Kernels {

    private static final MatMul BEST = load();
    private static final Elementwise ELEMENTWISE = loadElementwise();

    private Kernels() {
    }

    /** The Vector API kernel when {@code jdk.incubator.vector} is present, else the plain-Java one. */
    public static MatMul best() {
        return BEST;
    }

    /** Element-wise functions: SIMD when the Vector API module is present; the same bits either way. */
    public static Elementwise elementwise() {
        return ELEMENTWISE;
    }

    /** The plain-Java reference kernel. */
    public static MatMul reference() {
        return new ReferenceMatMul();
    }

    /** True when the Vector API module was given to this JVM ({@code --add-modules jdk.incubator.vector}). */
    public static boolean vectorApiPresent() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    private static Elementwise loadElementwise() {
        if (vectorApiPresent()) {
            try {
                return (Elementwise) Class.forName("dev.scratchnet.tensor.VectorElementwise").getDeclaredConstructor()
                        .newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                return new Elementwise.Scalar();
            }
        }
        return new Elementwise.Scalar();
    }

    private static MatMul load() {
        if (!vectorApiPresent()) {
            return new ReferenceMatMul();
        }
        try {
            return (MatMul) Class.forName("dev.scratchnet.tensor.VectorMatMul").getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            return new ReferenceMatMul();
        }
    }
}
