package dev.profilekit.core.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.profilekit.core.engine.EngineAccess;
import dev.profilekit.core.engine.Event;
import dev.profilekit.core.engine.Profile;
import dev.profilekit.core.engine.ProfileDatasets;
import dev.profilekit.core.engine.ProfileUpdater;
import dev.profilekit.core.live.propensity.PropensityModel;
import dev.profilekit.core.live.segments.SegmentsAccess;
import dev.profilekit.core.live.segments.SegmentsModel;
import dev.profilekit.core.schema.ProfileSchema;
import dev.profilekit.core.spi.UserView;
import dev.profilekit.core.testkit.SpecAssertions;
import dev.profilekit.features.transform.Dataset;
import dev.profilekit.features.transform.FeatureHasher;
import dev.profilekit.features.transform.MurmurHash3;
import dev.profilekit.models.cluster.KMeans;
import dev.profilekit.models.cluster.KMeansModel;
import dev.profilekit.models.cluster.KMeansOptions;
import dev.profilekit.models.regression.LogisticModel;
import dev.profilekit.models.regression.LogisticOptions;
import dev.profilekit.models.regression.LogisticRegression;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The vector pipeline: hashing, encoding, the frozen z-score, JSON, and the batch read path. */
class VectorPipelineTest {

    private static final long H = 3_600_000L;
    private static final long T0 = 1_767_225_600_000L;
    /** Two computations of a mean/sd in different orders agree to this relative error. */
    private static final double ROUNDING = 1e-12;
    /** Allocation budget of 100,000 vector reads and scores (well below one object per call). */
    private static final long MAX_ALLOCATED_BYTES = 64 * 1024;
    private static final List<String> CATEGORIES = List.of("books", "toys", "games", "café", "日本語", "garden", "tools");

    static ProfileSchema schema() {
        return ProfileSchema.fromJson(SpecAssertions.text("/live-schema.json"));
    }

    /** A small stream: 40 users, views/carts/purchases over three days with categories; some users never buy. */
    static ProfileUpdater replay(ProfileUpdater u) {
        SplittableRandom rnd = new SplittableRandom(3);
        int id = 0;
        for (int step = 0; step < 1200; step++) {
            int user = rnd.nextInt(40);
            long t = T0 + step * 4 * 60_000L;
            String type = user % 5 == 0 ? "view" : switch (rnd.nextInt(6)) {
                case 0 -> "purchase";
                case 1 -> "cart";
                default -> "view";
            };
            Event.Builder b = Event.builder("e" + id++, "u" + user, type, t)
                    .attr("category", CATEGORIES.get((user + rnd.nextInt(2)) % CATEGORIES.size()));
            if (type.equals("purchase")) {
                b.attr("amount", 5 + rnd.nextInt(200) / 4.0);
            }
            u.onEvent(b.build());
        }
        return u;
    }

    @Test
    void hashingIsMurmur3OfTheUtf8TokenAsFeatureHasherHashesIt() {
        // MurmurHash3_x86_32 reference value (SMHasher; Wikipedia's MurmurHash page), seed 0
        assertThat(VectorPipeline.hash(new byte[0], "The quick brown fox jumps over the lazy dog"))
                .isEqualTo(0x2e4ff723);
        assertThat(VectorPipeline.hash(new byte[0], "")).isZero();
        byte[] prefix = "fav_category=".getBytes(StandardCharsets.UTF_8);
        for (String v : List.of("books", "café", "日本語", "a\uD83D\uDE00b", "x".repeat(300), "\uD800")) {
            assertThat(VectorPipeline.hash(prefix, v)).as(v)
                    .isEqualTo(MurmurHash3.hash32("fav_category=" + v, 0));
        }
        // the pipeline's hashed block of a user is FeatureHasher's row for the token name=leading value
        ProfileUpdater u = replay(ProfileUpdater.builder(schema()).build());
        long asOf = T0 + 5 * 24 * H;
        for (boolean signed : new boolean[] {true, false}) {
            for (int buckets : new int[] {1, 3, 16}) {
                VectorPipeline p = VectorPipeline.of(List.of(VectorPipeline.Input.of("purchases"),
                        VectorPipeline.Input.builder("fav_category").buckets(buckets).signedHash(signed).build()));
                Dataset d = ProfileDatasets.vectors(u, p, asOf);
                assertThat(d.columnCount()).isEqualTo(1 + buckets);
                assertThat(d.column(1)).isEqualTo("fav_category#0");
                FeatureHasher hasher = FeatureHasher.of(buckets, 0, signed);
                List<String> users = u.users();
                for (int i = 0; i < users.size(); i++) {
                    Profile profile = u.profile(users.get(i), asOf);
                    String lead = profile.getTopK("fav_category").get(0).value();
                    double[] expected = hasher.transform(new String[] {"fav_category"}, new String[][] {{lead}})
                            .row(0);
                    double[] row = d.row(i);
                    double[] got = java.util.Arrays.copyOfRange(row, 1, row.length);
                    assertThat(got).as("%s (%s)", users.get(i), lead).containsExactly(expected);
                }
            }
        }
    }

    @Test
    void batchVectorsAreTheProfileValuesCappedImputedAndOneHotEncoded() {
        ProfileUpdater u = replay(ProfileUpdater.builder(schema()).build());
        long asOf = T0 + 4 * 24 * H;
        List<VectorPipeline.Input> inputs = List.of(VectorPipeline.Input.of("purchases"),
                VectorPipeline.Input.of("spend_7d"),
                VectorPipeline.Input.of("order_value.mean"),
                VectorPipeline.Input.builder("order_value.max").missing(VectorPipeline.Missing.ZERO).build(),
                VectorPipeline.Input.builder("since_purchase").cap(3 * H / 1000.0).build(),
                VectorPipeline.Input.builder("fav_category").values(List.of("books", "toys", "café")).build());
        Dataset d = ProfileDatasets.vectors(u, VectorPipeline.of(inputs), asOf);
        assertThat(d.columns()).containsExactly("purchases", "spend_7d", "order_value.mean", "order_value.max",
                "since_purchase", "fav_category=books", "fav_category=toys", "fav_category=café", "fav_category=other");
        // the reference: the profiles as the engine renders them (a different read path: Profile values)
        Dataset ref = ProfileDatasets.of(u, List.of("purchases", "spend_7d", "order_value.mean", "order_value.max",
                "since_purchase"), asOf);
        List<String> users = u.users();
        int missingMean = 0;
        for (int i = 0; i < users.size(); i++) {
            double[] x = d.row(i);
            double[] r = ref.row(i);
            assertThat(x[0]).isEqualTo(r[0]);
            assertThat(x[1]).isEqualTo(r[1]);
            assertThat(Double.valueOf(x[2])).isEqualTo(Double.valueOf(r[2])); // NaN stays NaN (mean imputation later)
            missingMean += Double.isNaN(r[2]) ? 1 : 0;
            assertThat(x[3]).isEqualTo(Double.isNaN(r[3]) ? 0.0 : r[3]);
            assertThat(x[4]).isEqualTo(Double.isNaN(r[4]) ? 3 * H / 1000.0 : Math.min(3 * H / 1000.0, r[4]));
            String lead = u.profile(users.get(i), asOf).getTopK("fav_category").get(0).value();
            int hot = switch (lead) {
                case "books" -> 5;
                case "toys" -> 6;
                case "café" -> 7;
                default -> 8;
            };
            for (int j = 5; j < 9; j++) {
                assertThat(x[j]).as("%s %s col %d", users.get(i), lead, j).isEqualTo(j == hot ? 1.0 : 0.0);
            }
        }
        assertThat(missingMean).as("some users never bought").isPositive();
        assertThatThrownBy(() -> ProfileDatasets.vectors(u, VectorPipeline.of(inputs), T0))
                .hasMessageContaining("asOfMs " + T0 + " is before the latest event");
        assertThatThrownBy(() -> ProfileDatasets.vectors(u, VectorPipeline.of(List.of(VectorPipeline.Input.of("nope"))),
                asOf)).hasMessageContaining("features[0]: 'nope' is not a feature of the schema");
        assertThatThrownBy(() -> ProfileDatasets.vectors(u, VectorPipeline.of(List.of(VectorPipeline.Input.of("order_value"))),
                asOf)).hasMessageContaining("name one of its parts, e.g. 'order_value.mean'");
        assertThatThrownBy(() -> ProfileDatasets.vectors(null, VectorPipeline.of(inputs), asOf))
                .hasMessage("updater must not be null");
    }

    @Test
    void theZScoreIsFrozenAtFitWithPopulationSdNaNIgnoredAndNoSpreadScaledByOne() {
        SplittableRandom rnd = new SplittableRandom(17);
        int n = 500;
        double[][] rows = new double[n][4];
        for (int i = 0; i < n; i++) {
            rows[i][0] = 1e6 + rnd.nextGaussian() * 3;            // large offset, small spread
            rows[i][1] = rnd.nextInt(5) == 0 ? Double.NaN : rnd.nextDouble() / 3;
            rows[i][2] = 7.0 + (i == 3 ? 1e-14 : 0);              // spread ~ 4e-16 <= 1e-12: scale 1
            rows[i][3] = Double.NaN;                               // never seen: mean 0, scale 1
        }
        List<String> cols = List.of("a", "b", "c", "d");
        VectorPipeline p = VectorPipeline.of(List.of(VectorPipeline.Input.of("x"))).fit(cols, rows);
        // reference: two-pass mean and population variance over the non-missing values
        for (int j = 0; j < 3; j++) {
            double sum = 0;
            int m = 0;
            for (double[] r : rows) {
                if (!Double.isNaN(r[j])) {
                    sum += r[j];
                    m++;
                }
            }
            double mean = sum / m;
            double ss = 0;
            for (double[] r : rows) {
                if (!Double.isNaN(r[j])) {
                    ss += (r[j] - mean) * (r[j] - mean);
                }
            }
            double sd = Math.sqrt(ss / m);
            assertThat(p.scaler().center()[j]).isCloseTo(mean, within(ROUNDING * Math.abs(mean) + 1e-300));
            double expectedScale = sd <= VectorPipeline.MIN_SD ? 1.0 : sd;
            assertThat(p.scaler().scale()[j]).isCloseTo(expectedScale, within(1e-9 * expectedScale));
        }
        assertThat(p.scaler().scale()[2]).isEqualTo(1.0);
        assertThat(p.scaler().center()[3]).isZero();
        assertThat(p.scaler().scale()[3]).isEqualTo(1.0);
        double[] z = new double[4];
        p.transform(new double[] {1e6, Double.NaN, 8, 2}, z);
        assertThat(z[0]).isEqualTo((1e6 - p.scaler().center()[0]) / p.scaler().scale()[0]);
        assertThat(z[1]).isZero();                                  // NaN -> the mean, 0 after centring
        assertThat(z[2]).isEqualTo(8 - p.scaler().center()[2]);
        assertThat(z[3]).isEqualTo(2.0);
        assertThatThrownBy(() -> p.transform(new double[3], z)).hasMessageContaining("must have 4 values, were 3 and 4");
        assertThatThrownBy(() -> VectorPipeline.of(List.of(VectorPipeline.Input.of("x"))).transform(new double[1], new double[1]))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not fitted");
        assertThatThrownBy(() -> p.fit(cols, new double[][] {{1, 2, 3}})).hasMessage("rows[0] must have 4 values, was 3");
        assertThatThrownBy(() -> p.fit(cols, new double[][] {{1, Double.POSITIVE_INFINITY, 3, 4}}))
                .hasMessageContaining("rows[0]").hasMessageContaining("'b'").hasMessageContaining("Infinity");
        assertThatThrownBy(() -> VectorPipeline.of(List.of())).hasMessageContaining("inputs must list at least one");
    }

    @Test
    void jsonRoundTripIsBitExact() {
        SplittableRandom rnd = new SplittableRandom(5);
        double[][] rows = new double[50][6];
        for (double[] r : rows) {
            for (int j = 0; j < r.length; j++) {
                r[j] = j == 5 && rnd.nextBoolean() ? Double.NaN : (rnd.nextDouble() - 0.5) * Math.pow(10, 3 * j - 6) / 3;
            }
        }
        List<VectorPipeline.Input> inputs = List.of(VectorPipeline.Input.builder("since_purchase").cap(0.1 + 0.2).build(),
                VectorPipeline.Input.builder("order_value.mean").missing(VectorPipeline.Missing.ZERO).build(),
                VectorPipeline.Input.builder("fav_category").values(List.of("a\"b", "é")).build(),
                VectorPipeline.Input.builder("last_x").buckets(1).signedHash(false).build());
        VectorPipeline p = VectorPipeline.of(inputs).fit(List.of("c0", "c1", "c2", "c3", "c4", "c5"), rows);
        String json = p.toJson();
        VectorPipeline back = VectorPipeline.fromJson(json);
        assertThat(back).isEqualTo(p);
        assertThat(back.inputs()).isEqualTo(inputs);
        assertThat(back.toJson()).isEqualTo(json);
        for (int j = 0; j < 6; j++) {
            assertThat(Double.doubleToRawLongBits(back.scaler().center()[j]))
                    .isEqualTo(Double.doubleToRawLongBits(p.scaler().center()[j]));
            assertThat(Double.doubleToRawLongBits(back.scaler().scale()[j]))
                    .isEqualTo(Double.doubleToRawLongBits(p.scaler().scale()[j]));
        }
        double[] a = new double[6];
        double[] b = new double[6];
        for (double[] r : rows) {
            p.transform(r, a);
            back.transform(r, b);
            assertThat(a).containsExactly(b);
        }
        VectorPipeline unfitted = VectorPipeline.of(inputs);
        assertThat(VectorPipeline.fromJson(unfitted.toJson())).isEqualTo(unfitted);
        assertThatThrownBy(() -> VectorPipeline.fromJson("{\"format\":\"other\"}"))
                .hasMessageContaining("json must be a profilekit.vector-pipeline object");
        assertThatThrownBy(() -> VectorPipeline.fromJson("[1,")).hasMessageContaining("not valid JSON");
    }

    @Test
    void readingANumericAndOneHotVectorAndScoringItAllocatesNothing() {
        ProfileUpdater u = replay(ProfileUpdater.builder(schema()).build());
        long asOf = T0 + 4 * 24 * H;
        VectorPipeline spec = VectorPipeline.of(List.of(VectorPipeline.Input.of("views"),
                VectorPipeline.Input.builder("since_purchase").cap(1e6).build(), VectorPipeline.Input.of("order_value.mean"),
                VectorPipeline.Input.builder("fav_category").values(List.of("books", "toys")).build()));
        Dataset raw = ProfileDatasets.vectors(u, spec, asOf);
        VectorPipeline fitted = spec.fit(raw);
        double[][] z = fitted.transform(raw.toArray());
        int[] y = new int[z.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = i % 2;
        }
        PropensityModel pm = PropensityModel.of(fitted, LogisticRegression.fit(z, y, fitted.columns(),
                LogisticOptions.l2(1.0)), y.length);
        SegmentsModel sm = SegmentsModel.of(fitted, KMeans.fit(z, KMeansOptions.k(3).seed(2)));
        // the engine's own per-user state as the view, read through a compilation of the same schema
        VectorPipeline.Bound bound = fitted.bind(u.features());
        UserView[] views = u.users().stream().map(user -> EngineAccess.view(u, user)).toArray(UserView[]::new);
        double[] x = new double[bound.dimension()];
        double sink = 0;
        for (int i = 0; i < 20_000; i++) { // warm-up (JIT, thread-local buffers)
            UserView v = views[i % views.length];
            bound.raw(v, asOf, x);
            sink += pm.score(x) + sm.assign(x);
        }
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(id);
        int calls = 100_000;
        for (int i = 0; i < calls; i++) {
            UserView v = views[i % views.length];
            synchronized (v) {
                bound.raw(v, asOf, x);
            }
            sink += pm.score(x) + sm.assign(x);
        }
        long allocated = mx.getThreadAllocatedBytes(id) - before;
        assertThat(sink).isFinite();
        // one object per call would be >= 16 bytes x 100,000; the bound leaves room for the measurement itself
        assertThat(allocated).as("bytes allocated by %d reads and scores", calls).isLessThan(MAX_ALLOCATED_BYTES);
        double[] again = new double[bound.dimension()];
        bound.raw(views[0], asOf, again);
        assertThat(again).containsExactly(raw.row(0));
    }

    @Test
    void propensityAndSegmentsModelsWrapTheModelsLibraryAndRoundTripThroughJson() {
        ProfileUpdater u = replay(ProfileUpdater.builder(schema()).build());
        long asOf = T0 + 4 * 24 * H;
        VectorPipeline spec = VectorPipeline.of(List.of(VectorPipeline.Input.of("views"),
                VectorPipeline.Input.of("spend_7d"), VectorPipeline.Input.of("order_value.mean"),
                VectorPipeline.Input.builder("fav_category").values(List.of("books", "toys")).build()));
        Dataset raw = ProfileDatasets.vectors(u, spec, asOf);
        VectorPipeline fitted = spec.fit(raw);
        double[][] z = fitted.transform(raw.toArray());
        int[] y = new int[z.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = raw.get(i, 0) > 20 ? 1 : 0;
        }
        LogisticModel lr = LogisticRegression.fit(z, y, fitted.columns(), LogisticOptions.l2(1.0));
        PropensityModel pm = PropensityModel.of(fitted, lr, y.length);
        PropensityModel pmBack = PropensityModel.fromJson(pm.toJson());
        assertThat(pmBack).isEqualTo(pm);
        assertThat(pmBack.logistic()).isEqualTo(lr);
        KMeansModel km = KMeans.fit(z, KMeansOptions.k(3).restarts(5).seed(8));
        SegmentsModel sm = SegmentsAccess.of(1, fitted, km, new int[] {2, 0, 1});
        SegmentsModel smBack = SegmentsModel.fromJson(sm.toJson());
        assertThat(smBack).isEqualTo(sm);
        for (int i = 0; i < z.length; i++) {
            double[] x = raw.row(i);
            assertThat(pmBack.score(x)).isEqualTo(lr.predictProbability(z[i]));
            assertThat(smBack.assign(x)).isEqualTo(new int[] {2, 0, 1}[km.predict(z[i])]);
        }
        assertThat(sm.centroid(2)).containsExactly(fitted.inverse(km.centroid(0)));
        assertThatThrownBy(() -> PropensityModel.of(fitted, LogisticRegression.fit(z, y, LogisticOptions.l2(1.0)), 1))
                .hasMessageContaining("logistic must be over the pipeline's columns");
        assertThatThrownBy(() -> PropensityModel.of(spec, lr, 1)).hasMessageContaining("pipeline must be a fitted");
        assertThatThrownBy(() -> SegmentsAccess.of(1, fitted, km, new int[] {0, 0, 1}))
                .hasMessageContaining("segmentOf must be a permutation of 0..2, was [0, 0, 1]");
        assertThatThrownBy(() -> pm.score(new double[2])).hasMessageContaining("must have 6 values");
    }

    @Test
    void finiteInputsFindsAFiniteValueThatScalesToInfinity() {
        ProfileSchema sums = ProfileSchema.builder()
                .feature(dev.profilekit.core.schema.FeatureSpec.sum("spend", "amount"))
                .feature(dev.profilekit.core.schema.FeatureSpec.count("n")).build();
        dev.profilekit.core.engine.ProfileUpdater u = dev.profilekit.core.engine.ProfileUpdater.builder(sums).build();
        long t = 1_767_225_600_000L;
        u.onEvent(dev.profilekit.core.engine.Event.of("1", "big", "buy", t, java.util.Map.of("amount", 1e308)));
        u.onEvent(dev.profilekit.core.engine.Event.of("2", "small", "buy", t, java.util.Map.of("amount", 1.0)));
        VectorPipeline spec = VectorPipeline.of(List.of(VectorPipeline.Input.of("spend"), VectorPipeline.Input.of("n")));
        VectorPipeline.Bound bound = spec.bind(u.features());
        // fitted where everybody spent -1e308: scale 1 (no spread), so 1e308 - (-1e308) overflows
        VectorPipeline fitted = spec.fit(List.of("spend", "n"), new double[][] {{-1e308, 1}, {-1e308, 1}});
        UserView big = EngineAccess.view(u, "big");
        UserView small = EngineAccess.view(u, "small");
        assertThat(bound.finiteInputs(big, t, null)).isTrue();      // the raw value itself is finite
        assertThat(bound.finiteInputs(big, t, fitted)).isFalse();   // its model input is not
        assertThat(bound.finiteInputs(small, t, fitted)).isTrue();
    }
}
