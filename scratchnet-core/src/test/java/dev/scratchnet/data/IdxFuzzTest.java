package dev.scratchnet.data;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of the IDX reader, raw and gzipped: whatever the bytes, it returns a tensor or
 * throws the one-line {@link DataException}, and never expands a gzip stream past its bound. Runs the
 * committed inputs (src/test/resources/.../IdxFuzzTestInputs) in every {@code mvn verify}; fuzzes with
 * {@code JAZZER_FUZZ=1} (see docs/hardening.md).
 */
class IdxFuzzTest {

    @FuzzTest(maxDuration = "5m")
    void readsOrRefusesWithOneLine(byte[] bytes) {
        try {
            byte[] raw = Idx.isGzip(bytes) ? Idx.gunzip(bytes, "fuzz.gz") : bytes;
            Idx.Tensor t = Idx.parse(raw, raw.length > 3 && raw[3] == 1 ? 1 : 3, "fuzz");
            if (t == null) {
                throw new AssertionError("parse returned null");
            }
        } catch (DataException e) {
            Fuzzing.oneLine(e);
        }
    }
}
