package dev.profilekit.kafka;

import dev.profilekit.kafka.testkit.EmbeddedKafka;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.profilekit.core.engine.ProfileUpdate;
import dev.profilekit.core.engine.ProfileUpdater;
import dev.profilekit.core.engine.SnapshotMismatchException;
import dev.profilekit.core.io.EventJson;
import dev.profilekit.core.io.ProfileJson;
import dev.profilekit.core.snapshot.SnapshotDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner against a real broker started by the test (KRaft, in process). */
class KafkaProfileRunnerTest {

    @TempDir
    static Path brokerDir;
    static EmbeddedKafka kafka;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startBroker() throws Exception {
        kafka = EmbeddedKafka.start(brokerDir);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    private KafkaProfileRunner.Builder runner(String topic, Path state) {
        return KafkaProfileRunner.builder(TestEvents.updaters()).bootstrapServers(kafka.bootstrapServers())
                .topic(topic).snapshotDirectory(state).pollTimeout(Duration.ofMillis(200));
    }

    @Test
    void profilesEqualThePlainEngineAndEachSnapshotHoldsTheOffsetsItCovers() throws Exception {
        TestEvents.Stream s = TestEvents.generate(1, 20_000, 300, 5);
        kafka.createTopic("events-a", 3, false);
        kafka.produce("events-a", s.keys(), s.lines());
        Path state = tmp.resolve("state");
        List<KafkaProfileRunner.Rejected> rejects = new ArrayList<>();
        try (KafkaProfileRunner r = runner("events-a", state).groupId("profiles-a").snapshotEvery(3_000)
                .consumerProperty("max.poll.records", 1_000).onReject(rejects::add).build();
             ProfileUpdater ref = TestEvents.reference(s)) {
            assertThat(r.restoredFrom()).isEmpty();
            r.runToEnd();
            ProfileUpdater.Counts c = r.updater().counts();
            assertThat(c).isEqualTo(ref.counts());
            assertThat(c.duplicate()).isZero();
            assertThat(c.accepted() + c.late()).isEqualTo(20_000);
            assertThat(r.stats().records()).isEqualTo(20_005);
            assertThat(r.stats().rejected()).isEqualTo(5);
            assertThat(rejects).hasSize(5).allSatisfy(x -> assertThat(x.text()).startsWith("{\"id\":\"bad"));
            assertThat(r.stats().snapshots()).isGreaterThanOrEqualTo(7); // 20,005 records, every 3,000 and a last
            assertThat(TestEvents.profiles(r.updater(), s.maxTs())).isEqualTo(TestEvents.profiles(ref, s.maxTs()));
        }
        Map<Integer, Long> end = kafka.endOffsets("events-a");
        try (SnapshotDirectory d = SnapshotDirectory.open(state)) {
            Map<String, String> meta;
            try (ProfileUpdater u = TestEvents.updaters().build()) {
                meta = u.restore(d.snapshots().get(0)).metadata();
            }
            assertThat(KafkaProfileRunner.parseOffsets(state, meta.get(KafkaProfileRunner.OFFSETS))).isEqualTo(end);
            assertThat(meta).containsEntry(KafkaProfileRunner.TOPIC, "events-a")
                    .containsEntry(KafkaProfileRunner.RECORDS, "20005");
            // the older snapshot kept holds fewer records and offsets that add up to them
            try (ProfileUpdater u = TestEvents.updaters().build()) {
                Map<String, String> older = u.restore(d.snapshots().get(1)).metadata();
                long sum = KafkaProfileRunner.parseOffsets(state, older.get(KafkaProfileRunner.OFFSETS)).values()
                        .stream().mapToLong(Long::longValue).sum();
                assertThat(sum).isEqualTo(Long.parseLong(older.get(KafkaProfileRunner.RECORDS))).isLessThan(20_005);
            }
        }
        assertThat(kafka.committed("profiles-a", "events-a", 3)).isEqualTo(end);
    }

    @Test
    void aRestartResumesAtTheSnapshotsOffsetsAndIgnoresTheGroupsCommittedOffsets() throws Exception {
        TestEvents.Stream s = TestEvents.generate(2, 12_000, 200, 0);
        kafka.createTopic("events-b", 2, false);
        kafka.produce("events-b", s.keys().subList(0, 7_000), s.lines().subList(0, 7_000));
        Path state = tmp.resolve("state");
        try (KafkaProfileRunner r = runner("events-b", state).groupId("profiles-b").snapshotEvery(2_000).build()) {
            r.runToEnd();
            assertThat(r.stats().records()).isEqualTo(7_000);
        }
        // the group's offsets say "start over": a runner that trusted them would count everything twice
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.alterConsumerGroupOffsets("profiles-b", Map.of(new TopicPartition("events-b", 0),
                    new OffsetAndMetadata(0), new TopicPartition("events-b", 1), new OffsetAndMetadata(0))).all().get();
        }
        kafka.produce("events-b", s.keys().subList(7_000, 12_000), s.lines().subList(7_000, 12_000));
        try (KafkaProfileRunner r = runner("events-b", state).groupId("profiles-b").snapshotEvery(2_000).build();
             ProfileUpdater ref = TestEvents.reference(s)) {
            assertThat(r.restoredFrom()).isPresent();
            assertThat(r.updater().counts().accepted() + r.updater().counts().late()).isEqualTo(7_000);
            r.runToEnd();
            assertThat(r.stats().records()).isEqualTo(12_000);
            assertThat(r.updater().counts()).isEqualTo(ref.counts());
            assertThat(r.updater().counts().duplicate()).isZero();
            assertThat(TestEvents.profiles(r.updater(), s.maxTs())).isEqualTo(TestEvents.profiles(ref, s.maxTs()));
        }
        assertThat(kafka.committed("profiles-b", "events-b", 2)).isEqualTo(kafka.endOffsets("events-b"));
    }

    @Test
    void csvValuesUnderAHeaderGiveTheProfilesOfTheirJsonForm() throws Exception {
        TestEvents.Stream s = TestEvents.generate(3, 3_000, 50, 0);
        List<String> rows = new ArrayList<>();
        for (String line : s.lines()) {
            var e = EventJson.parse(line);
            rows.add(e.id() + "," + e.user() + "," + e.type() + "," + e.timestamp() + ","
                    + csvCell(e.attr("category")) + "," + csvCell(e.attr("product")) + ","
                    + csvCell(e.attr("amount")));
        }
        rows.set(10, "\"unclosed," + rows.get(10)); // one row broken: rejected alone
        kafka.createTopic("events-csv", 2, false);
        kafka.produce("events-csv", s.keys(), rows);
        try (KafkaProfileRunner r = runner("events-csv", tmp.resolve("state"))
                .format(RecordFormat.csv("id,user,type,ts,category,product,amount")).build();
             ProfileUpdater ref = TestEvents.reference(new TestEvents.Stream(s.keys(),
                     withoutIndex(s.lines(), 10), s.maxTs()))) {
            r.runToEnd();
            assertThat(r.stats().rejected()).isEqualTo(1);
            assertThat(r.updater().counts()).isEqualTo(ref.counts());
            assertThat(TestEvents.profiles(r.updater(), s.maxTs())).isEqualTo(TestEvents.profiles(ref, s.maxTs()));
        }
    }

    @Test
    void eachChangedProfileGoesToTheOutputTopicKeyedByUserAndTheLastValueIsTheFinalProfile() throws Exception {
        TestEvents.Stream s = TestEvents.generate(4, 6_000, 80, 0);
        kafka.createTopic("events-o", 2, false);
        kafka.createTopic("profiles-o", 2, true);
        kafka.produce("events-o", s.keys(), s.lines());
        Map<String, ProfileUpdate> latest = new HashMap<>();
        try (KafkaProfileRunner r = runner("events-o", tmp.resolve("state")).outputTopic("profiles-o")
                .consumerProperty("max.poll.records", 500).build();
             ProfileUpdater ref = TestEvents.updaters().listener(u -> latest.put(u.user(), u)).build()) {
            for (String line : s.lines()) {
                ref.onEvent(EventJson.parse(line));
            }
            r.runToEnd();
            List<Map.Entry<String, String>> sent = kafka.readAll("profiles-o");
            assertThat(sent.size()).isGreaterThan(80); // a user is sent again when a later poll changes it
            Map<String, String> expected = latest.values().stream().collect(Collectors.toMap(ProfileUpdate::user,
                    u -> ProfileJson.toJson(u.profile())));
            assertThat(kafka.lastValues("profiles-o")).isEqualTo(expected);
            for (Map.Entry<String, String> e : sent) {
                assertThat(e.getValue()).contains("\"user\":\"" + e.getKey() + "\"");
            }
        }
    }

    @Test
    void aSnapshotOfAnotherTopicIsRefusedAndLeftAsItWas() throws Exception {
        TestEvents.Stream s = TestEvents.generate(5, 500, 20, 0);
        kafka.createTopic("events-c", 1, false);
        kafka.createTopic("events-d", 1, false);
        kafka.produce("events-c", s.keys(), s.lines());
        Path state = tmp.resolve("state");
        try (KafkaProfileRunner r = runner("events-c", state).build()) {
            r.runToEnd();
        }
        List<Path> before;
        try (var files = Files.list(state)) {
            before = files.sorted().toList();
        }
        assertThatThrownBy(() -> runner("events-d", state).build()).isInstanceOf(SnapshotMismatchException.class)
                .hasMessageContaining("holds the offsets of topic 'events-c', not 'events-d'");
        try (var files = Files.list(state)) {
            assertThat(files.sorted().toList()).isEqualTo(before);
        }
        assertThatThrownBy(() -> runner("events-c", state).format(RecordFormat.csv("id,user,type,ts")).build())
                .isInstanceOf(SnapshotMismatchException.class).hasMessageContaining("reading records as jsonl");
        assertThatThrownBy(() -> runner("events-c", state).snapshotOption("ttl", "P1D").build())
                .isInstanceOf(SnapshotMismatchException.class).hasMessageContaining("does not record ttl");
        // the directory was released each time: the right runner opens it
        try (KafkaProfileRunner r = runner("events-c", state).build()) {
            assertThat(r.restoredFrom()).isPresent();
        }
    }

    @Test
    void stopFromAnotherThreadEndsTheRunWithALastSnapshot() throws Exception {
        TestEvents.Stream s = TestEvents.generate(6, 4_000, 50, 0);
        kafka.createTopic("events-s", 1, false);
        kafka.produce("events-s", s.keys(), s.lines());
        Path state = tmp.resolve("state");
        try (KafkaProfileRunner r = runner("events-s", state).snapshotEvery(1_000_000).build()) {
            Thread t = new Thread(r::run);
            t.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (r.updater().counts().accepted() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            r.stop();
            t.join(30_000);
            assertThat(t.isAlive()).isFalse();
            assertThat(r.stats().snapshots()).isEqualTo(1);
        }
        try (KafkaProfileRunner r = runner("events-s", state).build()) {
            long before = r.stats().records();
            assertThat(before).isPositive();
            r.runToEnd();
            assertThat(r.stats().records()).isEqualTo(4_000);
            assertThat(r.updater().counts().duplicate()).isZero();
        }
    }

    @Test
    void theReadmesEventFileInSmallPollsGivesThePlainEnginesProfiles() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("..", "examples", "ecommerce", "events.jsonl"));
        List<String> keys = new ArrayList<>();
        for (String line : lines) {
            try {
                keys.add(EventJson.parse(line).user());
            } catch (dev.profilekit.core.spi.InvalidEventException e) {
                keys.add(null);
            }
        }
        TestEvents.Stream s = new TestEvents.Stream(keys, lines, 0);
        kafka.createTopic("events-e", 3, false);
        kafka.produce("events-e", keys, lines);
        try (KafkaProfileRunner r = runner("events-e", tmp.resolve("state")).snapshotEvery(1_000)
                .consumerProperty("max.poll.records", "500").build();
             ProfileUpdater ref = TestEvents.reference(s)) {
            r.runToEnd();
            long t = ref.latestAcceptedTime().orElseThrow();
            assertThat(r.updater().counts()).isEqualTo(ref.counts());
            assertThat(TestEvents.profiles(r.updater(), t)).isEqualTo(TestEvents.profiles(ref, t));
        }
    }

    private static String csvCell(Object v) {
        return v == null ? "" : v.toString();
    }

    private static List<String> withoutIndex(List<String> l, int i) {
        List<String> out = new ArrayList<>(l);
        out.remove(i);
        return out;
    }
}
