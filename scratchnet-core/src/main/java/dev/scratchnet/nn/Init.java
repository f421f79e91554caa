package dev.scratchnet.nn;

import dev.scratchnet.tensor.Names;
import java.util.Random;

/**
 * Weight initialization.
 *
 * <ul>
 *   <li>{@code normal}: weights from N(0, 1), network.py's initializer (chapter 1); biases N(0, 1).</li>
 *   <li>{@code fan-in}: weights from N(0, 1/n_in), network2.py's default_weight_initializer (chapter 3),
 *       which keeps z = Σ w·x + b of order 1 so hidden neurons do not start saturated; biases N(0, 1).</li>
 *   <li>{@code xavier}: weights from N(0, 2/(n_in + n_out)) (Glorot and Bengio 2010), for tanh and
 *       sigmoid; biases 0.</li>
 *   <li>{@code he}: weights from N(0, 2/n_in) (He et al. 2015), for ReLU; biases 0.</li>
 * </ul>
 */
public enum Init {
    NORMAL, FAN_IN, XAVIER, HE;

    public String id() {
        return Names.id(this);
    }

    public static Init parse(String id) {
        return Names.parse(Init.class, "init", id);
    }

    /** The sensible default for a hidden activation: he for ReLU, xavier otherwise. */
    public static Init defaultFor(Activation hidden) {
        return hidden == Activation.RELU ? HE : XAVIER;
    }

    /** Fills weights [nOut × nIn] and biases [nOut] from the given generator. */
    public void fill(float[] weights, float[] biases, int nIn, Random random) {
        fill(weights, biases, nIn, biases.length, random);
    }

    /**
     * Fills weights and biases with the given fans: for a dense layer n_in and n_out; for a convolution
     * n_in = C_in·K·K and n_out = C_out·K·K (the inputs and outputs one weight's filter touches, as in
     * PyTorch's fan computation).
     */
    public void fill(float[] weights, float[] biases, int nIn, int nOut, Random random) {
        double std = switch (this) {
            case NORMAL -> 1.0;
            case FAN_IN -> Math.sqrt(1.0 / nIn);
            case XAVIER -> Math.sqrt(2.0 / (nIn + nOut));
            case HE -> Math.sqrt(2.0 / nIn);
        };
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) (random.nextGaussian() * std);
        }
        boolean book = this == NORMAL || this == FAN_IN;
        for (int j = 0; j < biases.length; j++) {
            biases[j] = book ? (float) random.nextGaussian() : 0f;
        }
    }
}
