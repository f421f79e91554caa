package dev.scratchnet.spark;

import dev.scratchnet.cli.ScaleOut;
import java.io.PrintWriter;
import org.apache.spark.api.java.JavaSparkContext;

/** {@code train --spark}: found by the command line through {@link java.util.ServiceLoader}. */
public final class SparkScaleOut implements ScaleOut {

    @Override
    public void checkMaster(String master) {
        SparkConnection.check(master);
    }

    @Override
    public Session open(Request request, PrintWriter out) {
        JavaSparkContext sc = SparkConnection.connect(request.master(), "scratchnet train", request.workers());
        try {
            return new ParameterAveraging(sc, request, out);
        } catch (IllegalArgumentException e) {
            sc.close();
            throw e;
        } catch (Exception e) { // SparkException is checked, though Scala declares it nowhere
            sc.close();
            throw new IllegalArgumentException("cannot put the shards on the executors: " + SparkConnection.reason(e));
        }
    }
}
