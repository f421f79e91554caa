package dev.scratchnet.tensor;

/** Chooses the fastest matrix-multiply kernel this JVM can run. */
public final class Kernels {

    private static final MatMul BEST = load();

    private Kernels() {
    }

    /** The Vector API kernel when {@code jdk.incubator.vector} is present, else the plain-Java one. */
    public static MatMul best() {
        return BEST;
    }

    /** The plain-Java reference kernel. */
    public static MatMul reference() {
        return new ReferenceMatMul();
    }

    /** True when the Vector API module was given to this JVM ({@code --add-modules jdk.incubator.vector}). */
    public static boolean vectorApiPresent() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
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
