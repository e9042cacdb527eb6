package dev.profilekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.profilekit.core.testkit.SpecAssertions;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory has a bound whatever the input: {@code replay} runs in a JVM of 256 MB on a file holding one
 * 50 MB line, and on 3,000,000 distinct event ids of 10 users spread over a month (one hour of allowed
 * lateness), and exits 0. Each runs the real command in a child JVM with {@code -Xmx256m}.
 */
@Tag("slow")
class ReplayMemoryBoundsTest {

    private static final long T0 = 1_767_225_600_000L; // 2026-01-01
    private static final String SCHEMA = "{\"allowed_lateness\":\"PT1H\",\"features\":["
            + "{\"name\":\"events\",\"kind\":\"count\"},"
            + "{\"name\":\"spend\",\"kind\":\"sum\",\"field\":\"amount\"},"
            + "{\"name\":\"sessions\",\"kind\":\"sessions\",\"gap\":\"PT30M\"}]}";

    @TempDir
    Path tmp;

    private record Result(int exit, String out) {
        JsonNode summary() throws IOException {
            String[] lines = out.strip().split("\n");
            return SpecAssertions.MAPPER.readTree(lines[lines.length - 1]);
        }
    }

    private Result replayIn256m(Path events) throws IOException, InterruptedException {
        Path schema = tmp.resolve("schema.json");
        Files.writeString(schema, SCHEMA);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                ProfileKitCli.class.getName(), "replay", "--schema", schema.toString(), "--events", events.toString(),
                "--out", tmp.resolve("profiles.jsonl").toString(), "--rejects", tmp.resolve("rejects.jsonl").toString(),
                "--now", "2026-02-15T00:00:00Z"));
        Path log = tmp.resolve("child.out");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).as("child replay finished").isTrue();
        return new Result(p.exitValue(), Files.readString(log));
    }

    @Test
    void aFiftyMegabyteLineIsRejectedAndTheRestReplayed() throws IOException, InterruptedException {
        Path events = tmp.resolve("events.jsonl");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(events), 1 << 16)) {
            out.write(line("a", "u1", T0));
            byte[] chunk = "x".repeat(1 << 16).getBytes(StandardCharsets.UTF_8);
            out.write("{\"id\":\"big\",\"user\":\"u1\",\"type\":\"view\",\"ts\":1767225600000,\"attrs\":{\"s\":\"".getBytes(
                    StandardCharsets.UTF_8));
            for (int i = 0; i < 50 * 16; i++) { // 50 MiB
                out.write(chunk);
            }
            out.write("\"}}\n".getBytes(StandardCharsets.UTF_8));
            out.write(line("b", "u1", T0 + 1));
        }
        Result r = replayIn256m(events);
        assertThat(r.exit()).as(r.out()).isZero();
        JsonNode s = r.summary();
        assertThat(s.get("accepted").asLong()).isEqualTo(2);
        assertThat(s.get("rejected").asLong()).isEqualTo(1);
        String reject = Files.readString(tmp.resolve("rejects.jsonl"));
        assertThat(reject).contains("\"line\":2").contains("LINE_TOO_LONG");
        assertThat(reject.length()).isLessThan(4096);
    }

    @Test
    void threeMillionDistinctEventIdsOfTenUsersOverAMonth() throws IOException, InterruptedException {
        Path events = tmp.resolve("events.jsonl");
        int n = 3_000_000;
        long month = 30L * 86_400_000L;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(events), 1 << 16)) {
            for (int i = 0; i < n; i++) {
                out.write(line("e" + i, "u" + (i % 10), T0 + month * i / n));
            }
        }
        Result r = replayIn256m(events);
        assertThat(r.exit()).as(r.out()).isZero();
        JsonNode s = r.summary();
        assertThat(s.get("accepted").asLong()).isEqualTo(n);
        assertThat(s.get("rejected").asLong()).isZero();
    }

    private static byte[] line(String id, String user, long ts) {
        return ("{\"id\":\"" + id + "\",\"user\":\"" + user + "\",\"type\":\"view\",\"ts\":" + ts
                + ",\"attrs\":{\"amount\":1.5}}\n").getBytes(StandardCharsets.UTF_8);
    }
}
