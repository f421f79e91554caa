package dev.scratchnet.train;

import dev.scratchnet.io.Json;
import dev.scratchnet.io.ModelFile;
import dev.scratchnet.io.ModelFormatException;
import dev.scratchnet.io.ModelInfo;
import dev.scratchnet.io.SafeTensors;
import dev.scratchnet.nn.Network;
import dev.scratchnet.nn.Parameter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Random;

/**
 * A training checkpoint: a model file (so {@code evaluate} and {@code predict} read it) plus the trainer's
 * {@link Trainer.State} and the run's generator, enough for a resumed run to continue exactly as the
 * uninterrupted one would have. Extra tensors, by parameter name: {@code checkpoint.optimizer.K.NAME}
 * (the optimizer's state array K of parameter NAME: 0 for velocities or first moments, 1 for second
 * moments), {@code checkpoint.best.NAME} (the best validation parameters), and {@code checkpoint.order}
 * (the shuffle order); the rest of the state is metadata.
 *
 * <p>Version 1 files, from before parameters had names in the trainer, kept the same arrays by position
 * ({@code checkpoint.optimizer.K.N} for the N-th tensor, {@code checkpoint.best.L.weight}); they are read
 * by mapping position N to the N-th parameter, which is how they were written.
 */
public final class Checkpoint {

    public static final String VERSION = "2";
    private static final String OPTIMIZER = "checkpoint.optimizer.";
    private static final String BEST = "checkpoint.best.";

    /** What a checkpoint file holds. */
    public record Loaded(ModelFile.Model model, Trainer.State state, Random random) {
    }

    private Checkpoint() {
    }

    public static void save(Path file, Network network, ModelInfo info, Trainer.State state, Random random)
            throws IOException {
        List<SafeTensors.Tensor> tensors = new ArrayList<>(ModelFile.tensors(network));
        Optimizer.State optimizer = state.optimizer();
        for (Parameter p : network.parameters()) {
            addIfPresent(tensors, OPTIMIZER + "0." + p.name(), optimizer.first().get(p.name()));
            addIfPresent(tensors, OPTIMIZER + "1." + p.name(), optimizer.second().get(p.name()));
            addIfPresent(tensors, BEST + p.name(), state.best().get(p.name()));
        }
        float[] order = new float[state.order().length]; // indices < 2²⁴ are exact in float32
        for (int i = 0; i < order.length; i++) {
            order[i] = state.order()[i];
        }
        tensors.add(vector("checkpoint.order", order));
        Map<String, String> meta = new LinkedHashMap<>(ModelFile.metadata(network, info));
        meta.put("checkpoint_version", VERSION);
        meta.put("checkpoint_epoch", String.valueOf(state.epoch()));
        meta.put("checkpoint_optimizer_steps", String.valueOf(optimizer.steps()));
        meta.put("checkpoint_schedule", Json.write(toList(state.schedule())));
        meta.put("checkpoint_best", Json.write(List.of(state.bestAccuracy(), state.bestEpoch())));
        meta.put("checkpoint_history", Json.write(state.history().stream().map(EpochMetrics::toMap).toList()));
        meta.put("checkpoint_random", Base64.getEncoder().encodeToString(serialize(random)));
        SafeTensors.write(file, meta, tensors);
    }

    public static Loaded load(Path file) {
        String source = file.toString();
        SafeTensors.Contents contents = SafeTensors.read(file);
        Map<String, String> meta = contents.metadata();
        String version = meta.get("checkpoint_version");
        if (!VERSION.equals(version) && !"1".equals(version)) {
            throw new ModelFormatException(source + " is not a ScratchNet checkpoint (or one of another version); "
                    + "--resume takes a file written by --checkpoint");
        }
        ModelFile.Model model = ModelFile.fromContents(contents, source);
        try {
            List<Parameter> parameters = model.network().parameters();
            Map<String, float[]> first = new LinkedHashMap<>();
            Map<String, float[]> second = new LinkedHashMap<>();
            Map<String, float[]> best = new LinkedHashMap<>();
            for (int n = 0; n < parameters.size(); n++) {
                String name = parameters.get(n).name();
                boolean v1 = "1".equals(version); // by position, see the class comment
                int size = parameters.get(n).size();
                putIfPresent(first, name, size, contents, OPTIMIZER + "0." + (v1 ? String.valueOf(n) : name));
                putIfPresent(second, name, size, contents, OPTIMIZER + "1." + (v1 ? String.valueOf(n) : name));
                putIfPresent(best, name, size, contents, BEST + (v1 ? name.substring("layers.".length()) : name));
            }
            float[] orderValues = contents.tensors().get("checkpoint.order").data();
            int[] order = new int[orderValues.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = (int) orderValues[i];
            }
            List<?> schedule = (List<?>) Json.parse(meta.get("checkpoint_schedule"));
            List<?> bestEpoch = (List<?>) Json.parse(meta.get("checkpoint_best"));
            List<EpochMetrics> history = new ArrayList<>();
            for (Object o : (List<?>) Json.parse(meta.get("checkpoint_history"))) {
                history.add(fromMap((Map<?, ?>) o));
            }
            Optimizer.State optimizer = new Optimizer.State(Long.parseLong(meta.get("checkpoint_optimizer_steps")),
                    first, second);
            Trainer.State state = new Trainer.State(List.copyOf(history), optimizer, order,
                    schedule.stream().mapToDouble(Checkpoint::asDouble).toArray(),
                    asDouble(bestEpoch.get(0)), (int) asDouble(bestEpoch.get(1)), best);
            Random random = (Random) deserialize(Base64.getDecoder().decode(meta.get("checkpoint_random")));
            return new Loaded(model, state, random);
        } catch (RuntimeException | IOException | ClassNotFoundException e) {
            throw new ModelFormatException("corrupt checkpoint " + source + ": its training state cannot be read ("
                    + e.getMessage() + ")", e);
        }
    }

    private static void addIfPresent(List<SafeTensors.Tensor> tensors, String name, float[] values) {
        if (values != null) {
            tensors.add(vector(name, values));
        }
    }

    private static void putIfPresent(Map<String, float[]> into, String name, int size, SafeTensors.Contents contents,
                                     String tensor) {
        SafeTensors.Tensor t = contents.tensors().get(tensor);
        if (t != null) {
            if (t.data().length != size) {
                throw new IllegalArgumentException(tensor + " has " + t.data().length + " values, " + name + " has " + size);
            }
            into.put(name, t.data());
        }
    }

    private static SafeTensors.Tensor vector(String name, float[] values) {
        return new SafeTensors.Tensor(name, new int[] {values.length}, values);
    }

    private static List<Double> toList(double[] values) {
        List<Double> list = new ArrayList<>();
        for (double v : values) {
            list.add(v);
        }
        return list;
    }

    private static EpochMetrics fromMap(Map<?, ?> m) {
        return new EpochMetrics(((Number) m.get("epoch")).intValue(), number(m, "train_cost"),
                optional(m, "validation_accuracy"), number(m, "test_accuracy"), number(m, "seconds"),
                ((Number) m.get("examples")).intValue(), number(m, "learning_rate"), optional(m, "train_accuracy"),
                optional(m, "validation_cost"));
    }

    private static double number(Map<?, ?> m, String key) {
        return asDouble(m.get(key));
    }

    private static OptionalDouble optional(Map<?, ?> m, String key) {
        Object v = m.get(key);
        return v == null ? OptionalDouble.empty() : OptionalDouble.of(asDouble(v));
    }

    /** A JSON number, or the strings Jackson writes for NaN and the infinities. */
    private static double asDouble(Object v) {
        return v instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(v));
    }

    private static byte[] serialize(Object o) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        return bytes.toByteArray();
    }

    private static Object deserialize(byte[] bytes) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes)) {
            @Override
            protected Class<?> resolveClass(java.io.ObjectStreamClass desc) throws IOException, ClassNotFoundException {
                if (!desc.getName().equals(Random.class.getName())) {
                    throw new java.io.InvalidClassException(desc.getName(), "only java.util.Random is expected");
                }
                return super.resolveClass(desc);
            }
        }) {
            return in.readObject();
        }
    }
}
