package dev.profilekit.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the seeded series of {@link ArimaPeersBenchmark} as JSON, {@code {"seed":7,"n":1000,"order":[2,1,2],
 * "series":[...]}} (doubles in their shortest round-trip form, so the reader gets the same bits), for the
 * statsmodels comparison run by hand: {@code profile-benchmarks/statsmodels/arima_timing.py}.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.profilekit.benchmarks.ArimaSeries series.json}.
 */
public final class ArimaSeries {

    private ArimaSeries() {
    }

    /** Writes the series to {@code args[0]}. */
    public static void main(String[] args) {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: ArimaSeries <output.json>");
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("seed", ArimaPeersBenchmark.SEED);
        root.put("n", ArimaPeersBenchmark.N);
        root.putArray("order").add(ArimaPeersBenchmark.ORDER.p()).add(ArimaPeersBenchmark.ORDER.d())
                .add(ArimaPeersBenchmark.ORDER.q());
        ArrayNode values = root.putArray("series");
        for (double v : ArimaPeersBenchmark.series(ArimaPeersBenchmark.N)) {
            values.add(v);
        }
        try {
            Files.writeString(Path.of(args[0]), json.writeValueAsString(root));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
