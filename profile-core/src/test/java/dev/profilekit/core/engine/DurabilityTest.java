package dev.profilekit.core.engine;

import static dev.profilekit.core.testkit.SpecAssertions.assertProfilesMatch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.profilekit.core.io.EventJson;
import dev.profilekit.core.privacy.AuditLog;
import dev.profilekit.core.privacy.Encryption;
import dev.profilekit.core.schema.FeatureSpec;
import dev.profilekit.core.schema.ProfileSchema;
import dev.profilekit.core.spi.InvalidEventException;
import dev.profilekit.core.store.ProfileStore;
import dev.profilekit.core.store.ProfileStores;
import dev.profilekit.core.testkit.SpecAssertions;
import dev.profilekit.features.codec.StateFormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshots, restore, the store cache, expiry, forget, pseudonymisation, allow-list and encryption. */
class DurabilityTest {

    private static final String DIR = FixtureReplayTest.DIR;

    @TempDir
    Path tmp;

    private static List<String> events() {
        return SpecAssertions.lines(DIR + "events.jsonl").stream().filter(l -> !l.isBlank()).toList();
    }

    private static List<JsonNode> expected() {
        return SpecAssertions.jsonLines(DIR + "expected-profiles.jsonl");
    }

    private static long asOf() {
        return expected().get(0).get("as_of").asLong();
    }

    private static void feed(ProfileUpdater u, List<String> lines) {
        for (String line : lines) {
            try {
                u.onEvent(EventJson.parse(line));
            } catch (InvalidEventException e) {
                // rejected lines change nothing
            }
        }
    }

    private static ProfileUpdater.Builder builder() {
        return ProfileUpdater.builder(FixtureReplayTest.schema()).dedupRetention(DedupRetention.ALL);
    }

    private static FixtureReplayTest.Replayed replayed(ProfileUpdater u) {
        return new FixtureReplayTest.Replayed(u, 0);
    }

    @Test
    void aSnapshotTakenMidStreamRestoresAndContinuesToTheFixturesProfilesAndCounts() throws IOException {
        List<String> lines = events();
        for (int cut : new int[] {1, 777, lines.size() / 2, lines.size() - 1}) {
            ProfileUpdater first = builder().build();
            feed(first, lines.subList(0, cut));
            Path file = tmp.resolve("s" + cut + ".snap");
            ProfileUpdater.SnapshotInfo info = first.snapshot(file, Map.of("line", Integer.toString(cut)));
            assertThat(info.users()).isEqualTo(first.users().size());

            ProfileUpdater second = builder().build();
            ProfileUpdater.SnapshotInfo back = second.restore(file);
            assertThat(back.metadata()).containsEntry("line", Integer.toString(cut));
            assertThat(back.counts()).isEqualTo(first.counts());
            feed(second, lines.subList(cut, lines.size()));
            JsonNode summary = SpecAssertions.MAPPER.readTree(SpecAssertions.text(DIR + "expected-summary.json"));
            assertThat(second.counts().accepted()).isEqualTo(summary.get("accepted").asLong());
            assertThat(second.counts().duplicate()).isEqualTo(summary.get("duplicate").asLong());
            assertThat(second.counts().late()).isEqualTo(summary.get("late").asLong());
            assertProfilesMatch(expected(), replayed(second).profiles(asOf()));
        }
    }

    @Test
    void truncatedCorruptedOrForeignSnapshotsFailClearlyAndChangeNothing() throws IOException {
        ProfileUpdater u = builder().build();
        feed(u, events());
        Path good = tmp.resolve("good.snap");
        u.snapshot(good, Map.of());
        byte[] bytes = Files.readAllBytes(good);
        SplittableRandom r = new SplittableRandom(11);
        for (int i = 0; i < 40; i++) {
            Path bad = tmp.resolve("bad" + i);
            byte[] b;
            if (i % 2 == 0) {
                b = Arrays.copyOf(bytes, r.nextInt(bytes.length)); // truncated anywhere
            } else {
                b = bytes.clone();
                b[r.nextInt(b.length)] ^= (byte) (1 + r.nextInt(255)); // one corrupted byte
            }
            Files.write(bad, b);
            ProfileUpdater fresh = builder().build();
            assertThatThrownBy(() -> fresh.restore(bad)).isInstanceOf(StateFormatException.class)
                    .hasMessageContaining(bad.toString())
                    .hasMessageMatching("(?s).*(truncated|corrupted|checksum|not a ProfileKit snapshot|header).*");
            assertThat(fresh.users()).isEmpty();
            assertThat(fresh.counts()).isEqualTo(new ProfileUpdater.Counts(0, 0, 0));
        }
        ProfileSchema other = ProfileSchema.builder().feature(FeatureSpec.count("events")).build();
        ProfileUpdater foreign = ProfileUpdater.builder(other).build();
        // an intact file of another schema is a mismatch, not damage
        assertThatThrownBy(() -> foreign.restore(good)).isInstanceOf(SnapshotMismatchException.class)
                .hasMessageContaining("another schema");
        assertThat(foreign.users()).isEmpty();
        // a restore into an updater that has seen events is refused
        assertThatThrownBy(() -> u.restore(good)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void encryptedSnapshotsNeedTheirKey() throws IOException {
        byte[] key = new byte[32];
        new SplittableRandom(3).nextBytes(key);
        ProfileUpdater u = builder().encryptionKey(key).build();
        feed(u, events());
        Path file = tmp.resolve("enc.snap");
        u.snapshot(file, Map.of());
        String someUser = u.users().get(0);
        assertThat(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1)).doesNotContain(someUser);

        byte[] wrong = key.clone();
        wrong[0] ^= 1;
        ProfileUpdater w = builder().encryptionKey(wrong).build();
        // the checksum holds, so a failing tag means a wrong key: a mismatch, not damage
        assertThatThrownBy(() -> w.restore(file)).isInstanceOf(SnapshotMismatchException.class)
                .hasMessageContaining("wrong key")
                .extracting(e -> ((SnapshotMismatchException) e).kind()).isEqualTo(SnapshotMismatchException.Kind.WRONG_KEY);
        assertThat(w.users()).isEmpty();
        assertThatThrownBy(() -> builder().build().restore(file)).isInstanceOf(SnapshotMismatchException.class)
                .hasMessageContaining("encrypted");
        ProfileUpdater right = builder().encryptionKey(key).build();
        right.restore(file);
        assertProfilesMatch(expected(), replayed(right).profiles(asOf()));
    }

    @Test
    void aStoreBehindASmallCacheGivesTheSameProfilesAndSurvivesANewUpdater() throws IOException {
        ProfileStore store = ProfileStores.heap();
        ProfileUpdater u = builder().store(store).cacheSize(64).writeBatch(7).build();
        feed(u, events());
        assertThat(u.table().size()).isLessThanOrEqualTo(64 + 64); // at most one per segment above the bound
        assertProfilesMatch(expected(), replayed(u).profiles(asOf()));
        u.close();
        assertThat(store.size()).isEqualTo(expected().size());
        ProfileUpdater again = builder().store(store).cacheSize(64).build();
        assertProfilesMatch(expected(), replayed(again).profiles(asOf()));
        // with encryption the store holds no readable user state, and the key is needed to read it
        byte[] key = new byte[16];
        ProfileStore sealed = ProfileStores.heap();
        ProfileUpdater enc = builder().store(sealed).cacheSize(64).encryptionKey(key).build();
        feed(enc, events());
        enc.close();
        sealed.scan((k, v) -> assertThat(new String(v, StandardCharsets.ISO_8859_1)).doesNotContain(k));
        key[0] = 1;
        ProfileUpdater wrong = builder().store(sealed).encryptionKey(key).build();
        String user = expected().get(0).get("user").asText();
        assertThatThrownBy(() -> wrong.profile(user)).isInstanceOf(Encryption.WrongKeyException.class);
    }

    @Test
    void forgetRemovesProfileDedupStateStoredCopyAndSnapshotEntryAndAuditsWithoutTheRawId() throws IOException {
        Path audit = tmp.resolve("audit.jsonl");
        ProfileStore store = ProfileStores.heap();
        ProfileUpdater u = builder().store(store).cacheSize(64).auditLog(AuditLog.jsonLines(audit)).build();
        List<String> lines = events();
        feed(u, lines);
        u.flush();
        String user = expected().get(0).get("user").asText();
        String firstLine = lines.stream().filter(l -> {
            try {
                return EventJson.parse(l).user().equals(user);
            } catch (RuntimeException e) {
                return false;
            }
        }).findFirst().orElseThrow();
        assertThat(u.profile(user)).isPresent();
        assertThat(u.forget(user)).isTrue();
        assertThat(u.profile(user)).isEmpty();
        assertThat(store.get(user)).isNull();
        assertThat(u.users()).doesNotContain(user);
        // its event ids are forgotten too: the same event is accepted again as the start of a new profile
        assertThat(u.onEvent(EventJson.parse(firstLine))).isEqualTo(Outcome.ACCEPTED);
        assertThat(u.state(user).accepted).isEqualTo(1);
        assertThat(u.forget(user)).isTrue();
        assertThat(u.forget(user)).isFalse();
        String log = Files.readString(audit);
        assertThat(log.lines()).hasSize(3);
        assertThat(log).doesNotContain(user).contains(AuditLog.sha256(user)).contains("\"action\":\"forget\"");

        ProfileUpdater mem = builder().build();
        feed(mem, lines);
        mem.forget(user);
        Path file = tmp.resolve("after-forget.snap");
        mem.snapshot(file, Map.of());
        assertThat(new String(Files.readAllBytes(file), StandardCharsets.UTF_8)).doesNotContain(user);
        ProfileUpdater restored = builder().build();
        restored.restore(file);
        assertThat(restored.profile(user)).isEmpty();
        assertThat(restored.users()).hasSize(expected().size() - 1);
    }

    @Test
    void pseudonymisedIdsAppearInNoFileWritten() throws IOException {
        byte[] key = "a secret key of at least thirty-two bytes".getBytes(StandardCharsets.UTF_8);
        Path audit = tmp.resolve("audit.jsonl");
        ProfileUpdater u = builder().pseudonymise(key).auditLog(AuditLog.jsonLines(audit)).build();
        List<String> lines = events();
        feed(u, lines);
        List<String> raw = expected().stream().map(p -> p.get("user").asText()).toList();
        for (String user : raw) {
            assertThat(u.profile(user)).isPresent(); // reads take the raw id
        }
        assertThat(u.users()).hasSize(raw.size()).allSatisfy(p -> assertThat(p).hasSize(64).matches("[0-9a-f]+"));
        u.forget(raw.get(1));
        u.snapshot(tmp.resolve("p.snap"), Map.of());
        try (Stream<Path> files = Files.walk(tmp)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                for (String user : raw) {
                    assertThat(text).as("%s holds %s", f, user).doesNotContain("\"" + user + "\"")
                            .doesNotContain(user + "\u0000");
                    // the state codec writes a string as its length and bytes: look for that too
                    assertThat(text).doesNotContain((char) user.length() + user);
                }
            }
        }
    }

    @Test
    void theAllowListDropsOtherAttributesAndRefusesSchemasThatNeedThem() {
        ProfileSchema schema = ProfileSchema.builder().feature(FeatureSpec.count("events"))
                .feature(FeatureSpec.distinctCount("products", "product")).build();
        List<Map<String, Object>> seen = new java.util.ArrayList<>();
        ProfileUpdater v = ProfileUpdater.builder(schema).allowAttributes(List.of("product"))
                .listener(up -> seen.add(up.event().attrs())).build();
        v.onEvent(Event.of("e1", "u", "view", 1_000L, Map.of("product", "p1", "email", "a@b.c")));
        assertThat(seen).containsExactly(Map.of("product", "p1"));
        assertThat(v.profile("u").orElseThrow().getLong("products")).isEqualTo(1);
        assertThatThrownBy(() -> ProfileUpdater.builder(schema).allowAttributes(List.of("price")).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'product'")
                .hasMessageContaining("allow-list");
    }

    @Test
    void expiryForgetsIdleUsersAndBoundsMemoryUnderEverNewUsers() {
        ProfileSchema schema = ProfileSchema.builder().allowedLateness(Duration.ofMinutes(1))
                .feature(FeatureSpec.count("events")).build();
        ProfileUpdater u = ProfileUpdater.builder(schema).ttl(Duration.ofHours(1)).build();
        int n = 200_000;
        for (int i = 0; i < n; i++) { // one new user per second: 3,601 users are within the TTL at any time
            u.onEvent(Event.of("e" + i, "user-" + i, "view", i * 1000L, Map.of()));
        }
        // without expiry the table would hold all 200,000 users; with it, the users of the last hour plus what the
        // sweep (which runs before a segment grows, keeping it at most 3/8 full) has not reached yet
        assertThat(u.table().size()).isLessThanOrEqualTo(4 * 3_601);
        assertThat(u.profile("user-0")).isEmpty();
        assertThat(u.profile("user-" + (n - 1))).isPresent();
        assertThat(u.users()).hasSizeLessThanOrEqualTo(3_601);
        // an expired user's old event id is no longer remembered: the user starts again
        assertThat(u.onEvent(Event.of("e5", "user-5", "view", n * 1000L, Map.of()))).isEqualTo(Outcome.ACCEPTED);
        assertThat(u.profile("user-5").orElseThrow().getLong("events")).isEqualTo(1);
    }

    @Test
    void snapshotsTakenDuringConcurrentIngestionAreConsistentCuts() throws Exception {
        ProfileSchema schema = ProfileSchema.builder().feature(FeatureSpec.count("events")).build();
        ProfileUpdater u = ProfileUpdater.builder(schema).build();
        int perThread = 200_000;
        Thread[] writers = new Thread[2];
        for (int w = 0; w < writers.length; w++) {
            int id = w;
            writers[w] = new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    u.onEvent(Event.of("e" + i, "t" + id + "-u" + (i % 1000), "view", 1_000L + i, Map.of()));
                }
            });
            writers[w].start();
        }
        List<Path> files = new java.util.ArrayList<>();
        for (int k = 0; k < 5; k++) {
            Path f = tmp.resolve("cut" + k);
            u.snapshot(f, Map.of());
            files.add(f);
            Thread.sleep(20);
        }
        for (Thread w : writers) {
            w.join();
        }
        files.add(tmp.resolve("end"));
        u.snapshot(files.get(files.size() - 1), Map.of());
        for (Path f : files) {
            ProfileUpdater r = ProfileUpdater.builder(schema).build();
            ProfileUpdater.SnapshotInfo info = r.restore(f);
            long sum = 0;
            for (String user : r.users()) {
                sum += r.profile(user).orElseThrow().getLong("events");
            }
            // a consistent cut: the counts recorded are exactly the events the profiles hold
            assertThat(sum).as("%s", f).isEqualTo(info.counts().accepted());
        }
        assertThat(u.counts().accepted()).isEqualTo(2L * perThread);
    }
}
