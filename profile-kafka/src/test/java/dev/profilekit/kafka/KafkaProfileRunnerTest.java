package dev.profilekit.kafka;

import dev.profilekit.kafka.testkit.EmbeddedKafka;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.profilekit.core.audience.AudienceRule;
import dev.profilekit.core.audience.Audiences;
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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
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

    /**
     * With an audience topic, every change the updater delivers is sent, keyed by user, in delivery order: on one
     * partition the topic holds exactly the changes of the plain engine fed the same events (time-driven changes,
     * late events' revisions and all), across a restart from a snapshot too.
     */
    @Test
    void theAudienceTopicHoldsEveryChangeOfThePlainEngineInOrderAcrossARestart() throws Exception {
        Path rulesFile = Path.of("..", "examples", "ecommerce", "audiences.json");
        List<AudienceRule> rules = Audiences.read(rulesFile,
                dev.profilekit.core.schema.ProfileSchema.fromJson(TestEvents.SCHEMA));
        TestEvents.Stream s = TestEvents.generate(7, 6_000, 100, 0);
        List<String> expected = new ArrayList<>();
        try (ProfileUpdater ref = TestEvents.updaters().audiences(rules).audienceListener(c -> expected.add(c.toJson()))
                .build()) {
            for (String line : s.lines()) {
                try {
                    ref.onEvent(EventJson.parse(line));
                } catch (dev.profilekit.core.spi.InvalidEventException e) {
                    // too late: rejected by both
                }
            }
        }
        // a real comparison: entries, exits and revisions of delivered history by late events
        assertThat(expected).anyMatch(c -> c.contains("\"change\":\"enter\""))
                .anyMatch(c -> c.contains("\"change\":\"exit\"")).anyMatch(c -> c.contains("\"change\":\"revise\""));

        kafka.createTopic("events-aud", 1, false);
        kafka.createTopic("changes-aud", 2, false);
        Path state = tmp.resolve("state");
        int half = s.lines().size() / 2;
        for (TestEvents.Stream part : List.of(s.slice(0, half), s.slice(half, s.lines().size()))) {
            kafka.produce("events-aud", part.keys(), part.lines());
            KafkaProfileRunner.Builder b = KafkaProfileRunner.builder(TestEvents.updaters().audiences(rules))
                    .bootstrapServers(kafka.bootstrapServers()).topic("events-aud").snapshotDirectory(state)
                    .pollTimeout(Duration.ofMillis(200)).snapshotEvery(1_000).audienceTopic("changes-aud");
            try (KafkaProfileRunner r = b.build()) {
                r.runToEnd();
            }
        }
        List<Map.Entry<String, String>> sent = kafka.readAll("changes-aud");
        assertThat(sent).allSatisfy(e -> assertThat(e.getValue()).startsWith("{\"user\":\"" + e.getKey() + "\","));
        // a topic of two partitions keeps each key's order (not the order across keys): compare user by user
        assertThat(byUser(sent.stream().map(Map.Entry::getValue).toList())).isEqualTo(byUser(expected));

        assertThatThrownBy(() -> runner("events-aud", tmp.resolve("other")).audienceTopic("changes-aud").build())
                .as("an audience topic without audiences").hasMessageContaining("audience");
        assertThatThrownBy(() -> runner("events-aud", tmp.resolve("other")).audienceTopic("events-aud").build())
                .hasMessage("outputTopic and audienceTopic must differ from the events' topic 'events-aud'");
    }

    /** Each user's lines (JSON with a {@code "user"} first), in their order. */
    private static Map<String, List<String>> byUser(List<String> lines) {
        Map<String, List<String>> m = new java.util.TreeMap<>();
        for (String l : lines) {
            String user = l.substring(9, l.indexOf('"', 9));
            m.computeIfAbsent(user, k -> new ArrayList<>()).add(l);
        }
        return m;
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

    @Test
    void workersApplyThePartitionsAndEverySnapshotHoldsExactlyTheRecordsOfItsOffsets() throws Exception {
        TestEvents.Stream s = TestEvents.generate(8, 24_000, 400, 6);
        kafka.createTopic("events-w", 4, false);
        kafka.produce("events-w", s.keys(), s.lines());
        Map<Integer, List<String>> byPartition = kafka.valuesByPartition("events-w");
        Path state = tmp.resolve("state");
        Path copies = Files.createDirectories(tmp.resolve("copies"));
        Set<String> applying = ConcurrentHashMap.newKeySet();
        AtomicLong accepted = new AtomicLong();
        var updaters = TestEvents.updaters().listener(u -> {
            applying.add(Thread.currentThread().getName());
            if (accepted.incrementAndGet() % 50 == 0) {
                sleep(1); // slow enough for the copier below to see most snapshots
            }
        });
        List<String> rejectedOn = new ArrayList<>();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread copier = new Thread(() -> copySnapshots(state, copies, running));
        try (KafkaProfileRunner r = KafkaProfileRunner.builder(updaters).bootstrapServers(kafka.bootstrapServers())
                .topic("events-w").snapshotDirectory(state).pollTimeout(Duration.ofMillis(200)).applyThreads(2)
                .snapshotEvery(700).consumerProperty("max.poll.records", 250)
                .onReject(x -> rejectedOn.add(Thread.currentThread().getName())).build()) {
            copier.start();
            r.runToEnd();
            running.set(false);
            copier.join();
            // applied on the two workers, never on the thread that runs the runner; rejects reported on that one
            assertThat(applying).hasSize(2).allSatisfy(t -> assertThat(t).startsWith("profilekit-kafka-apply-"));
            assertThat(rejectedOn).hasSize(6).containsOnly(Thread.currentThread().getName());
            assertThat(r.stats().records()).isEqualTo(24_006);
        }
        List<Path> snapshots;
        try (var files = Files.list(copies)) {
            snapshots = files.sorted().toList();
        }
        long midStream = 0;
        for (Path f : snapshots) {
            try (ProfileUpdater restored = TestEvents.updaters().build();
                 ProfileUpdater ref = TestEvents.updaters().build()) {
                Map<String, String> meta = restored.restore(f).metadata();
                Map<Integer, Long> offsets = KafkaProfileRunner.parseOffsets(f, meta.get(KafkaProfileRunner.OFFSETS));
                long total = 0;
                for (Map.Entry<Integer, List<String>> p : byPartition.entrySet()) {
                    long upTo = offsets.getOrDefault(p.getKey(), 0L);
                    total += upTo;
                    for (String line : p.getValue().subList(0, (int) upTo)) {
                        try {
                            ref.onEvent(EventJson.parse(line));
                        } catch (dev.profilekit.core.spi.InvalidEventException e) {
                            // the bad records
                        }
                    }
                }
                midStream += total < 24_006 ? 1 : 0;
                // the snapshot holds exactly the records before its offsets: no more, no fewer
                assertThat(meta).as(f.toString()).containsEntry(KafkaProfileRunner.RECORDS, Long.toString(total));
                assertThat(restored.counts()).as(f.toString()).isEqualTo(ref.counts());
                assertThat(TestEvents.profiles(restored, s.maxTs())).as(f.toString())
                        .isEqualTo(TestEvents.profiles(ref, s.maxTs()));
            }
        }
        assertThat(midStream).as("snapshots copied while the runner ran").isGreaterThanOrEqualTo(5);
    }

    @Test
    void oneApplyThreadAndThreeGiveTheSameProfilesCountsRejectsAndOffsets() throws Exception {
        TestEvents.Stream s = TestEvents.generate(9, 15_000, 300, 7);
        kafka.createTopic("events-t", 3, false);
        kafka.produce("events-t", s.keys(), s.lines());
        List<Map<String, String>> profiles = new ArrayList<>();
        List<ProfileUpdater.Counts> counts = new ArrayList<>();
        List<String> offsets = new ArrayList<>();
        List<List<String>> rejects = new ArrayList<>();
        for (int threads : new int[] {1, 3}) {
            Path state = tmp.resolve("state-" + threads);
            List<String> rejected = new ArrayList<>();
            try (KafkaProfileRunner r = runner("events-t", state).applyThreads(threads).snapshotEvery(2_000)
                    .consumerProperty("max.poll.records", 600)
                    .onReject(x -> rejected.add(x.partition() + "@" + x.offset() + " " + x.text())).build()) {
                assertThat(r.applyThreads()).isEqualTo(threads);
                r.runToEnd();
                profiles.add(TestEvents.profiles(r.updater(), s.maxTs()));
                counts.add(r.updater().counts());
                assertThat(r.stats().records()).isEqualTo(15_007);
                assertThat(r.stats().rejected()).isEqualTo(7);
            }
            try (SnapshotDirectory d = SnapshotDirectory.open(state);
                 ProfileUpdater u = TestEvents.updaters().build()) {
                offsets.add(u.restore(d.snapshots().get(0)).metadata().get(KafkaProfileRunner.OFFSETS));
            }
            rejected.sort(null);
            rejects.add(rejected);
        }
        assertThat(profiles.get(1)).isEqualTo(profiles.get(0));
        assertThat(counts.get(1)).isEqualTo(counts.get(0));
        assertThat(offsets.get(1)).isEqualTo(offsets.get(0));
        assertThat(rejects.get(1)).hasSize(7).isEqualTo(rejects.get(0));
        assertThatThrownBy(() -> runner("events-t", tmp.resolve("state-0")).applyThreads(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("applyThreads must be >= 1, was 0");
    }

    /** Copies each snapshot file that appears in {@code from} to {@code to} until {@code running} turns false. */
    private static void copySnapshots(Path from, Path to, AtomicBoolean running) {
        while (running.get()) {
            try (var files = Files.list(from)) {
                List<Path> written = files.filter(f -> f.getFileName().toString().matches("snapshot-\\d+\\.pks"))
                        .toList();
                for (Path f : written) {
                    Path copy = to.resolve(f.getFileName());
                    if (!Files.exists(copy)) {
                        Files.copy(f, copy);
                    }
                }
            } catch (java.nio.file.NoSuchFileException e) {
                // the directory is not made yet, or a snapshot was removed as the next one was written
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            sleep(1);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
