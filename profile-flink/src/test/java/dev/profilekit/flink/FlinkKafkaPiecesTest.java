package dev.profilekit.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Kafka job's pieces without a broker: its flags, how record values are read, how profiles are keyed. */
class FlinkKafkaPiecesTest {

    private static final String SCHEMA = "{\"features\":[{\"name\":\"n\",\"kind\":\"count\"}]}";

    @TempDir
    Path tmp;

    private String[] args(String... more) throws IOException {
        Path schema = tmp.resolve("schema.json");
        Files.writeString(schema, SCHEMA);
        List<String> all = new ArrayList<>(List.of("--schema", schema.toString()));
        all.addAll(List.of(more));
        return all.toArray(new String[0]);
    }

    @Test
    void kafkaFlagsAreReadAndCheckedTogether() throws IOException {
        ProfileFlinkJob.Options o = ProfileFlinkJob.parse(args("--bootstrap-servers", "localhost:9092", "--topic",
                "events", "--output-topic", "profiles", "--format", "csv", "--csv-header", "id,user,type,ts,price",
                "--kafka-property", "security.protocol=PLAINTEXT", "--checkpoint-interval", "PT1S", "--until-end"));
        KafkaOptions k = o.kafka().io();
        assertThat(k.csvHeader()).isEqualTo("id,user,type,ts,price");
        assertThat(k.transactionalIdPrefix()).isEqualTo("profilekit-profiles");
        assertThat(k.group()).isEqualTo("profilekit-flink");
        assertThat(k.untilEnd()).isTrue();
        assertThat(k.properties()).containsEntry("security.protocol", "PLAINTEXT");
        assertThat(o.kafka().checkpointInterval()).hasSeconds(1);
        assertThat(o.kafka().partitionIdleTimeout()).isEqualTo(ProfilePipeline.PARTITION_IDLE_TIMEOUT);
        assertThat(o.events()).isNull();
        assertThat(ProfileFlinkJob.parse(args("--bootstrap-servers", "h:1", "--topic", "t", "--output-topic", "o",
                "--partition-idle-timeout", "PT2M")).kafka().partitionIdleTimeout()).hasMinutes(2);
        assertThatThrownBy(() -> ProfileFlinkJob.parse(args("--bootstrap-servers", "h:1", "--topic", "t",
                "--output-topic", "o", "--partition-idle-timeout", "5")))
                .hasMessageStartingWith("--partition-idle-timeout '5' is not an ISO-8601 duration");
        assertThatThrownBy(() -> ProfileFlinkJob.parse(args("--bootstrap-servers", "h:1", "--topic", "t",
                "--output-topic", "o", "--partition-idle-timeout", "PT0S")))
                .hasMessage("--partition-idle-timeout must be at least 1 ms, was 'PT0S'");

        assertThatThrownBy(() -> ProfileFlinkJob.parse(args("--bootstrap-servers", "h:1", "--topic", "t")))
                .hasMessage("the Kafka mode needs all of --bootstrap-servers, --topic and --output-topic (try --help)");
        assertThatThrownBy(() -> ProfileFlinkJob.parse(args("--bootstrap-servers", "h:1", "--topic", "t",
                "--output-topic", "o", "--format", "csv")))
                .hasMessage("--format csv needs --csv-header (the values' header)");
        assertThatThrownBy(() -> ProfileFlinkJob.parse(args("--bootstrap-servers", "h:1", "--topic", "t",
                "--output-topic", "o", "--format", "csv", "--csv-header", "user,id")))
                .hasMessageContaining("id,user,type,ts");
        assertThatThrownBy(() -> ProfileFlinkJob.parse(args("--bootstrap-servers", "h:1", "--topic", "t",
                "--output-topic", "o", "--kafka-property", "acks")))
                .hasMessage("--kafka-property needs KEY=VALUE, was 'acks'");
        assertThatThrownBy(() -> ProfileFlinkJob.parse(args("--bootstrap-servers", "h:1", "--topic", "t",
                "--output-topic", "o", "--checkpoint-interval", "10s")))
                .hasMessageStartingWith("--checkpoint-interval '10s' is not an ISO-8601 duration");
        assertThatThrownBy(() -> ProfileFlinkJob.parse(args("--until-end", "--out", tmp.resolve("p").toString())))
                .hasMessage("Kafka options need --bootstrap-servers, --topic and --output-topic (try --help)");
        Path events = tmp.resolve("e.jsonl");
        Files.writeString(events, "");
        assertThatThrownBy(() -> ProfileFlinkJob.parse(args("--events", events.toString(), "--bootstrap-servers",
                "h:1", "--topic", "t", "--output-topic", "o")))
                .hasMessage("--events/--out (a file) and --topic/--output-topic (Kafka) exclude each other");
    }

    @Test
    void valuesAreReadAsConsumeReadsThem() {
        KernelSpec spec = KernelSpec.of(SCHEMA).withNow(4102444800000L);
        List<Routed> json = read(new KafkaEventSchema(spec, Set.of("gone"), null),
                "{\"id\":\"e1\",\"user\":\"u1\",\"type\":\"view\",\"ts\":1767286010886}", " ", null, "{not json",
                "{\"id\":\"e2\",\"user\":\"gone\",\"type\":\"view\",\"ts\":1767286010886}");
        assertThat(json).extracting(Routed::kind).containsExactly(Routed.Kind.EVENT, Routed.Kind.REJECTED,
                Routed.Kind.REJECTED, Routed.Kind.FORGOTTEN);
        assertThat(json.get(0).key()).isEqualTo("u1");
        assertThat(json.get(0).timestamp()).isEqualTo(1767286010886L);

        List<Routed> csv = read(new KafkaEventSchema(spec, Set.of(), "id,user,type,ts,price"),
                "e1,\"u,2\",purchase,1767286010886,9.5", "", "e2,u3,view");
        assertThat(csv).extracting(Routed::kind).containsExactly(Routed.Kind.EVENT, Routed.Kind.REJECTED);
        assertThat(csv.get(0).key()).isEqualTo("u,2");
        assertThat(csv.get(0).event().attr("price")).isEqualTo(9.5);
    }

    private static List<Routed> read(KafkaEventSchema schema, String... values) {
        List<Routed> out = new ArrayList<>();
        Collector<Routed> c = new Collector<>() {
            @Override
            public void collect(Routed r) {
                out.add(r);
            }

            @Override
            public void close() {
            }
        };
        for (String v : values) {
            schema.deserialize(new ConsumerRecord<>("t", 0, 0, null,
                    v == null ? null : v.getBytes(StandardCharsets.UTF_8)), c);
        }
        return out;
    }

    @Test
    void profilesAreKeyedByTheirUser() {
        ProfileRecordSchema s = new ProfileRecordSchema("out");
        var r = s.serialize("{\"user\":\"a\\\"b\\u00e9\",\"as_of\":1,\"features\":{}}", null, null);
        assertThat(r.topic()).isEqualTo("out");
        assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("a\"b\u00e9");
        assertThat(r.partition()).isNull(); // the producer's partitioner hashes the key: one partition per user
        assertThatThrownBy(() -> s.serialize("{\"as_of\":1,\"user\":\"a\"}", null, null))
                .hasMessageStartingWith("not a profile line");
    }
}
