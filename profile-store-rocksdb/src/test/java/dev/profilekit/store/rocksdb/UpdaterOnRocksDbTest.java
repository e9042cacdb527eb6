package dev.profilekit.store.rocksdb;

import static dev.profilekit.core.testkit.SpecAssertions.assertProfilesMatch;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.profilekit.core.engine.DedupRetention;
import dev.profilekit.core.engine.Event;
import dev.profilekit.core.engine.ProfileUpdater;
import dev.profilekit.core.io.EventJson;
import dev.profilekit.core.io.ProfileJson;
import dev.profilekit.core.schema.FeatureSpec;
import dev.profilekit.core.schema.ProfileSchema;
import dev.profilekit.core.spi.InvalidEventException;
import dev.profilekit.core.testkit.SpecAssertions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The updater on a real RocksDB store: exact profiles through a small cache, reopening, and a killed process. */
class UpdaterOnRocksDbTest {

    private static final String DIR = "/profile-stream-small/";

    @TempDir
    Path tmp;

    private static ProfileUpdater.Builder fixture() {
        return ProfileUpdater.builder(ProfileSchema.fromJson(SpecAssertions.text(DIR + "schema.json")))
                .dedupRetention(DedupRetention.ALL);
    }

    private static List<JsonNode> profiles(ProfileUpdater u, long asOf) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String user : u.users()) {
            out.add(SpecAssertions.MAPPER.readTree(ProfileJson.toJson(u.profile(user, asOf))));
        }
        return out;
    }

    @Test
    void theFixtureThroughASmallCacheOverRocksDbIsExactAndSurvivesReopening() throws IOException {
        List<JsonNode> expected = SpecAssertions.jsonLines(DIR + "expected-profiles.jsonl");
        long asOf = expected.get(0).get("as_of").asLong();
        Path db = tmp.resolve("db");
        try (RocksDbProfileStore store = RocksDbProfileStore.open(db)) {
            ProfileUpdater u = fixture().store(store).cacheSize(64).writeBatch(16).build();
            for (String line : SpecAssertions.lines(DIR + "events.jsonl")) {
                if (!line.isBlank()) {
                    try {
                        u.onEvent(EventJson.parse(line));
                    } catch (InvalidEventException e) {
                        // rejected lines change nothing
                    }
                }
            }
            assertProfilesMatch(expected, profiles(u, asOf));
            u.close();
        }
        try (RocksDbProfileStore store = RocksDbProfileStore.open(db)) {
            assertThat(store.countKeys()).isEqualTo(expected.size());
            ProfileUpdater again = fixture().store(store).cacheSize(64).build();
            assertProfilesMatch(expected, profiles(again, asOf));
        }
    }

    static ProfileSchema countSchema() {
        return ProfileSchema.builder().feature(FeatureSpec.count("events")).build();
    }

    /** Child JVM: events of 5,000 users round robin into a store in {@code args[0]}; flush and "ack n" every 997. */
    public static void main(String[] args) throws IOException {
        RocksDbProfileStore store = RocksDbProfileStore.open(Path.of(args[0])); // never closed: the parent kills us
        ProfileUpdater u = ProfileUpdater.builder(countSchema()).store(store).cacheSize(1000).writeBatch(100).build();
        for (int i = 0; ; i++) {
            u.onEvent(Event.of("e" + i, "user-" + (i % 5000), "view", 1_767_225_600_000L + i, Map.of()));
            if ((i + 1) % 997 == 0) {
                u.flush();
                System.out.println("ack " + (i + 1));
                System.out.flush();
            }
        }
    }

    @Test
    void aKilledProcessLosesNoFlushedEvent() throws Exception {
        SplittableRandom r = new SplittableRandom(5);
        for (int run = 0; run < 5; run++) {
            Path db = tmp.resolve("kill" + run);
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    UpdaterOnRocksDbTest.class.getName(), db.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            long acked = 0;
            int target = 2 + r.nextInt(40);
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                int acks = 0;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("ack ")) {
                        acked = Long.parseLong(line.substring(4));
                        if (++acks == target) {
                            p.toHandle().destroyForcibly(); // SIGKILL, somewhere after this acknowledgement
                            break;
                        }
                    } else {
                        throw new AssertionError("child said: " + line);
                    }
                }
            }
            assertThat(p.waitFor(1, TimeUnit.MINUTES)).isTrue();
            assertThat(acked).isEqualTo(997L * target);
            try (RocksDbProfileStore store = RocksDbProfileStore.open(db)) {
                ProfileUpdater u = ProfileUpdater.builder(countSchema()).store(store).build();
                long total = 0;
                for (String user : u.users()) {
                    total += u.profile(user).orElseThrow().getLong("events");
                }
                // every acknowledged event is there; later ones may be too (written back on eviction)
                assertThat(total).as("run %d", run).isGreaterThanOrEqualTo(acked);
                assertThat(u.profile("user-0").orElseThrow().getLong("events")).isGreaterThanOrEqualTo((acked + 4999) / 5000);
            }
        }
    }
}
