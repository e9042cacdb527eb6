package dev.profilekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 26, item 2: two replays started together that write the same {@code --out} (with schemas that differ by
 * one feature, so their outputs differ in every line) leave one complete output, never the shorter one followed
 * by the tail of the longer one. Both run as separate JVMs, as two shell commands would.
 */
@Tag("slow")
class ReplayConcurrentOutputTest {

    private static final int USERS = 150_000;

    @TempDir
    Path tmp;

    @Test
    void twoRunsWritingOneOutputLeaveOneWholeOutput() throws Exception {
        Path events = tmp.resolve("events.jsonl");
        try (BufferedWriter w = Files.newBufferedWriter(events, StandardCharsets.UTF_8)) {
            for (int i = 0; i < USERS; i++) {
                w.write("{\"id\":\"e" + i + "\",\"user\":\"user" + i + "\",\"type\":\"purchase\",\"ts\":"
                        + (1767225600000L + i) + ",\"attrs\":{\"amount\":1.5}}\n");
            }
        }
        Path small = tmp.resolve("small.json");
        Files.writeString(small, "{\"features\":[{\"name\":\"buys\",\"kind\":\"count\",\"types\":[\"purchase\"]}]}");
        Path large = tmp.resolve("large.json");
        Files.writeString(large, "{\"features\":[{\"name\":\"buys\",\"kind\":\"count\",\"types\":[\"purchase\"]},"
                + "{\"name\":\"spend\",\"kind\":\"sum\",\"types\":[\"purchase\"],\"field\":\"amount\"}]}");

        byte[] smallAlone = alone(small, events, "a");
        byte[] largeAlone = alone(large, events, "b");
        assertThat(smallAlone.length).isLessThan(largeAlone.length);

        for (int round = 0; round < 3; round++) {
            Path out = tmp.resolve("shared-" + round + ".jsonl");
            Process p1 = ReplayResumeTest.startCli(tmp.resolve("r" + round + "-1"), args(small, events, out));
            Process p2 = ReplayResumeTest.startCli(tmp.resolve("r" + round + "-2"), args(large, events, out));
            ReplayResumeTest.finish(p1, tmp.resolve("r" + round + "-1"));
            ReplayResumeTest.finish(p2, tmp.resolve("r" + round + "-2"));
            byte[] result = Files.readAllBytes(out);
            // exactly one of the two complete outputs, whichever was renamed into place last
            assertThat(result.length == smallAlone.length && java.util.Arrays.equals(result, smallAlone)
                    || result.length == largeAlone.length && java.util.Arrays.equals(result, largeAlone))
                    .as("round %d: %d bytes, neither the %d-byte nor the %d-byte output", round, result.length,
                            smallAlone.length, largeAlone.length)
                    .isTrue();
            try (var files = Files.list(tmp)) {
                assertThat(files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".tmp")))
                        .as("no temporary file left beside the output").isEmpty();
            }
        }
    }

    private byte[] alone(Path schema, Path events, String name) throws Exception {
        Path out = tmp.resolve(name + ".jsonl");
        Path dir = tmp.resolve("alone-" + name);
        ReplayResumeTest.finish(ReplayResumeTest.startCli(dir, args(schema, events, out)), dir);
        return Files.readAllBytes(out);
    }

    private static List<String> args(Path schema, Path events, Path out) {
        return List.of("replay", "--schema", schema.toString(), "--events", events.toString(), "--out",
                out.toString(), "--now", "2027-01-01T00:00:00Z", "--quiet");
    }
}
