package dev.profilekit.benchmarks.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Computes the accuracy figures of every {@link Comparisons} entry that has them and writes them as JSON,
 * {@code {"<comparison id>": {"<metric>.<method>": value, ...}, ...}}, for {@link BenchmarksReport}.
 * Usage: {@code java -cp benchmarks.jar dev.profilekit.benchmarks.report.QualityChecks quality.json}.
 */
public final class QualityChecks {

    private QualityChecks() {
    }

    /** Writes the accuracy figures to {@code args[0]}. */
    public static void main(String[] args) {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: QualityChecks <output.json>");
        }
        write(Path.of(args[0]));
    }

    static void write(Path out) {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        for (Comparison c : Comparisons.ALL) {
            if (c.quality() != null) {
                ObjectNode node = root.putObject(c.id());
                for (Map.Entry<String, Double> e : c.quality().get().entrySet()) {
                    node.put(e.getKey(), e.getValue());
                }
            }
        }
        try {
            Files.writeString(out, json.writeValueAsString(root));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
