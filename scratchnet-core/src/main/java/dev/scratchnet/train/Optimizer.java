package dev.scratchnet.train;

import dev.scratchnet.nn.Parameter;
import dev.scratchnet.nn.ParameterUpdate;
import dev.scratchnet.tensor.Compute;
import dev.scratchnet.tensor.Names;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns gradients into parameter updates, one named parameter at a time, keeping whatever state its kind
 * needs (velocities or moment estimates) in arrays made on first use and kept by the parameter's name.
 * Lifecycle: create once per training run, call {@link #beginStep()} once per mini-batch, then
 * {@link #update} for every parameter (or {@link #inPass} once per mini-batch, which counts the step and
 * updates each parameter as backpropagation completes its gradient); {@link #state} exposes the arrays so
 * checkpoints can save them.
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
 * ε = 1e-8. The loops themselves are {@link UpdateRules}: the scalar reference, or SIMD with the same bits.
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
    public record Config(Kind kind, float momentum, float beta1, float beta2) implements java.io.Serializable {
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

    /** Tensors this large are split across the compute pool (smaller ones cost less than a hand-off). */
    static final int PARALLEL_MIN = 1 << 16;

    private final Config config;
    private final UpdateRules rules;
    private final UpdateRules.Step step = new UpdateRules.Step();
    /** The update of elements [from, to) of the tensor in {@link #step}: one class per kind (see below). */
    private final Compute.Parts rule;
    private final Map<String, float[]> first = new LinkedHashMap<>();
    private final Map<String, float[]> second = new LinkedHashMap<>();
    private final InPass inPass = new InPass();
    private long steps;

    public Optimizer(Config config) {
        this(config, UpdateRules.best());
    }

    /** With the given rules (tests compare the SIMD rules with the scalar reference). */
    Optimizer(Config config, UpdateRules rules) {
        this.config = config;
        this.rules = rules;
        step.mu = config.momentum();
        step.beta1 = config.beta1();
        step.beta2 = config.beta2();
        // One lambda per kind, each calling one rule, rather than one method switching over the kinds: C2 then
        // compiles each rule on its own. A switch inlining several SIMD rules (a JVM that ran momentum and
        // Adam) outgrew C2's inlining budget, and momentum's vectors were boxed on the heap (AllocationTest).
        UpdateRules.Step t = step;
        rule = switch (config.kind()) {
            case SGD -> (from, to) -> rules.sgd(t, from, to);
            case MOMENTUM -> (from, to) -> rules.momentum(t, from, to);
            case NESTEROV -> (from, to) -> rules.nesterov(t, from, to);
            case ADAM -> (from, to) -> rules.adam(t, from, to);
            case RMSPROP -> (from, to) -> rules.rmsprop(t, from, to);
        };
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

    /**
     * One step over every parameter from the gradients of the summed cost ∇ that backpropagation left:
     * g = ∇/m + (λ₂/n)·w + (λ₁/n)·sgn(w) (biases not regularized) formed inside each update's own loop. With
     * clipping on (clipNorm > 0), the whole regularized gradient is formed first for its norm, in parameter
     * order, and scaled by c/‖g‖ when ‖g‖ > c, before the updates.
     */
    public void step(Compute compute, List<Parameter> parameters, float eta, float perExample, float l2, float l1,
                     float clipNorm) {
        if (clipNorm == 0f) { // one pass over each parameter
            beginStep();
            for (int i = 0; i < parameters.size(); i++) { // index loops: no iterator per step
                update(compute, parameters.get(i), eta, perExample, l2, l1);
            }
            return;
        }
        double squares = 0;
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            regularize(p, perExample, l2, l1);
            squares += sumOfSquares(p.gradient());
        }
        float clip = squares > (double) clipNorm * clipNorm ? (float) (clipNorm / Math.sqrt(squares)) : 1f; // g ← g·c/‖g‖
        beginStep();
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            if (clip != 1f) {
                scale(p.gradient(), clip);
            }
            update(compute, p, eta);
        }
    }

    /** g ← ∇/m + (λ₂/n)·w + (λ₁/n)·sgn(w) in place for a parameter that decays, g ← ∇/m for the rest. */
    private static void regularize(Parameter p, float perExample, float l2, float l1) {
        float[] w = p.values();
        float[] g = p.gradient();
        if (!p.decays()) {
            scale(g, perExample);
            return;
        }
        for (int i = 0; i < g.length; i++) {
            g[i] = g[i] * perExample + l2 * w[i] + l1 * Math.signum(w[i]);
        }
    }

    private static void scale(float[] values, float factor) {
        for (int i = 0; i < values.length; i++) {
            values[i] *= factor;
        }
    }

    private static double sumOfSquares(float[] values) {
        double s = 0;
        for (float v : values) {
            s += (double) v * v;
        }
        return s;
    }

    /** Applies one update to the parameter from its gradient g, as {@link Parameter#gradient} holds it. */
    public void update(Parameter parameter, float eta) {
        apply(null, parameter, eta, 1f, 0f, 0f, false);
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
        update(null, parameter, eta, perExample, l2, l1);
    }

    /**
     * As {@link #update(Parameter, float, float, float, float)}, with a large tensor's elements split across
     * the compute pool (each element's update is independent, so the bits do not depend on the split).
     */
    public void update(Compute compute, Parameter parameter, float eta, float perExample, float l2, float l1) {
        apply(compute, parameter, eta, perExample, l2, l1, parameter.decays());
    }

    /** As {@link #update(Parameter, float)}, split across the compute pool. */
    public void update(Compute compute, Parameter parameter, float eta) {
        apply(compute, parameter, eta, 1f, 0f, 0f, false);
    }

    private void apply(Compute compute, Parameter parameter, float eta, float pe, float l2, float l1, boolean decays) {
        int size = prepare(parameter, eta, pe, l2, l1, decays);
        if (compute == null) {
            rule.run(0, size);
        } else {
            compute.forEach(size, PARALLEL_MIN, rule);
        }
    }

    /**
     * Sets {@link #step} for one parameter's update, which {@link #rule} then runs over ranges of its
     * elements; returns the parameter's size.
     */
    private int prepare(Parameter parameter, float eta, float pe, float l2, float l1, boolean decays) {
        UpdateRules.Step t = step;
        t.w = parameter.values();
        t.s = parameter.gradient();
        t.eta = eta;
        t.perExample = pe;
        t.l2 = l2;
        t.l1 = l1;
        t.decays = decays;
        String name = parameter.name();
        Kind kind = config.kind();
        t.first = kind == Kind.MOMENTUM || kind == Kind.NESTEROV || kind == Kind.ADAM ? first(name, t.w.length) : null;
        t.second = kind == Kind.ADAM || kind == Kind.RMSPROP ? second(name, t.w.length) : null;
        if (kind == Kind.ADAM) {
            t.c1 = (float) (1 - Math.pow(config.beta1(), steps)); // bias corrections 1 − βᵗ
            t.c2 = (float) (1 - Math.pow(config.beta2(), steps));
        }
        return t.w.length;
    }

    /**
     * This step's update taken inside backpropagation ({@link dev.scratchnet.nn.Backprop#run(Compute, float[],
     * int[], int, dev.scratchnet.nn.Cost, ParameterUpdate)}): counts the step, then updates each parameter as
     * {@link #update(Compute, Parameter, float, float, float, float)} would, as soon as backpropagation has its
     * gradient. Not with clipping, which needs the norm of every gradient before any update.
     */
    public ParameterUpdate inPass(float eta, float perExample, float l2, float l1) {
        beginStep();
        inPass.eta = eta;
        inPass.perExample = perExample;
        inPass.l2 = l2;
        inPass.l1 = l1;
        return inPass;
    }

    /** {@link #inPass}'s update: this step's numbers, set once per step (no allocation). */
    private final class InPass implements ParameterUpdate {
        float eta;
        float perExample;
        float l2;
        float l1;

        @Override
        public void update(Compute compute, Parameter p) {
            Optimizer.this.update(compute, p, eta, perExample, l2, l1);
        }

        @Override
        public Compute.Parts updateOf(Parameter p) {
            prepare(p, eta, perExample, l2, l1, p.decays());
            return rule;
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
