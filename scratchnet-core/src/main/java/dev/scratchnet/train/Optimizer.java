package dev.scratchnet.train;

import dev.scratchnet.tensor.Names;
import dev.scratchnet.nn.Parameter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns gradients into parameter updates, one named parameter at a time, keeping whatever state its kind
 * needs (velocities or moment estimates) in arrays made on first use and kept by the parameter's name.
 * Lifecycle: create once per training run, call {@link #beginStep()} once per mini-batch, then
 * {@link #update} for every parameter; {@link #state} exposes the arrays so checkpoints can save them.
 *
 * <p>With g the gradient of the mean cost over the mini-batch and η the learning rate:
 * <ul>
 *   <li>{@code sgd}: w ← w − η·g.</li>
 *   <li>{@code momentum} (the book, chapter 3): v ← μ·v − η·g; w ← w + v.</li>
 *   <li>{@code nesterov} (Sutskever et al. 2013, in PyTorch's form): b ← μ·b + g; w ← w − η·(g + μ·b).</li>
 *   <li>{@code adam} (Kingma and Ba 2015): m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²;
 *       w ← w − η·m̂/(√v̂ + ε) with m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ), t the step count.</li>
 *   <li>{@code rmsprop} (Tieleman and Hinton 2012): v ← ρv + (1−ρ)g²; w ← w − η·g/(√v + ε), ρ = β₂.</li>
 * </ul>
 * ε = 1e-8.
 */
public final class Optimizer {

    /** The update rule. */
    public enum Kind {
        SGD, MOMENTUM, NESTEROV, ADAM, RMSPROP;

        public String id() {
            return Names.id(this);
        }

        public static Kind parse(String id) {
            return Names.parse(Kind.class, "optimizer", id);
        }
    }

    /**
     * @param kind     the rule
     * @param momentum μ for momentum and nesterov
     * @param beta1    β₁ for adam
     * @param beta2    β₂ for adam, and the decay ρ of rmsprop
     */
    public record Config(Kind kind, float momentum, float beta1, float beta2) {
        public static final Config SGD = new Config(Kind.SGD, 0.9f, 0.9f, 0.999f);

        public Config {
            if (!(momentum >= 0f && momentum < 1f)) {
                throw new IllegalArgumentException("--momentum must be in [0, 1), got " + momentum);
            }
            if (!(beta1 >= 0f && beta1 < 1f) || !(beta2 >= 0f && beta2 < 1f)) {
                throw new IllegalArgumentException("--beta1 and --beta2 must be in [0, 1), got " + beta1 + " and " + beta2);
            }
        }
    }

    static final float EPSILON = 1e-8f;

    /**
     * What a checkpoint keeps of an optimizer: the step count and each parameter's state arrays by name
     * ({@code first}: velocity, Nesterov's buffer or Adam's m; {@code second}: Adam's or RMSprop's v).
     */
    public record State(long steps, Map<String, float[]> first, Map<String, float[]> second) {
        public State {
            first = Map.copyOf(first);
            second = Map.copyOf(second);
        }
    }

    private final Config config;
    private final Map<String, float[]> first = new LinkedHashMap<>();
    private final Map<String, float[]> second = new LinkedHashMap<>();
    private long steps;

    public Optimizer(Config config) {
        this.config = config;
    }

    public Config config() {
        return config;
    }

    /** Counts a step (Adam's t). */
    public void beginStep() {
        steps++;
    }

    public long steps() {
        return steps;
    }

    /** Applies one update to the parameter from its gradient g, as {@link Parameter#gradient} holds it. */
    public void update(Parameter parameter, float eta) {
        apply(parameter, eta, 1f, 0f, 0f, false);
    }

    /**
     * Applies one update from the gradient of the summed cost ∇ (as backpropagation left it), forming
     * g = ∇/m + (λ₂/n)·w + (λ₁/n)·sgn(w) for a parameter that decays and g = ∇/m for the rest inside the
     * update's own loop, so that the parameters are walked once per step instead of twice. The numbers are
     * those of regularizing ∇ in place first and updating from it then.
     *
     * @param perExample 1/m
     * @param l2         λ₂/n, applied to decaying parameters only
     * @param l1         λ₁/n, likewise
     */
    public void update(Parameter parameter, float eta, float perExample, float l2, float l1) {
        apply(parameter, eta, perExample, l2, l1, parameter.decays());
    }

    private void apply(Parameter parameter, float eta, float pe, float l2, float l1, boolean decays) {
        float[] w = parameter.values();
        float[] s = parameter.gradient();
        String name = parameter.name();
        switch (config.kind()) {
            case SGD -> {
                for (int i = 0; i < w.length; i++) {
                    w[i] -= eta * g(s, w, i, pe, l2, l1, decays); // w ← w − η·g
                }
            }
            case MOMENTUM -> {
                float[] v = first(name, w.length);
                float mu = config.momentum();
                for (int i = 0; i < w.length; i++) {
                    v[i] = mu * v[i] - eta * g(s, w, i, pe, l2, l1, decays); // v ← μv − ηg
                    w[i] += v[i]; // w ← w + v
                }
            }
            case NESTEROV -> {
                float[] b = first(name, w.length);
                float mu = config.momentum();
                for (int i = 0; i < w.length; i++) {
                    float gi = g(s, w, i, pe, l2, l1, decays);
                    b[i] = mu * b[i] + gi; // b ← μb + g
                    w[i] -= eta * (gi + mu * b[i]); // w ← w − η(g + μb)
                }
            }
            case ADAM -> adam(name, w, s, eta, pe, l2, l1, decays);
            case RMSPROP -> {
                float[] v = second(name, w.length);
                float rho = config.beta2();
                for (int i = 0; i < w.length; i++) {
                    float gi = g(s, w, i, pe, l2, l1, decays);
                    v[i] = rho * v[i] + (1 - rho) * gi * gi; // v ← ρv + (1−ρ)g²
                    w[i] -= eta * gi / ((float) Math.sqrt(v[i]) + EPSILON); // w ← w − ηg/(√v + ε)
                }
            }
            default -> throw new IllegalStateException(config.kind().name());
        }
    }

    /** g_i from the summed gradient s, read where the update needs it (w_i before the update changes it). */
    private static float g(float[] s, float[] w, int i, float pe, float l2, float l1, boolean decays) {
        float scaled = s[i] * pe;
        return decays ? scaled + l2 * w[i] + l1 * Math.signum(w[i]) : scaled; // ∇/m + (λ₂/n)w + (λ₁/n)sgn(w)
    }

    private void adam(String name, float[] w, float[] s, float eta, float pe, float l2, float l1, boolean decays) {
        float[] m = first(name, w.length);
        float[] v = second(name, w.length);
        float b1 = config.beta1();
        float b2 = config.beta2();
        float c1 = (float) (1 - Math.pow(b1, steps)); // bias corrections 1 − βᵗ
        float c2 = (float) (1 - Math.pow(b2, steps));
        for (int i = 0; i < w.length; i++) {
            float gi = g(s, w, i, pe, l2, l1, decays);
            m[i] = b1 * m[i] + (1 - b1) * gi; // m ← β₁m + (1−β₁)g
            v[i] = b2 * v[i] + (1 - b2) * gi * gi; // v ← β₂v + (1−β₂)g²
            w[i] -= eta * (m[i] / c1) / ((float) Math.sqrt(v[i] / c2) + EPSILON); // w ← w − η·m̂/(√v̂ + ε)
        }
    }

    private float[] first(String name, int size) {
        return stateOf(first, name, size);
    }

    private float[] second(String name, int size) {
        return stateOf(second, name, size);
    }

    private static float[] stateOf(Map<String, float[]> state, String name, int size) {
        float[] values = state.get(name);
        if (values == null) {
            values = new float[size];
            state.put(name, values);
        }
        return values;
    }

    /** The state arrays by parameter name (live), and the step count, for checkpoints. */
    public State state() {
        return new State(steps, first, second);
    }

    /** Restores what {@link #state()} returned. */
    public void restore(State state) {
        first.clear();
        first.putAll(state.first());
        second.clear();
        second.putAll(state.second());
        this.steps = state.steps();
    }
}
