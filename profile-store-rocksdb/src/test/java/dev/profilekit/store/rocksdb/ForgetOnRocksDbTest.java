package dev.profilekit.store.rocksdb;

import static dev.profilekit.store.rocksdb.FileBytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.profilekit.core.engine.Event;
import dev.profilekit.core.engine.ProfileUpdater;
import dev.profilekit.core.io.ProfileJson;
import dev.profilekit.core.privacy.Pseudonymiser;
import dev.profilekit.core.schema.FeatureSpec;
import dev.profilekit.core.schema.ProfileSchema;
import dev.profilekit.store.rocksdb.RocksDbProfileStore.Compression;
import dev.profilekit.store.rocksdb.RocksDbProfileStore.Options;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code forget} + {@code flush} on an updater over a real RocksDB store, in the plain, encrypted and
 * pseudonymising configurations: afterwards no file of the store directory holds the user's id (or pseudonym),
 * a distinctive attribute value of the user, or the user's hashed key, whether the store is then closed,
 * reopened or its process killed; every other user's profile is intact. Compression is off, so that a value
 * in a table file is in its bytes as written.
 */
class ForgetOnRocksDbTest {

    private static final String VICTIM = "victim-q7Zx";
    private static final String VICTIM_CITY = "Zanzibar-ATTR-4821";
    private static final int USERS = 600;
    private static final long T0 = 1_767_225_600_000L;
    private static final byte[] MASTER_KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PSEUDONYM_KEY = "pseudonym key of 32 bytes or more!".getBytes(StandardCharsets.US_ASCII);

    /** The updater's (and the store's) privacy configuration. */
    enum Config {
        PLAIN, ENCRYPTED, PSEUDONYMISED;

        ProfileUpdater.Builder apply(ProfileUpdater.Builder b) {
            return switch (this) {
                case PLAIN -> b;
                case ENCRYPTED -> b.encryptionKey(MASTER_KEY);
                case PSEUDONYMISED -> b.pseudonymise(PSEUDONYM_KEY);
            };
        }

        Options storeOptions() {
            Options.Builder b = Options.builder().compression(Compression.NONE)
                    .writeBufferBytes(Options.MIN_WRITE_BUFFER_BYTES); // table files during the run as well
            return (this == ENCRYPTED ? b.encryptionKey(MASTER_KEY) : b).build();
        }

        /** The id the store sees for {@code user}. */
        String storedKey(String user) {
            return this == PSEUDONYMISED ? new Pseudonymiser(PSEUDONYM_KEY).pseudonym(user) : user;
        }
    }

    @TempDir
    Path tmp;

    static ProfileSchema schema() {
        return ProfileSchema.builder().feature(FeatureSpec.count("events"))
                .feature(FeatureSpec.lastValue("city", "city")).build();
    }

    private static String user(int u) {
        return u == USERS / 2 ? VICTIM : "user-" + u;
    }

    /** Round {@code round} of events: one per user; the victim's carry its distinctive city. */
    private static void feed(ProfileUpdater u, int round) {
        for (int i = 0; i < USERS; i++) {
            String user = user(i);
            String city = user.equals(VICTIM) ? VICTIM_CITY : "city-" + (i % 37) + "-" + round;
            u.onEvent(Event.of("e" + round + "-" + i, user, "view", T0 + round * 60_000L + i, Map.of("city", city)));
        }
    }

    private static ProfileUpdater updater(Config c, RocksDbProfileStore store) {
        return c.apply(ProfileUpdater.builder(schema()).store(store).cacheSize(64).writeBatch(50)).build();
    }

    /** Three rounds with a close and reopen between them: older versions in table files and in logs. */
    private static void populate(Config c, Path dir) throws IOException {
        for (int round = 0; round < 3; round++) {
            try (RocksDbProfileStore store = RocksDbProfileStore.open(dir, c.storeOptions())) {
                ProfileUpdater u = updater(c, store);
                feed(u, round);
                u.flush();
                if (round == 2) {
                    feed(u, 3); // the last round only in the log and memtables when the store is not closed
                    u.flush();
                    return;
                }
                u.close();
            }
        }
    }

    /** Every user's profile as JSON, from an updater without a store fed the same events: the expected state. */
    private static Map<String, String> expectedProfiles(Config c) {
        ProfileUpdater u = c.apply(ProfileUpdater.builder(schema())).build();
        for (int round = 0; round <= 3; round++) {
            feed(u, round);
        }
        u.forget(VICTIM);
        return profiles(u);
    }

    private static Map<String, String> profiles(ProfileUpdater u) {
        Map<String, String> m = new TreeMap<>();
        for (int i = 0; i < USERS; i++) {
            String user = user(i);
            if (u.profile(user).isPresent()) {
                m.put(user, ProfileJson.toJson(u.profile(user, T0 + 3_600_000L)));
            }
        }
        return m;
    }

    /** The users whose profiles differ (few lines instead of two maps of 600 profiles). */
    private static void assertSameProfiles(Map<String, String> actual, Map<String, String> expected, String when) {
        assertThat(actual.keySet()).as("users with a profile " + when).isEqualTo(expected.keySet());
        List<String> differing = expected.keySet().stream()
                .filter(k -> !expected.get(k).equals(actual.get(k)))
                .map(k -> k + ": " + actual.get(k) + " instead of " + expected.get(k)).toList();
        assertThat(differing).as("profiles that differ " + when).isEmpty();
    }

    private static Map<String, byte[]> needles(Config c) {
        Map<String, byte[]> n = new LinkedHashMap<>();
        n.put("id", utf8(VICTIM));
        n.put("stored id", utf8(c.storedKey(VICTIM)));
        n.put("attribute value", utf8(VICTIM_CITY));
        return n;
    }

    private static Map<String, byte[]> withHashedKey(Map<String, byte[]> needles, RocksDbProfileStore store,
                                                     Config c) {
        Map<String, byte[]> n = new LinkedHashMap<>(needles);
        n.putAll(FileBytes.withHex("hashed key", store.hashedKey(c.storedKey(VICTIM))));
        return n;
    }

    @ParameterizedTest
    @EnumSource(Config.class)
    void forgetThenFlushLeavesNothingOfTheUserInAnyFileAndKeepsEveryOtherProfile(Config c) throws IOException {
        Path dir = tmp.resolve("store");
        populate(c, dir);
        Map<String, byte[]> needles;
        try (RocksDbProfileStore store = RocksDbProfileStore.open(dir, c.storeOptions())) {
            needles = withHashedKey(needles(c), store, c);
            ProfileUpdater u = updater(c, store);
            assertThat(u.profile(VICTIM)).as("the victim before forget").isPresent();
            feed(u, 3); // its newest state only in memory and the log; duplicates of the round already stored
            assertThat(u.forget(VICTIM)).isTrue();
            u.flush();
            assertThat(FileBytes.find(dir, needles)).as("%s: files after forget + flush", c).isEmpty();
            assertSameProfiles(profiles(u), expectedProfiles(c), "after forget");
            u.close();
        }
        assertThat(FileBytes.find(dir, needles)).as("%s: files after close", c).isEmpty();
        try (RocksDbProfileStore store = RocksDbProfileStore.open(dir, c.storeOptions())) {
            assertThat(FileBytes.find(dir, needles)).as("%s: files after reopening", c).isEmpty();
            ProfileUpdater u = updater(c, store);
            assertThat(u.profile(VICTIM)).isEmpty();
            assertSameProfiles(profiles(u), expectedProfiles(c), "after reopening");
        }
    }

    /**
     * Child JVM: {@code CONFIG DIR FLUSH}: populates, forgets the victim, flushes (if FLUSH is true), says
     * "forgotten" and waits for SIGKILL.
     */
    public static void main(String[] args) throws Exception {
        Config c = Config.valueOf(args[0]);
        Path dir = Path.of(args[1]);
        populate(c, dir);
        RocksDbProfileStore store = RocksDbProfileStore.open(dir, c.storeOptions()); // never closed
        ProfileUpdater u = updater(c, store);
        feed(u, 3);
        u.forget(VICTIM);
        if (Boolean.parseBoolean(args[2])) {
            u.flush();
        } // else the delete is in the log (it survives the kill of this process) but not erased
        System.out.println("forgotten");
        System.out.flush();
        Thread.sleep(TimeUnit.MINUTES.toMillis(5));
    }

    @ParameterizedTest
    @EnumSource(Config.class)
    @Tag("slow")
    void aProcessKilledRightAfterForgetAndFlushLeavesNothingOfTheUser(Config c) throws Exception {
        Path dir = tmp.resolve("killed");
        killChildAfterForget(c, dir, true);
        Map<String, byte[]> needles = needles(c);
        assertThat(FileBytes.find(dir, needles)).as("%s: files after the kill", c).isEmpty();
        assertErasedAfterReopening(c, dir, needles);
    }

    /** A kill between forget and the end of its flush: the next open completes the erasure before it returns. */
    @ParameterizedTest
    @EnumSource(Config.class)
    @Tag("slow")
    void aForgetWhoseFlushDidNotRunIsErasedWhenTheStoreIsReopened(Config c) throws Exception {
        Path dir = tmp.resolve("killed");
        killChildAfterForget(c, dir, false);
        Map<String, byte[]> needles = needles(c);
        byte[] hashedKey = StoreSecret.read(dir, c == Config.ENCRYPTED ? MASTER_KEY : null)
                .hash(utf8(c.storedKey(VICTIM)));
        assertThat(FileBytes.find(dir, Map.of("hashed key", hashedKey)))
                .as("%s: before reopening, the old versions are still there", c).containsKey("hashed key");
        assertErasedAfterReopening(c, dir, needles);
    }

    private void assertErasedAfterReopening(Config c, Path dir, Map<String, byte[]> needles) throws IOException {
        try (RocksDbProfileStore store = RocksDbProfileStore.open(dir, c.storeOptions())) {
            Map<String, byte[]> all = withHashedKey(needles, store, c);
            assertThat(FileBytes.find(dir, all)).as("%s: files after reopening", c).isEmpty();
            ProfileUpdater u = updater(c, store);
            assertThat(u.profile(VICTIM)).isEmpty();
            assertSameProfiles(profiles(u), expectedProfiles(c), "after the kill");
        }
    }

    private void killChildAfterForget(Config c, Path dir, boolean flush) throws Exception {
        Path jtmp = Files.createDirectories(tmp.resolve("jtmp")); // the native library a killed JVM leaves
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx128m", "-Djava.io.tmpdir=" + jtmp,
                "-cp", System.getProperty("java.class.path"), ForgetOnRocksDbTest.class.getName(), c.name(),
                dir.toString(), Boolean.toString(flush)).redirectError(tmp.resolve("child.err").toFile()).start();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(in.readLine()).as("child's stderr: %s", (Object) tmp.resolve("child.err"))
                    .isEqualTo("forgotten");
            assertThat(p.toHandle().destroyForcibly()).isTrue(); // SIGKILL: no close, no shutdown hook
        }
        assertThat(p.waitFor(1, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).isEqualTo(137);
    }
}
