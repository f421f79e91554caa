package dev.scratchnet.nn;

import java.util.Random;

/**
 * Weight initialization. Biases are drawn from N(0, 1) in both schemes, as in the book.
 *
 * <ul>
 *   <li>{@code normal}: weights from N(0, 1), network.py's initializer (chapter 1).</li>
 *   <li>{@code fan-in}: weights from N(0, 1/n_in), network2.py's default_weight_initializer (chapter 3),
 *       which keeps z = Σ w·x + b of order 1 so hidden neurons do not start saturated.</li>
 * </ul>
 */
public enum Init {
    NORMAL, FAN_IN;

    public String id() {
        return Names.id(this);
    }

    public static Init parse(String id) {
        return Names.parse(Init.class, "init", id);
    }

    /** Fills weights [nOut × nIn] and biases [nOut] from the given generator. */
    public void fill(float[] weights, float[] biases, int nIn, Random random) {
        double std = this == NORMAL ? 1.0 : 1.0 / Math.sqrt(nIn);
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) (random.nextGaussian() * std);
        }
        for (int j = 0; j < biases.length; j++) {
            biases[j] = (float) random.nextGaussian();
        }
    }
}
