package dev.scratchnet.train;

import dev.scratchnet.nn.Activation;
import dev.scratchnet.nn.Cost;
import dev.scratchnet.nn.Network;
import dev.scratchnet.nn.Parameter;

/**
 * A plain dense network in the manner of the book's network.py: one example at a time, double precision,
 * loops and nothing else, written from the equations, to check the fast path against. Masks, when given,
 * are per example and per layer input (the first layer's is never used), as inverted dropout defines them.
 */
final class ReferenceNetwork {

    final int[] sizes;
    final Activation[] activations;
    /** Weights w[l][j·n_in + k] and biases b[l][j] of layer l, and their summed gradients. */
    final double[][] w;
    final double[][] b;
    final double[][] nablaW;
    final double[][] nablaB;

    /** A copy of the network's parameters, by name. */
    ReferenceNetwork(Network net) {
        sizes = net.architecture().sizes().stream().mapToInt(Integer::intValue).toArray();
        activations = net.architecture().activations().toArray(new Activation[0]);
        int layers = activations.length;
        w = new double[layers][];
        b = new double[layers][];
        nablaW = new double[layers][];
        nablaB = new double[layers][];
        for (int l = 0; l < layers; l++) {
            w[l] = toDouble(net.parameter("layers." + l + ".weight").values());
            b[l] = toDouble(net.parameter("layers." + l + ".bias").values());
            nablaW[l] = new double[w[l].length];
            nablaB[l] = new double[b[l].length];
        }
    }

    /** Σ over the examples of ∇C, into nablaW and nablaB; masks[e][l] is example e's mask of layer l's input. */
    void gradients(double[][] x, int[] labels, Cost cost, double[][][] masks) {
        for (int l = 0; l < w.length; l++) {
            java.util.Arrays.fill(nablaW[l], 0);
            java.util.Arrays.fill(nablaB[l], 0);
        }
        for (int e = 0; e < x.length; e++) {
            backprop(x[e], labels[e], cost, masks == null ? null : masks[e]);
        }
    }

    private void backprop(double[] x, int label, Cost cost, double[][] mask) {
        int layers = w.length;
        double[][] inputs = new double[layers][];
        double[][] z = new double[layers][];
        double[][] a = new double[layers][];
        double[] in = x;
        for (int l = 0; l < layers; l++) {
            inputs[l] = l > 0 && mask != null ? times(in, mask[l]) : in; // ã = a ⊙ r
            z[l] = new double[sizes[l + 1]];
            for (int j = 0; j < z[l].length; j++) {
                double s = b[l][j];
                for (int k = 0; k < sizes[l]; k++) {
                    s += w[l][j * sizes[l] + k] * inputs[l][k];
                }
                z[l][j] = s;
            }
            a[l] = activate(activations[l], z[l]);
            in = a[l];
        }
        double[] delta = outputError(a[layers - 1], label, cost, activations[layers - 1]); // BP1
        for (int l = layers - 1; l >= 0; l--) {
            for (int j = 0; j < delta.length; j++) {
                nablaB[l][j] += delta[j]; // BP3
                for (int k = 0; k < sizes[l]; k++) {
                    nablaW[l][j * sizes[l] + k] += delta[j] * inputs[l][k]; // BP4
                }
            }
            if (l > 0) {
                double[] previous = new double[sizes[l]];
                for (int k = 0; k < sizes[l]; k++) {
                    double s = 0;
                    for (int j = 0; j < delta.length; j++) {
                        s += w[l][j * sizes[l] + k] * delta[j];
                    }
                    double r = mask != null ? mask[l][k] : 1;
                    previous[k] = s * r * derivative(activations[l - 1], z[l - 1][k], a[l - 1][k]); // BP2
                }
                delta = previous;
            }
        }
    }

    private static double[] outputError(double[] a, int label, Cost cost, Activation output) {
        double[] d = new double[a.length];
        for (int j = 0; j < a.length; j++) {
            d[j] = a[j] - (j == label ? 1 : 0);
        }
        if (cost == Cost.CROSS_ENTROPY) {
            return d; // σ' cancels (book eqs. 66 and 84)
        }
        double[] out = new double[a.length];
        for (int j = 0; j < a.length; j++) {
            if (output == Activation.SOFTMAX) {
                for (int k = 0; k < a.length; k++) {
                    out[j] += d[k] * a[k] * ((j == k ? 1 : 0) - a[j]); // ∂a_k/∂z_j = a_k(δ_jk − a_j)
                }
            } else {
                out[j] = d[j] * a[j] * (1 - a[j]);
            }
        }
        return out;
    }

    private static double[] activate(Activation f, double[] z) {
        double[] a = new double[z.length];
        if (f == Activation.SOFTMAX) {
            double max = java.util.Arrays.stream(z).max().orElse(0);
            double sum = 0;
            for (int j = 0; j < z.length; j++) {
                a[j] = Math.exp(z[j] - max);
                sum += a[j];
            }
            for (int j = 0; j < z.length; j++) {
                a[j] /= sum;
            }
            return a;
        }
        for (int j = 0; j < z.length; j++) {
            a[j] = switch (f) {
                case SIGMOID -> 1 / (1 + Math.exp(-z[j]));
                case TANH -> Math.tanh(z[j]);
                case RELU -> Math.max(0, z[j]);
                default -> throw new IllegalStateException(f.name());
            };
        }
        return a;
    }

    private static double derivative(Activation f, double z, double a) {
        return switch (f) {
            case SIGMOID -> a * (1 - a);
            case TANH -> 1 - a * a;
            case RELU -> z > 0 ? 1 : 0;
            default -> throw new IllegalStateException(f.name());
        };
    }

    private static double[] times(double[] v, double[] r) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] * r[i];
        }
        return out;
    }

    static double[] toDouble(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    /** The parameter of the fast network against this one's, by name: the largest error relative to scale. */
    double relativeError(Parameter p, boolean gradient) {
        String[] parts = p.name().split("\\.");
        int l = Integer.parseInt(parts[1]);
        boolean weight = parts[2].equals("weight");
        double[] mine = gradient ? (weight ? nablaW[l] : nablaB[l]) : (weight ? w[l] : b[l]);
        float[] theirs = gradient ? p.gradient() : p.values();
        double scale = 0;
        for (double v : mine) {
            scale = Math.max(scale, Math.abs(v));
        }
        double worst = 0;
        for (int i = 0; i < mine.length; i++) {
            worst = Math.max(worst, Math.abs(theirs[i] - mine[i]) / Math.max(Math.abs(mine[i]), 1e-3 * scale));
        }
        return worst;
    }
}
