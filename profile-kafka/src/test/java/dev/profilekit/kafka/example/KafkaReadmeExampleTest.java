package dev.profilekit.kafka.example;

import static org.assertj.core.api.Assertions.assertThat;

import dev.profilekit.core.engine.ProfileUpdater;
import dev.profilekit.core.schema.ProfileSchema;
import dev.profilekit.kafka.KafkaProfileRunner;
import dev.profilekit.kafka.testkit.EmbeddedKafka;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's Kafka example runs against a real broker, serves profiles while reading, and resumes exactly. */
class KafkaReadmeExampleTest {

    private static final Path SCHEMA = Path.of("..", "examples", "ecommerce", "schema.json");

    @TempDir
    Path tmp;

    @Test
    void theExampleServesProfilesWhileReadingAndAStartAfterItsStopReadsNothingTwice() throws Exception {
        List<String> keys = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            String user = "u" + (i % 40);
            keys.add(user);
            lines.add("{\"id\":\"e" + i + "\",\"user\":\"" + user + "\",\"type\":\"view\",\"ts\":"
                    + (1_767_225_600_000L + i * 1000L) + ",\"attrs\":{\"category\":\"books\",\"product\":\"p1\"}}");
        }
        try (EmbeddedKafka kafka = EmbeddedKafka.start(tmp.resolve("broker"))) {
            kafka.createTopic("events", 2, false);
            kafka.createTopic("profiles", 2, true);
            kafka.produce("events", keys, lines);
            Path state = tmp.resolve("state");
            KafkaReadmeExample service = KafkaReadmeExample.start(kafka.bootstrapServers(), SCHEMA, state);
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (service.profile("u7").get("views") instanceof Number n && n.longValue() < 50
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(service.profile("u7").get("views")).isEqualTo(50L);
            service.stop();
            assertThat(kafka.lastValues("profiles")).hasSize(40);
            assertThat(kafka.committed("profilekit", "events", 2)).isEqualTo(kafka.endOffsets("events"));

            kafka.produce("events", List.of("u7"), List.of(lines.get(7).replace("\"e7\"", "\"e-new\"")
                    .replace("1767225607000", "1767227600000")));
            try (KafkaProfileRunner again = KafkaProfileRunner.builder(
                    ProfileUpdater.builder(ProfileSchema.fromJson(SCHEMA))).bootstrapServers(kafka.bootstrapServers())
                    .topic("events").snapshotDirectory(state).build()) {
                again.runToEnd();
                assertThat(again.stats().records()).isEqualTo(2_001);
                assertThat(again.updater().counts().duplicate()).isZero();
                assertThat(again.updater().profileNow("u7").get("views")).isEqualTo(51L);
            }
        }
    }
}
