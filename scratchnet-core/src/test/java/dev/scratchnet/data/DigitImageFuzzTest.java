package dev.scratchnet.data;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of image decoding and preprocessing (what {@code predict} and
 * {@code /api/predict} do with uploaded bytes): 784 values in [0, 1], or the one-line
 * {@link DataException}, however the header lies about the size.
 */
class DigitImageFuzzTest {

    @FuzzTest(maxDuration = "5m")
    void preprocessesOrRefusesWithOneLine(byte[] bytes) {
        try {
            float[] x = DigitImage.fromBytes(bytes);
            if (x.length != DigitImage.SIDE * DigitImage.SIDE) {
                throw new AssertionError(x.length + " values");
            }
            for (float v : x) {
                if (!(v >= 0f && v <= 1f)) {
                    throw new AssertionError("pixel " + v);
                }
            }
        } catch (DataException e) {
            Fuzzing.oneLine(e);
        }
    }
}
