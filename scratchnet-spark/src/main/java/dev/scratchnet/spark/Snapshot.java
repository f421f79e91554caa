package dev.scratchnet.spark;

import dev.scratchnet.nn.Network;
import dev.scratchnet.nn.Parameter;
import dev.scratchnet.train.Optimizer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a round of parameter averaging moves: every parameter's values and the optimizer's state arrays, by
 * name, and the optimizer's step count. Sent as plain bytes (name, length, little-endian floats), so the
 * bytes a round moves are exactly what is counted.
 */
record Snapshot(long steps, Map<String, float[]> values, Map<String, float[]> first, Map<String, float[]> second) {

    /** A copy of the network's parameters and the optimizer's state. */
    static Snapshot of(Network network, Optimizer optimizer) {
        Map<String, float[]> values = new LinkedHashMap<>();
        Map<String, float[]> first = new LinkedHashMap<>();
        Map<String, float[]> second = new LinkedHashMap<>();
        Optimizer.State state = optimizer.state();
        for (Parameter p : network.parameters()) { // in the network's order: the state's maps have none
            values.put(p.name(), p.values().clone());
            copyIfPresent(state.first(), p.name(), first);
            copyIfPresent(state.second(), p.name(), second);
        }
        return new Snapshot(state.steps(), values, first, second);
    }

    /** Puts these values into the network's parameters and this state into the optimizer (copies). */
    void applyTo(Network network, Optimizer optimizer) {
        for (Parameter p : network.parameters()) {
            float[] v = values.get(p.name());
            if (v == null || v.length != p.values().length) {
                throw new IllegalStateException("the snapshot has no " + p.name() + " of " + p.values().length);
            }
            System.arraycopy(v, 0, p.values(), 0, v.length);
        }
        optimizer.restore(new Optimizer.State(steps, copy(first), copy(second)));
    }

    /**
     * The mean of the workers' snapshots, summed in the order given (partition order, so the bits do not
     * depend on which worker answered first); the step count is the furthest any worker got.
     */
    static Snapshot average(List<Snapshot> workers) {
        Snapshot head = workers.get(0);
        long steps = workers.stream().mapToLong(Snapshot::steps).max().orElse(0);
        return new Snapshot(steps, mean(workers, Snapshot::values, head.values),
                mean(workers, Snapshot::first, head.first), mean(workers, Snapshot::second, head.second));
    }

    private static Map<String, float[]> mean(List<Snapshot> workers, java.util.function.Function<Snapshot,
            Map<String, float[]>> part, Map<String, float[]> names) {
        Map<String, float[]> out = new LinkedHashMap<>();
        float scale = 1f / workers.size();
        for (String name : names.keySet()) {
            float[] sum = new float[names.get(name).length];
            for (Snapshot w : workers) {
                float[] v = part.apply(w).get(name);
                for (int i = 0; i < sum.length; i++) {
                    sum[i] += v[i];
                }
            }
            for (int i = 0; i < sum.length; i++) {
                sum[i] *= scale;
            }
            out.put(name, sum);
        }
        return out;
    }

    /** Floats held: the unit of a round's traffic. */
    long floats() {
        return count(values) + count(first) + count(second);
    }

    byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 64, floats() * 4 + 1024));
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(steps);
            for (Map<String, float[]> part : List.of(values, first, second)) {
                out.writeInt(part.size());
                for (Map.Entry<String, float[]> e : part.entrySet()) {
                    out.writeUTF(e.getKey());
                    out.writeInt(e.getValue().length);
                    ByteBuffer buffer = ByteBuffer.allocate(e.getValue().length * 4).order(ByteOrder.LITTLE_ENDIAN);
                    buffer.asFloatBuffer().put(e.getValue());
                    out.write(buffer.array());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static Snapshot fromBytes(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            long steps = in.readLong();
            List<Map<String, float[]>> parts = new java.util.ArrayList<>();
            for (int k = 0; k < 3; k++) {
                Map<String, float[]> part = new LinkedHashMap<>();
                int entries = in.readInt();
                for (int e = 0; e < entries; e++) {
                    String name = in.readUTF();
                    byte[] raw = new byte[in.readInt() * 4];
                    in.readFully(raw);
                    float[] v = new float[raw.length / 4];
                    ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
                    part.put(name, v);
                }
                parts.add(part);
            }
            return new Snapshot(steps, parts.get(0), parts.get(1), parts.get(2));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copyIfPresent(Map<String, float[]> from, String name, Map<String, float[]> to) {
        float[] v = from.get(name);
        if (v != null) {
            to.put(name, v.clone());
        }
    }

    private static Map<String, float[]> copy(Map<String, float[]> arrays) {
        Map<String, float[]> out = new LinkedHashMap<>();
        arrays.forEach((name, v) -> out.put(name, v.clone()));
        return out;
    }

    private static long count(Map<String, float[]> arrays) {
        return arrays.values().stream().mapToLong(v -> v.length).sum();
    }
}
