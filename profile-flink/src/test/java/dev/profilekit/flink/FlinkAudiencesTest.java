package dev.profilekit.flink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.profilekit.cli.ReplayRunner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Audiences on Flink: the job with {@code --audiences} and {@code --audience-log} keeps each user's memberships with
 * event-time timers, and its folded history (the log folded per user and audience: ENTER opens, EXIT closes, REVISE
 * replaces from its {@code from}) equals {@code profilekit replay}'s, at parallelism 1 and 2, on a stream with
 * out-of-order and late events and rules that flip as time passes; the profiles file (with each user's audiences)
 * and the summary (with the audience sizes) are replay's, byte for byte.
 */
class FlinkAudiencesTest {

    @RegisterExtension
    static final MiniClusterExtension MINI = FlinkTestSupport.miniCluster();

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Time-driven rules (a recency, a window, a decay), a plain one, and one combining both. */
    static final String AUDIENCES = """
            {"audiences": [
              {"name": "lapsed_buyers", "rule": "since_purchase > P2D"},
              {"name": "browsing_now", "rule": "views_6h >= 3"},
              {"name": "warm", "rule": "views_decay_1d > 2"},
              {"name": "cart_abandoners", "rule": "carts >= 1 and (since_purchase > P2D or since_purchase is missing)"},
              {"name": "big_spenders", "rule": "spend > 400"}
            ]}
            """;

    @TempDir
    Path dir;

    private Path stream() throws Exception {
        return FlinkTestSupport.outOfOrder(dir, 150, 20, 11L);
    }

    private void assertParity(String... extra) throws Exception {
        Path schema = FlinkTestSupport.resource("ecommerce/schema.json", dir);
        Path events = stream();
        Path audiences = dir.resolve("audiences.json");
        Files.writeString(audiences, AUDIENCES);
        Path replayOut = dir.resolve("replay.jsonl");
        Path replayLog = dir.resolve("replay-changes.jsonl");
        List<String> replayArgs = new ArrayList<>(List.of("replay", "--schema", schema.toString(), "--events",
                events.toString(), "--out", replayOut.toString(), "--audiences", audiences.toString(),
                "--audience-log", replayLog.toString()));
        for (int i = 0; i < extra.length; i += 2) {
            if (!extra[i].equals("--state-backend")) { // the job's own flag
                replayArgs.addAll(List.of(extra[i], extra[i + 1]));
            }
        }
        String replaySummary = ReplayRunner.run(replayArgs.toArray(new String[0])).strip();
        List<String> replayChanges = Files.readAllLines(replayLog);
        // the stream exercises what matters: late events that revise history, time-driven exits, late rejections
        assertThat(replayChanges).anyMatch(l -> l.contains("\"change\":\"revise\""));
        assertThat(replayChanges).anyMatch(l -> l.contains("\"audience\":\"lapsed_buyers\",\"change\":\"enter\""));
        assertThat(replayChanges).anyMatch(l -> l.contains("\"audience\":\"browsing_now\",\"change\":\"exit\""));
        assertThat(JSON.readTree(replaySummary).get("late").asLong()).isPositive();
        assertThat(Files.readString(replayOut)).contains("\"audiences\":[\"");
        Map<String, Map<String, List<String>>> expected = fold(replayChanges);

        for (int p : new int[] {1, 2}) {
            Path out = dir.resolve("flink-p" + p + ".jsonl");
            Path log = dir.resolve("flink-p" + p + "-changes.jsonl");
            List<String> args = new ArrayList<>(List.of("--schema", schema.toString(), "--events", events.toString(),
                    "--out", out.toString(), "--parallelism", Integer.toString(p), "--audiences",
                    audiences.toString(), "--audience-log", log.toString()));
            args.addAll(List.of(extra));
            String summary = FlinkTestSupport.runJob(args.toArray(new String[0]));
            assertThat(summary).as("summary at parallelism %d", p).isEqualTo(replaySummary);
            assertThat(Files.readAllBytes(out)).as("profiles at parallelism %d", p)
                    .isEqualTo(Files.readAllBytes(replayOut));
            List<String> changes = Files.readAllLines(log);
            assertThat(fold(changes)).as("folded audience history at parallelism %d", p).isEqualTo(expected);
            if (!List.of(extra).contains("--as-of")) {
                // one reader with a watermark per clock raise: the timers fire when replay's clock passes them, so
                // even the unfolded changes are replay's, user by user (only the interleaving of users differs).
                // With --as-of, events after it raise the watermark and not replay's clock: timers up to the as-of
                // time may fire before a late event that replay sees first (a REVISE instead of a plain change)
                assertThat(byUser(changes)).as("each user's changes at parallelism %d", p)
                        .isEqualTo(byUser(replayChanges));
            }
        }
    }

    @Test
    void foldedHistoryProfilesAndSizesAsReplays() throws Exception {
        assertParity();
    }

    @Test
    void withTtlMembershipsEndAtExpiryAsReplays() throws Exception {
        assertParity("--ttl", "P3D");
    }

    @Test
    void asOfAnEarlierTimeFiresUpToItAsReplay() throws Exception {
        long asOf = java.time.Instant.parse("2026-01-17T00:00:00Z").toEpochMilli();
        assertParity("--as-of", Long.toString(asOf));
    }

    @Test
    void onRocksDbTheAudienceStateIsEncodedWithEachUsersState() throws Exception {
        // RocksDB keeps every state serialized: memberships, timers and history must survive each event's round trip
        assertParity("--state-backend", "rocksdb");
    }

    @Test
    void audienceStateTravelsInTheKeyedStateAndItsSerializerSnapshot() throws Exception {
        String schema = Files.readString(FlinkTestSupport.resource("ecommerce/schema.json", dir));
        KernelSpec spec = KernelSpec.of(schema).withAudiences(AUDIENCES);
        dev.profilekit.core.engine.ProfileKernel k = spec.kernel();
        long t = java.time.Instant.parse("2026-01-05T10:00:00Z").toEpochMilli();
        long day = 86_400_000L;
        dev.profilekit.core.engine.KernelState s = k.newState("u1");
        List<String> changes = new ArrayList<>();
        k.apply(s, dev.profilekit.core.engine.Event.builder("e1", "u1", "purchase", t).attr("category", "books")
                .attr("product", "p1").attr("amount", 500.0).build(), c -> changes.add(c.toJson()));
        assertThat(changes).containsExactly(
                "{\"user\":\"u1\",\"audience\":\"big_spenders\",\"change\":\"enter\",\"ts\":" + t + "}");
        // since_purchase > P2D holds from the first millisecond after two days
        assertThat(k.audienceTimer(s)).isEqualTo(t + 2 * day + 1);

        ProfileStateSerializer ser = new ProfileStateSerializer(schema, AUDIENCES);
        org.apache.flink.core.memory.DataOutputSerializer out = new org.apache.flink.core.memory.DataOutputSerializer(256);
        ser.serialize(s, out);
        dev.profilekit.core.engine.KernelState back = ser.deserialize(
                new org.apache.flink.core.memory.DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(k.audienceTimer(back)).isEqualTo(t + 2 * day + 1);
        changes.clear();
        k.fireAudiences(back, t + 3 * day, c -> changes.add(c.toJson()));
        assertThat(changes).containsExactly("{\"user\":\"u1\",\"audience\":\"lapsed_buyers\",\"change\":\"enter\","
                + "\"ts\":" + (t + 2 * day + 1) + "}");
        assertThat(k.audiences(back, t + 3 * day)).containsExactly("big_spenders", "lapsed_buyers");

        // the serializer's snapshot records the audiences: other audiences are incompatible, the same compatible
        var snapshot = ser.snapshotConfiguration();
        org.apache.flink.core.memory.DataOutputSerializer conf = new org.apache.flink.core.memory.DataOutputSerializer(256);
        org.apache.flink.api.common.typeutils.TypeSerializerSnapshotSerializationUtil.writeSerializerSnapshot(conf,
                snapshot);
        org.apache.flink.api.common.typeutils.TypeSerializerSnapshot<dev.profilekit.core.engine.KernelState> old =
                org.apache.flink.api.common.typeutils.TypeSerializerSnapshotSerializationUtil.readSerializerSnapshot(
                        new org.apache.flink.core.memory.DataInputDeserializer(conf.getCopyOfBuffer()),
                        getClass().getClassLoader());
        assertThat(old.restoreSerializer()).isEqualTo(ser);
        assertThat(ser.snapshotConfiguration().resolveSchemaCompatibility(old).isCompatibleAsIs()).isTrue();
        String fewer = "{\"audiences\": [{\"name\": \"big_spenders\", \"rule\": \"spend > 400\"}]}";
        assertThat(new ProfileStateSerializer(schema, fewer).snapshotConfiguration().resolveSchemaCompatibility(old)
                .isIncompatible()).isTrue();
        assertThat(new ProfileStateSerializer(schema).snapshotConfiguration().resolveSchemaCompatibility(old)
                .isIncompatible()).isTrue();
    }

    @Test
    void kafkaModeTakesAudiencesWithOrWithoutATopicAndRefusesBadCombinationsInOneLine() throws Exception {
        Path schema = FlinkTestSupport.resource("ecommerce/schema.json", dir);
        Path audiences = dir.resolve("audiences.json");
        Files.writeString(audiences, AUDIENCES);
        List<String> kafka = List.of("--schema", schema.toString(), "--bootstrap-servers", "localhost:9", "--topic",
                "in", "--output-topic", "out");
        ProfileFlinkJob.Options withTopic = ProfileFlinkJob.parse(args(kafka, "--audiences", audiences.toString(),
                "--audience-topic", "changes"));
        assertThat(withTopic.kafka().audienceTopic()).isEqualTo("changes");
        assertThat(withTopic.spec().audiencesJson()).isEqualTo(AUDIENCES);
        // without a topic: the profile lines carry the memberships, the changes go nowhere
        ProfileFlinkJob.Options alone = ProfileFlinkJob.parse(args(kafka, "--audiences", audiences.toString()));
        assertThat(alone.kafka().audienceTopic()).isNull();
        assertThat(alone.spec().audiencesJson()).isEqualTo(AUDIENCES);

        assertRefused(args(kafka, "--audiences", audiences.toString(), "--audience-log", "x.jsonl"),
                "profilekit-flink: --audience-log is for the file mode", "--audience-topic");
        assertRefused(args(kafka, "--audience-topic", "changes"),
                "profilekit-flink: --audience-topic changes needs --audiences", "A.json");
        assertRefused(args(kafka, "--audiences", audiences.toString(), "--audience-topic", "out"),
                "profilekit-flink: --audience-topic must differ from --topic and --output-topic", "'out'");
        assertRefused(args(kafka, "--audiences", audiences.toString(), "--audience-topic", "in"),
                "profilekit-flink: --audience-topic must differ from --topic and --output-topic", "'in'");
        assertRefused(new String[] {"--schema", schema.toString(), "--events", schema.toString(), "--out",
            dir.resolve("p.jsonl").toString(), "--audiences", audiences.toString(), "--audience-topic", "changes"},
                "profilekit-flink: Kafka options need --bootstrap-servers", "--output-topic");
    }

    private static String[] args(List<String> base, String... more) {
        List<String> all = new ArrayList<>(base);
        all.addAll(List.of(more));
        return all.toArray(new String[0]);
    }

    /** The job exits with 2 and one line on stderr that starts with {@code start} and names {@code names}. */
    private static void assertRefused(String[] args, String start, String names) {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int code = ProfileFlinkJob.run(args, new java.io.PrintStream(new java.io.ByteArrayOutputStream()),
                new java.io.PrintStream(err, true));
        String message = err.toString(StandardCharsets.UTF_8).strip();
        assertThat(code).as("exit code of %s", message).isEqualTo(2);
        assertThat(message).startsWith(start).contains(names).doesNotContain("\n");
    }

    /** Each user's change lines in log order. */
    private static Map<String, List<String>> byUser(List<String> lines) throws Exception {
        Map<String, List<String>> m = new TreeMap<>();
        for (String l : lines) {
            m.computeIfAbsent(JSON.readTree(l).get("user").asText(), k -> new ArrayList<>()).add(l);
        }
        return m;
    }

    /**
     * Folds a log per user and audience into membership intervals {@code [start, end)} (end "open" while it lasts):
     * ENTER opens one, EXIT closes the open one, REVISE drops everything from its {@code from} on and puts its
     * intervals there; touching intervals are joined.
     */
    static Map<String, Map<String, List<String>>> fold(List<String> lines) throws Exception {
        Map<String, Map<String, List<long[]>>> h = new TreeMap<>();
        for (String l : lines) {
            JsonNode n = JSON.readTree(l);
            List<long[]> iv = h.computeIfAbsent(n.get("user").asText(), k -> new TreeMap<>())
                    .computeIfAbsent(n.get("audience").asText(), k -> new ArrayList<>());
            switch (n.get("change").asText()) {
                case "enter" -> {
                    assertThat(iv.isEmpty() || iv.get(iv.size() - 1)[1] != Long.MAX_VALUE).as("enter while in: %s", l)
                            .isTrue();
                    add(iv, n.get("ts").asLong(), Long.MAX_VALUE);
                }
                case "exit" -> {
                    assertThat(!iv.isEmpty() && iv.get(iv.size() - 1)[1] == Long.MAX_VALUE).as("exit while out: %s", l)
                            .isTrue();
                    iv.get(iv.size() - 1)[1] = n.get("ts").asLong();
                }
                case "revise" -> {
                    long from = n.get("from").asLong();
                    iv.removeIf(x -> x[0] >= from);
                    iv.forEach(x -> x[1] = Math.min(x[1], from));
                    for (JsonNode x : n.get("intervals")) {
                        add(iv, x.get(0).asLong(), x.get(1).isNull() ? Long.MAX_VALUE : x.get(1).asLong());
                    }
                }
                default -> throw new AssertionError("unknown change in " + l);
            }
        }
        Map<String, Map<String, List<String>>> out = new TreeMap<>();
        h.forEach((user, byAudience) -> byAudience.forEach((a, iv) -> {
            if (!iv.isEmpty()) {
                out.computeIfAbsent(user, k -> new TreeMap<>()).put(a, iv.stream()
                        .map(x -> "[" + x[0] + "," + (x[1] == Long.MAX_VALUE ? "open" : Long.toString(x[1])) + ")")
                        .toList());
            }
        }));
        return out;
    }

    private static void add(List<long[]> iv, long start, long end) {
        if (!iv.isEmpty() && iv.get(iv.size() - 1)[1] == start) {
            iv.get(iv.size() - 1)[1] = end;
        } else if (start < end) {
            iv.add(new long[] {start, end});
        }
    }
}
