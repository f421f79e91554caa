package dev.scratchnet.train;

import dev.scratchnet.io.Json;
import dev.scratchnet.io.ModelFile;
import dev.scratchnet.io.ModelFormatException;
import dev.scratchnet.io.ModelInfo;
import dev.scratchnet.io.SafeTensors;
import dev.scratchnet.nn.Network;
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
 * uninterrupted one would have. Extra tensors: {@code checkpoint.optimizer.K.N} (moment or velocity K of
 * parameter tensor N), {@code checkpoint.order} (the shuffle order), {@code checkpoint.best.*} (the best
 * validation weights); the rest of the state is metadata.
 */
public final class Checkpoint {

    public static final String VERSION = "1";

    /** What a checkpoint file holds. */
    public record Loaded(ModelFile.Model model, Trainer.State state, Random random) {
    }

    private Checkpoint() {
    }

    public static void save(Path file, Network network, ModelInfo info, Trainer.State state, Random random)
            throws IOException {
        List<SafeTensors.Tensor> tensors = new ArrayList<>(ModelFile.tensors(network));
        float[][][] optimizer = state.optimizer();
        for (int k = 0; k < optimizer.length; k++) {
            for (int n = 0; n < optimizer[k].length; n++) {
                if (optimizer[k][n] != null) {
                    tensors.add(vector("checkpoint.optimizer." + k + "." + n, optimizer[k][n]));
                }
            }
        }
        float[] order = new float[state.order().length]; // indices < 2²⁴ are exact in float32
        for (int i = 0; i < order.length; i++) {
            order[i] = state.order()[i];
        }
        tensors.add(vector("checkpoint.order", order));
        for (int l = 0; l < state.bestWeights().length; l++) {
            if (state.bestWeights()[l] != null) {
                tensors.add(vector("checkpoint.best." + l + ".weight", state.bestWeights()[l]));
                tensors.add(vector("checkpoint.best." + l + ".bias", state.bestBiases()[l]));
            }
        }
        Map<String, String> meta = new LinkedHashMap<>(ModelFile.metadata(network, info));
        meta.put("checkpoint_version", VERSION);
        meta.put("checkpoint_epoch", String.valueOf(state.epoch()));
        meta.put("checkpoint_optimizer_steps", String.valueOf(state.optimizerSteps()));
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
        if (!VERSION.equals(meta.get("checkpoint_version"))) {
            throw new ModelFormatException(source + " is not a ScratchNet checkpoint (or one of another version); "
                    + "--resume takes a file written by --checkpoint");
        }
        ModelFile.Model model = ModelFile.fromContents(contents, source);
        try {
            int layers = model.network().layers().size();
            float[][][] optimizer = new float[2][2 * layers][];
            for (int k = 0; k < 2; k++) {
                for (int n = 0; n < 2 * layers; n++) {
                    SafeTensors.Tensor t = contents.tensors().get("checkpoint.optimizer." + k + "." + n);
                    optimizer[k][n] = t == null ? null : t.data();
                }
            }
            float[] orderValues = contents.tensors().get("checkpoint.order").data();
            int[] order = new int[orderValues.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = (int) orderValues[i];
            }
            float[][] bestWeights = new float[layers][];
            float[][] bestBiases = new float[layers][];
            for (int l = 0; l < layers; l++) {
                SafeTensors.Tensor w = contents.tensors().get("checkpoint.best." + l + ".weight");
                SafeTensors.Tensor b = contents.tensors().get("checkpoint.best." + l + ".bias");
                bestWeights[l] = w == null ? null : w.data();
                bestBiases[l] = b == null ? null : b.data();
            }
            List<?> schedule = (List<?>) Json.parse(meta.get("checkpoint_schedule"));
            List<?> best = (List<?>) Json.parse(meta.get("checkpoint_best"));
            List<EpochMetrics> history = new ArrayList<>();
            for (Object o : (List<?>) Json.parse(meta.get("checkpoint_history"))) {
                history.add(fromMap((Map<?, ?>) o));
            }
            Trainer.State state = new Trainer.State(List.copyOf(history), optimizer,
                    Long.parseLong(meta.get("checkpoint_optimizer_steps")), order,
                    schedule.stream().mapToDouble(Checkpoint::asDouble).toArray(),
                    asDouble(best.get(0)), (int) asDouble(best.get(1)), bestWeights, bestBiases);
            Random random = (Random) deserialize(Base64.getDecoder().decode(meta.get("checkpoint_random")));
            return new Loaded(model, state, random);
        } catch (RuntimeException | IOException | ClassNotFoundException e) {
            throw new ModelFormatException("corrupt checkpoint " + source + ": its training state cannot be read ("
                    + e.getMessage() + ")", e);
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
