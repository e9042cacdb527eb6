package dev.profilekit.benchmarks;

import dev.profilekit.sim.DriftingShopEvaluation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Issue 22's ranking and segments stage: the live models of {@code examples/drift} on the drifting shop for seeds
 * 1, 2 and 3 (prequential AUC against a naive learner and the true hazard, final Spearman with the true 72 h
 * purchase probability, ARI of the live segments and of batch k-means). A plain main; prints one line per seed
 * and writes them to the given file.
 *
 * <pre>java -cp benchmarks.jar dev.profilekit.benchmarks.DriftRanking OUT_FILE [SEED ...]</pre>
 */
public final class DriftRanking {

    private DriftRanking() {
    }

    /** Runs the stage; see the class comment for the arguments. */
    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length < 1) {
            System.err.println("usage: DriftRanking OUT_FILE [SEED ...]");
            System.exit(2);
        }
        List<String> lines = new ArrayList<>();
        long[] seeds = args.length == 1 ? new long[] {1, 2, 3}
                : java.util.Arrays.stream(args, 1, args.length).mapToLong(Long::parseLong).toArray();
        for (long seed : seeds) {
            String line = DriftingShopEvaluation.run(seed).toString();
            System.out.println(line);
            lines.add(line);
        }
        Files.write(Path.of(args[0]), lines, StandardCharsets.UTF_8);
    }
}
