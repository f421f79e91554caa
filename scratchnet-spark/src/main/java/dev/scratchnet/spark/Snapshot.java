package dev.scratchnet.spark;

import dev.scratchnet.nn.Network;
import dev.scratchnet.nn.Parameter;
import dev.scratchnet.train.Optimizer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a round of parameter averaging moves, as bytes: the optimizer's step count, then every parameter's
 * values, the optimizer's first and its second state arrays, each part a count and, per array, its name
 * and its little-endian floats. Written from and read into the live arrays, so a round copies each array
 * once per direction, and the bytes counted are exactly the bytes sent.
 */
final class Snapshot {

    private Snapshot() {
    }

    /** The network's parameters and the optimizer's state, in the network's parameter order. */
    static byte[] encode(Network network, Optimizer optimizer) {
        Optimizer.State state = optimizer.state();
        List<Map<String, float[]>> parts = List.of(values(network), ordered(network, state.first()),
                ordered(network, state.second()));
        int size = Long.BYTES;
        for (Map<String, float[]> part : parts) {
            size += Integer.BYTES;
            for (Map.Entry<String, float[]> e : part.entrySet()) {
                size += Short.BYTES + utf8(e.getKey()).length + Integer.BYTES + e.getValue().length * Float.BYTES;
            }
        }
        ByteBuffer out = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(state.steps());
        for (Map<String, float[]> part : parts) {
            out.putInt(part.size());
            for (Map.Entry<String, float[]> e : part.entrySet()) {
                byte[] name = utf8(e.getKey());
                out.putShort((short) name.length).put(name).putInt(e.getValue().length);
                out.asFloatBuffer().put(e.getValue());
                out.position(out.position() + e.getValue().length * Float.BYTES);
            }
        }
        return out.array();
    }

    /** Sets the network's parameters and the optimizer's state to what {@code bytes} holds. */
    static void decodeInto(byte[] bytes, Network network, Optimizer optimizer) {
        averageInto(List.of(bytes), network, optimizer);
    }

    /**
     * Sets the network's parameters and the optimizer's state to the mean of the workers' snapshots, summed
     * in the order given (partition order: a float sum depends on its order, so the bits do not depend on
     * which worker answered first); the step count is the furthest any worker got.
     */
    static void averageInto(List<byte[]> workers, Network network, Optimizer optimizer) {
        List<ByteBuffer> inputs = new ArrayList<>();
        long steps = 0;
        for (byte[] w : workers) {
            ByteBuffer in = ByteBuffer.wrap(w).order(ByteOrder.LITTLE_ENDIAN);
            steps = Math.max(steps, in.getLong());
            inputs.add(in);
        }
        Optimizer.State live = optimizer.state();
        float scale = 1f / workers.size();
        readPart(inputs, scale, (name, length) -> {
            float[] v = network.parameter(name).values();
            if (v.length != length) {
                throw new IllegalStateException("the snapshot's " + name + " has " + length + " values, the network's " + v.length);
            }
            return v;
        });
        Map<String, float[]> first = new LinkedHashMap<>();
        Map<String, float[]> second = new LinkedHashMap<>();
        readPart(inputs, scale, (name, length) -> reuse(live.first(), name, length, first));
        readPart(inputs, scale, (name, length) -> reuse(live.second(), name, length, second));
        optimizer.restore(new Optimizer.State(steps, first, second));
    }

    /** One part of every input: each array's mean written into the array {@code target} names (sized on first use). */
    private static void readPart(List<ByteBuffer> inputs, float scale, Target target) {
        int entries = inputs.get(0).getInt();
        for (int k = 1; k < inputs.size(); k++) {
            if (inputs.get(k).getInt() != entries) {
                throw new IllegalStateException("the workers' snapshots hold different arrays");
            }
        }
        for (int e = 0; e < entries; e++) {
            String name = null;
            int length = 0;
            for (ByteBuffer in : inputs) {
                byte[] raw = new byte[in.getShort()];
                in.get(raw);
                String n = new String(raw, StandardCharsets.UTF_8);
                int l = in.getInt();
                if (name != null && (!n.equals(name) || l != length)) {
                    throw new IllegalStateException("the workers' snapshots disagree at " + n);
                }
                name = n;
                length = l;
            }
            float[] sum = target.array(name, length);
            ByteBuffer head = inputs.get(0);
            for (int i = 0; i < length; i++) {
                sum[i] = head.getFloat(); // the first as it is (one snapshot decodes exactly, −0 included)
            }
            for (ByteBuffer in : inputs.subList(1, inputs.size())) {
                for (int i = 0; i < length; i++) {
                    sum[i] += in.getFloat();
                }
            }
            if (inputs.size() > 1) {
                for (int i = 0; i < length; i++) {
                    sum[i] *= scale;
                }
            }
        }
    }

    /** Where one named array of a part goes. */
    private interface Target {
        float[] array(String name, int length);
    }

    private static Map<String, float[]> values(Network network) {
        Map<String, float[]> values = new LinkedHashMap<>();
        for (Parameter p : network.parameters()) {
            values.put(p.name(), p.values());
        }
        return values;
    }

    /** The state arrays in the network's parameter order (the optimizer's own maps keep none). */
    private static Map<String, float[]> ordered(Network network, Map<String, float[]> state) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Parameter p : network.parameters()) {
            float[] v = state.get(p.name());
            if (v != null) {
                out.put(p.name(), v);
            }
        }
        return out;
    }

    /** The optimizer's live array for {@code name} when it has one of that length, else a new one; kept in {@code into}. */
    private static float[] reuse(Map<String, float[]> live, String name, int length, Map<String, float[]> into) {
        float[] v = live.get(name);
        float[] array = v != null && v.length == length ? v : new float[length];
        into.put(name, array);
        return array;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
