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
 * Live models in the Kafka mode ({@code --models} with {@code --bootstrap-servers}), on an in-process broker: at
 * parallelism 1 on a topic of one partition the keyed operator sees the events in file order, so the trainer learns
 * exactly what {@code replay --models} learns. Its summary line and {@code --summary} file (prequential AUC,
 * versions, drift alarms, diagnostics, audience sizes) are replay's, byte for byte. The profile lines committed to
 * the output topic carry the scores and segments of the versions the scorer held when each event reached it; which
 * version that is depends on how fast the trainer's broadcast arrives, so the lines cannot be compared with
 * replay's; they are checked for their form and their order (scores and segment before the audiences, as in the
 * profile file).
 */
@Tag("slow")
class FlinkKafkaModelsTest {

    @RegisterExtension
    static final MiniClusterExtension MINI = FlinkTestSupport.miniCluster();

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The fixed clock events are checked against. */
    private static final String NOW = "4102444800000";
    private static final String AUDIENCES = """
            {"audiences": [
              {"name": "buyers", "rule": "purchases_7d > 0.5"},
              {"name": "idle", "rule": "since_event > P2D"}
            ]}
            """;

    @TempDir
    Path dir;

    @Test
    void atParallelismOneOnOnePartitionTheJobLearnsAndSummarisesAsReplay() throws Exception {
        Path schema = FlinkTestSupport.resource("live/schema.json", dir);
        Path models = FlinkTestSupport.resource("live/models.json", dir);
        Path audiences = dir.resolve("audiences.json");
        Files.writeString(audiences, AUDIENCES);
        Path events = FlinkTestSupport.simulated(dir, 300, 30, 11L);
        Path replaySummary = dir.resolve("replay-summary.json");
        String replay = ReplayRunner.run("replay", "--schema", schema.toString(), "--events", events.toString(),
                "--models", models.toString(), "--audiences", audiences.toString(), "--now", NOW, "--out",
                dir.resolve("replay.jsonl").toString(), "--summary", replaySummary.toString()).strip();
        JsonNode expected = JSON.readTree(replay);
        // a real comparison: many labelled examples, several published versions, both audiences populated
        assertThat(expected.get("prequential").get("examples").asLong()).isGreaterThan(5_000);
        assertThat(expected.get("model_version").asLong()).isGreaterThan(3);
        assertThat(expected.get("audiences").get("buyers").asLong()).isPositive();
        assertThat(expected.get("audiences").get("idle").asLong()).isPositive();

        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
            FlinkTestSupport.produceByUser(kafka, "events", 1, Files.readAllLines(events));
            kafka.createTopic("profiles", 2, false);
            Path summary = dir.resolve("kafka-summary.json");
            String line = FlinkTestSupport.runJob("--schema", schema.toString(), "--bootstrap-servers",
                    kafka.bootstrapServers(), "--topic", "events", "--output-topic", "profiles", "--until-end",
                    "--parallelism", "1", "--checkpoint-interval", "PT0.2S", "--now", NOW, "--models",
                    models.toString(), "--audiences", audiences.toString(), "--summary", summary.toString());
            assertThat(line).as("summary line").isEqualTo(replay);
            assertThat(Files.readString(summary)).as("--summary file").isEqualTo(Files.readString(replaySummary));

            List<Map.Entry<String, String>> committed = kafka.readAll("profiles");
            assertThat((long) committed.size()).isEqualTo(expected.get("accepted").asLong());
            long scored = 0;
            for (Map.Entry<String, String> r : committed) {
                String v = r.getValue();
                assertThat(v).startsWith("{\"user\":\"" + r.getKey() + "\",");
                int scores = v.indexOf(",\"scores\":{\"propensity\":");
                int segment = v.indexOf(",\"segment\":");
                int memberships = v.lastIndexOf(",\"audiences\":[");
                assertThat(scores).as(v).isPositive().isLessThan(segment);
                assertThat(segment).as(v).isLessThan(memberships);
                assertThat(v).as(v).endsWith("]}");
                if (JSON.readTree(v).get("scores").get("propensity").isNumber()) {
                    scored++;
                }
            }
            // the first versions come early (retrain_every 500 labels): most events are scored
            assertThat(scored).isGreaterThan(committed.size() / 2);
        }
    }
}
