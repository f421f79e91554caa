package dev.scratchnet.data;

/** Area-averaging resampling: each output pixel is the mean of the source area it covers (anti-aliased). */
final class Resample {

    private Resample() {
    }

    /** Resamples the region (x0, y0, bw, bh) of a {@code width}-wide image to nw × nh. */
    static float[] area(float[] src, int width, int x0, int y0, int bw, int bh, int nw, int nh) {
        float[] rows = new float[bh * nw]; // horizontal pass: bh rows of nw
        for (int y = 0; y < bh; y++) {
            int from = (y0 + y) * width + x0;
            for (int x = 0; x < nw; x++) {
                rows[y * nw + x] = average(src, from, 1, bw, x, nw);
            }
        }
        float[] out = new float[nh * nw]; // vertical pass
        for (int x = 0; x < nw; x++) {
            for (int y = 0; y < nh; y++) {
                out[y * nw + x] = average(rows, x, nw, bh, y, nh);
            }
        }
        return out;
    }

    /** The mean of source samples over output cell {@code i} of {@code n}, each sample weighted by its coverage. */
    private static float average(float[] src, int from, int stride, int length, int i, int n) {
        double scale = (double) length / n;
        double start = i * scale;
        double end = (i + 1) * scale;
        double sum = 0;
        for (int s = (int) Math.floor(start); s < Math.min(length, (int) Math.ceil(end)); s++) {
            double cover = Math.min(end, s + 1) - Math.max(start, s);
            sum += cover * src[from + s * stride];
        }
        return (float) (sum / (end - start));
    }
}
