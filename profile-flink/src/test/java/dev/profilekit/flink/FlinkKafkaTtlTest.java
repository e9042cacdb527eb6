package dev.profilekit.flink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.profilekit.cli.ReplayRunner;
import dev.profilekit.kafka.testkit.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TTL with audiences in the Kafka mode ({@code --ttl} with {@code --bootstrap-servers}), on an in-process broker:
 * at parallelism 1 on a topic of one partition the keyed operator sees the events in file order and its clock is
 * {@code replay}'s, so users expire when {@code replay} expires them. The summary line (counts and audience sizes)
 * is replay's, byte for byte, and the committed audience topic, folded per user, is {@code replay --audience-log}'s
 * history, memberships ended by expiry included. (With several partitions each instance expires by its own clock:
 * the README says so.)
 */
@Tag("slow")
class FlinkKafkaTtlTest {

    @RegisterExtension
    static final MiniClusterExtension MINI = FlinkTestSupport.miniCluster();

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void atParallelismOneOnOnePartitionUsersExpireAndLeaveTheirAudiencesAsInReplay() throws Exception {
        Path schema = FlinkTestSupport.resource("ecommerce/schema.json", dir);
        Path events = FlinkTestSupport.outOfOrder(dir, 150, 20, 11L);
        Path audiences = dir.resolve("audiences.json");
        Files.writeString(audiences, FlinkAudiencesTest.AUDIENCES);
        // the time replay's clock ends at (its largest accepted event time), given to both: without --as-of the
        // Kafka mode's audience topic stops at its last watermark, which lags behind it
        String asOf = Long.toString(Files.readAllLines(events).stream()
                .mapToLong(FlinkKafkaTtlTest::readTs).max().orElseThrow());
        Path withTtl = dir.resolve("replay-ttl.jsonl");
        Path log = dir.resolve("replay-changes.jsonl");
        String replay = ReplayRunner.run("replay", "--schema", schema.toString(), "--events", events.toString(),
                "--out", withTtl.toString(), "--audiences", audiences.toString(), "--audience-log", log.toString(),
                "--ttl", "P3D", "--as-of", asOf).strip();
        Path withoutTtl = dir.resolve("replay.jsonl");
        ReplayRunner.run("replay", "--schema", schema.toString(), "--events", events.toString(), "--out",
                withoutTtl.toString(), "--audiences", audiences.toString());
        // a real comparison: the TTL drops users (fewer profiles than without it), audiences change over time
        assertThat(Files.readAllLines(withTtl).size()).isLessThan(Files.readAllLines(withoutTtl).size());
        List<String> replayChanges = Files.readAllLines(log);
        assertThat(replayChanges).anyMatch(l -> l.contains("\"change\":\"exit\""));
        JsonNode expected = JSON.readTree(replay);
        assertThat(expected.get("late").asLong()).isPositive();

        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
            FlinkTestSupport.produceByUser(kafka, "events", 1, Files.readAllLines(events));
            kafka.createTopic("profiles", 2, false);
            kafka.createTopic("changes", 2, false);
            String line = FlinkTestSupport.runJob("--schema", schema.toString(), "--bootstrap-servers",
                    kafka.bootstrapServers(), "--topic", "events", "--output-topic", "profiles", "--until-end",
                    "--parallelism", "1", "--checkpoint-interval", "PT0.2S", "--ttl", "P3D", "--as-of", asOf, "--audiences",
                    audiences.toString(), "--audience-topic", "changes");
            assertThat(line).as("summary line (counts, audience sizes)").isEqualTo(replay);
            List<Map.Entry<String, String>> committed = kafka.readAll("changes");
            assertThat(FlinkAudiencesTest.fold(committed.stream().map(Map.Entry::getValue).toList()))
                    .as("the audience topic folded per user").isEqualTo(FlinkAudiencesTest.fold(replayChanges));
            assertThat((long) kafka.readAll("profiles").size()).isEqualTo(expected.get("accepted").asLong());
        }
    }

    private static long readTs(String line) {
        try {
            return JSON.readTree(line).get("ts").asLong();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
