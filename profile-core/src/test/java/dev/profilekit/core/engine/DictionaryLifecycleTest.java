package dev.profilekit.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.profilekit.core.schema.FeatureKind;
import dev.profilekit.core.schema.FeatureSpec;
import dev.profilekit.core.schema.ProfileSchema;
import dev.profilekit.core.store.ProfileStores;
import dev.profilekit.features.streaming.StringDictionary;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dictionary that codes the strings of the profiles in memory: a string is held exactly as long as a profile in
 * the updater's table keeps it (forget, expiry, eviction to a store, restore), failed events leave no reference, and
 * a full dictionary changes no result.
 */
class DictionaryLifecycleTest {

    @TempDir
    Path tmp;

    private static final long HOUR = 3_600_000L;

    /** last_value, distinct_count and top_k (capacity 4, so Space-Saving drops values) over two attributes. */
    static ProfileSchema schema() {
        return ProfileSchema.builder().allowedLateness(Duration.ofHours(1))
                .feature(FeatureSpec.count("events"))
                .feature(FeatureSpec.lastValue("last_category", "category"))
                .feature(FeatureSpec.distinctCount("products", "product"))
                .feature(new FeatureSpec("fav", FeatureKind.TOP_K, List.of(), "category", Duration.ofDays(1), null,
                        0, 2, 4, null, null, null))
                .feature(FeatureSpec.topK("fav_products", "product", 3, null))
                .build();
    }

    /** Fresh strings per event, as from a JSON reader. */
    static Event event(int i, String user, long t, String category, String product) {
        Map<String, Object> a = new HashMap<>();
        a.put("category", new String(category));
        a.put("product", new String(product));
        return Event.of("e" + i, user, "view", t, a);
    }

    private static StringDictionary dict(ProfileUpdater u) {
        return u.compiled.dictionary();
    }

    /** Every profile as of a common time, by user. */
    static Map<String, Map<String, Object>> profiles(ProfileUpdater u, long asOf) {
        Map<String, Map<String, Object>> out = new HashMap<>();
        for (String user : u.users()) {
            out.put(user, u.profile(user, asOf).values());
        }
        return out;
    }

    @Test
    void forgetFreesTheStringsOnlyThatUserHeld() {
        ProfileUpdater u = ProfileUpdater.builder(schema()).build();
        u.onEvent(event(1, "ann", HOUR, "books", "p-shared"));
        u.onEvent(event(2, "ann", 2 * HOUR, "ann-only-category", "p-ann"));
        u.onEvent(event(3, "bob", HOUR, "books", "p-shared"));
        StringDictionary d = dict(u);
        // ann: last_category, fav (top_k) and products/fav_products on "p-ann"
        assertThat(d.references("ann-only-category")).isEqualTo(2);
        assertThat(d.references("p-ann")).isEqualTo(2);
        assertThat(d.references("books")).isEqualTo(3); // ann's fav, bob's fav and last_category
        assertThat(d.references("p-shared")).isEqualTo(4);
        assertThat(u.forget("ann")).isTrue();
        assertThat(d.references("ann-only-category")).isZero();
        assertThat(d.references("p-ann")).isZero();
        assertThat(d.references("books")).isEqualTo(2);
        assertThat(d.references("p-shared")).isEqualTo(2);
        assertThat(d.size()).isEqualTo(2);
        assertThat(u.profile("bob").orElseThrow().get("last_category")).isEqualTo("books");
        u.forget("bob");
        assertThat(d.size()).isZero();
    }

    @Test
    void spaceSavingAndChangedLastValuesGiveTheirReferencesBack() {
        ProfileUpdater u = ProfileUpdater.builder(schema()).build();
        for (int i = 0; i < 40; i++) { // ten categories through a top_k of capacity 4
            u.onEvent(event(i, "ann", HOUR + i * 60_000L, "c" + (i % 10), "p" + (i % 3)));
        }
        StringDictionary d = dict(u);
        Profile p = u.profile("ann").orElseThrow();
        assertThat(p.get("last_category")).isEqualTo("c9");
        int held = 0;
        for (int c = 0; c < 10; c++) {
            held += d.references("c" + c);
        }
        assertThat(held).isEqualTo(4 + 1); // the four values fav tracks, and last_category
        assertThat(d.size()).isEqualTo(4 + 3); // (c9 is tracked by fav too) and three products
        u.forget("ann");
        assertThat(d.size()).isZero();
    }

    @Test
    void evictionToAStoreReleasesAndLoadingCodesAgain() {
        ProfileSchema schema = schema();
        ProfileUpdater u = ProfileUpdater.builder(schema).store(ProfileStores.heap()).cacheSize(64).build();
        ProfileUpdater reference = ProfileUpdater.builder(schema).build();
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 6_000; i++) {
            String user = "u" + r.nextInt(500);
            Event e = event(i, user, HOUR + i * 1_000L, "cat-" + user, "p" + r.nextInt(40));
            u.onEvent(e);
            reference.onEvent(e);
        }
        StringDictionary d = dict(u);
        // only the profiles in memory hold codes: each category string is its user's own, so at most 64 are coded
        int coded = 0;
        for (int k = 0; k < 500; k++) {
            coded += d.references("cat-u" + k) > 0 ? 1 : 0;
        }
        assertThat(u.table().size()).isLessThanOrEqualTo(64);
        assertThat(coded).isEqualTo(u.table().size());
        long asOf = HOUR + 6_000 * 1_000L;
        assertThat(profiles(u, asOf)).isEqualTo(profiles(reference, asOf));
        for (String user : u.users()) {
            u.forget(user);
        }
        assertThat(d.size()).isZero();
    }

    @Test
    void expiryFreesTheStringsOfExpiredUsers() {
        ProfileUpdater u = ProfileUpdater.builder(schema()).ttl(Duration.ofHours(1)).build();
        for (int i = 0; i < 20_000; i++) { // one new user a second with its own strings
            u.onEvent(event(i, "user-" + i, i * 1_000L, "cat-" + i, "prod-" + i));
        }
        StringDictionary d = dict(u);
        // each user in the table holds its two strings; the expired ones hold none
        assertThat(d.size()).isEqualTo(2 * u.table().size());
        assertThat(d.references("cat-0")).isZero();
        assertThat(d.references("prod-19999")).isEqualTo(2);
        assertThat(u.table().size()).isLessThan(20_000);
    }

    @Test
    void expiryInPlaceStartsTheUserAgainWithoutItsOldStrings() {
        ProfileUpdater u = ProfileUpdater.builder(schema()).ttl(Duration.ofHours(1)).build();
        u.onEvent(event(1, "ann", HOUR, "old-category", "old-product"));
        u.onEvent(event(2, "bob", 10 * HOUR, "x", "y")); // moves the watermark past ann's TTL
        u.onEvent(event(3, "ann", 10 * HOUR, "new-category", "new-product"));
        StringDictionary d = dict(u);
        assertThat(d.references("old-category")).isZero();
        assertThat(d.references("old-product")).isZero();
        assertThat(u.profile("ann").orElseThrow().getLong("products")).isEqualTo(1);
        assertThat(d.references("new-category")).isEqualTo(2);
    }

    @Test
    void restoreCodesTheStringsOfTheRestoredProfiles() throws Exception {
        ProfileUpdater u = ProfileUpdater.builder(schema()).build();
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < 2_000; i++) {
            u.onEvent(event(i, "u" + r.nextInt(100), HOUR + i * 1_000L, "c" + r.nextInt(7), "p" + r.nextInt(50)));
        }
        Path file = tmp.resolve("snap");
        u.snapshot(file, Map.of());
        ProfileUpdater back = ProfileUpdater.builder(schema()).build();
        back.restore(file);
        long asOf = HOUR + 2_000 * 1_000L;
        assertThat(profiles(back, asOf)).isEqualTo(profiles(u, asOf));
        StringDictionary a = dict(u);
        StringDictionary b = dict(back);
        assertThat(b.size()).isEqualTo(a.size());
        for (int c = 0; c < 7; c++) {
            assertThat(b.references("c" + c)).isEqualTo(a.references("c" + c));
        }
        for (int p = 0; p < 50; p++) {
            assertThat(b.references("p" + p)).isEqualTo(a.references("p" + p));
        }
        for (String user : back.users()) {
            back.forget(user);
        }
        assertThat(b.size()).isZero();
    }

    /** A dictionary of three strings: most values are kept un-coded, every result is the same. */
    @Test
    void aFullDictionaryKeepsValuesUncodedWithTheSameResults() throws Exception {
        ProfileUpdater small = ProfileUpdater.builder(schema()).maxDictionaryEntries(3).build();
        ProfileUpdater large = ProfileUpdater.builder(schema()).build();
        SplittableRandom r = new SplittableRandom(9);
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            events.add(event(i, "u" + r.nextInt(30), HOUR + i * 1_000L, "c" + r.nextInt(12), "p" + r.nextInt(80)));
        }
        for (Event e : events) {
            small.onEvent(e);
            large.onEvent(e);
        }
        long asOf = HOUR + 3_000 * 1_000L;
        assertThat(profiles(small, asOf)).isEqualTo(profiles(large, asOf));
        StringDictionary d = dict(small);
        assertThat(d.size()).isEqualTo(3);
        assertThat(d.refused()).isPositive();
        // a snapshot of the mixed state restores into a roomy dictionary with the same results
        Path file = tmp.resolve("mixed");
        small.snapshot(file, Map.of());
        ProfileUpdater back = ProfileUpdater.builder(schema()).build();
        back.restore(file);
        assertThat(profiles(back, asOf)).isEqualTo(profiles(large, asOf));
        for (String user : small.users()) {
            small.forget(user);
        }
        assertThat(d.size()).isZero();
        assertThatThrownBy(() -> ProfileUpdater.builder(schema()).maxDictionaryEntries(0))
                .hasMessage("maxDictionaryEntries must be >= 1, was 0");
    }

    /** An event that fails after its values were coded (pinned) leaves no reference behind. */
    @Test
    void aFailedEventLeavesNoReference() {
        ProfileUpdater u = ProfileUpdater.builder(schema()).build();
        u.onEvent(event(1, "ann", HOUR, "books", "p1"));
        StringDictionary d = dict(u);
        for (FeatureKind failing : List.of(FeatureKind.TOP_K, FeatureKind.COUNT)) {
            UpdatePlan.faults = kind -> {
                if (kind == failing) {
                    throw new IllegalStateException("injected before " + kind);
                }
            };
            try {
                assertThatThrownBy(() -> u.onEvent(event(2, "ann", 2 * HOUR, "games", "p2")))
                        .hasMessageContaining("injected");
            } finally {
                UpdatePlan.faults = null;
            }
            assertThat(d.references("games")).as("after a failure before %s", failing).isZero();
            assertThat(d.references("p2")).isZero();
        }
        assertThat(u.profile("ann").orElseThrow().getLong("products")).isEqualTo(1);
        u.forget("ann");
        assertThat(d.size()).isZero();
    }

    /** Threads on different users share the dictionary: the results are a single thread's, every code goes back. */
    @Test
    void concurrentUsersShareTheDictionaryExactly() throws Exception {
        ProfileUpdater u = ProfileUpdater.builder(schema()).build();
        ProfileUpdater reference = ProfileUpdater.builder(schema()).build();
        int threads = 4;
        List<List<Event>> streams = new ArrayList<>();
        for (int w = 0; w < threads; w++) {
            SplittableRandom r = new SplittableRandom(w);
            List<Event> s = new ArrayList<>();
            for (int i = 0; i < 20_000; i++) {
                s.add(event(i, "t" + w + "-u" + r.nextInt(200), HOUR + i * 1_000L, "c" + r.nextInt(20),
                        "p" + r.nextInt(300)));
            }
            streams.add(s);
        }
        Thread[] ts = new Thread[threads];
        for (int w = 0; w < threads; w++) {
            List<Event> s = streams.get(w);
            ts[w] = new Thread(() -> s.forEach(u::onEvent));
            ts[w].start();
        }
        for (Thread t : ts) {
            t.join();
        }
        streams.forEach(s -> s.forEach(reference::onEvent));
        long asOf = HOUR + 20_000 * 1_000L;
        assertThat(profiles(u, asOf)).isEqualTo(profiles(reference, asOf));
        StringDictionary d = dict(u);
        assertThat(d.size()).isEqualTo(20 + 300);
        List<Thread> forgetters = new ArrayList<>();
        for (int w = 0; w < threads; w++) {
            String prefix = "t" + w + "-";
            Thread f = new Thread(() -> u.users().stream().filter(x -> x.startsWith(prefix)).forEach(u::forget));
            forgetters.add(f);
            f.start();
        }
        for (Thread f : forgetters) {
            f.join();
        }
        assertThat(d.size()).isZero();
    }
}
