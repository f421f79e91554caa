package dev.scratchnet.web;

import dev.scratchnet.tensor.Shape;

/** A conv layer's output for one input as pictures: channels × rows × cols, each map scaled to [0, 1]. */
final class FeatureMaps {

    private FeatureMaps() {
    }

    /**
     * Each map's values v as (v − min) / (max − min) over that map (all 0 for a flat map), so that every
     * filter's response shows at full contrast whatever its scale.
     */
    static float[][][] of(float[] output, Shape shape) {
        float[][][] maps = new float[shape.channels()][shape.rows()][shape.cols()];
        int plane = shape.rows() * shape.cols();
        for (int c = 0; c < shape.channels(); c++) {
            float min = Float.POSITIVE_INFINITY;
            float max = Float.NEGATIVE_INFINITY;
            for (int i = c * plane; i < (c + 1) * plane; i++) {
                min = Math.min(min, output[i]);
                max = Math.max(max, output[i]);
            }
            float range = max - min;
            for (int i = 0; i < plane; i++) {
                float v = output[c * plane + i];
                maps[c][i / shape.cols()][i % shape.cols()] = range > 0 ? (v - min) / range : 0f;
            }
        }
        return maps;
    }
}
