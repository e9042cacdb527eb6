package dev.profilekit.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.profilekit.core.io.ProfileJson;
import dev.profilekit.core.live.VectorPipeline;
import dev.profilekit.core.schema.ProfileSchema;
import dev.profilekit.features.streaming.TopKCounter.WeightedValue;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Reading a profile as of a later time (issue 26, items 8, 10 and 11): no read gives a non-finite value, top-k
 * ranks by true weights whatever underflows, and as-of times outside the supported range are refused.
 */
class ReadNumericsTest {

    private static final long T0 = 1_767_225_600_000L;
    private static final long S = 1_000L;

    private static Event event(String id, String user, long t, Map<String, Object> attrs) {
        return Event.of(id, user, "view", t, attrs);
    }

    @Test
    void aRatioOverAnUnderflowedDecayedCountReadsAsNullNotInfinity() {
        // the schema: slow and fast decayed counts, r = slow / fast, r2 = since / fast
        ProfileUpdater u = ProfileUpdater.builder(ProfileSchema.fromJson("""
                {"features":[
                  {"name":"slow","kind":"decayed_count","half_life":"P36500D"},
                  {"name":"fast","kind":"decayed_count","half_life":"PT1S"},
                  {"name":"since","kind":"recency"},
                  {"name":"r","kind":"ratio","numerator":"slow","denominator":"fast"},
                  {"name":"r2","kind":"ratio","numerator":"since","denominator":"fast"}]}""")).build();
        u.onEvent(event("e1", "a", T0, Map.of()));
        u.onEvent(event("e2", "b", T0 + 1030 * S, Map.of()));
        long asOf = T0 + 1030 * S; // replay's as-of: the latest event of the input
        Profile a = u.profile("a", asOf);
        // fast = 2^-1030, a subnormal double: finite, printed as it is
        assertThat(a.getDouble("fast")).isCloseTo(Math.scalb(1.0, -1030), within(1e-320));
        assertThat(a.getDouble("since")).isEqualTo(1030.0);
        // slow / fast ≈ 2^1030 and 1030 / 2^-1030 overflow a double: null, as for a zero denominator
        assertThat(a.get("r")).isNull();
        assertThat(a.get("r2")).isNull();
        assertThat(ProfileJson.toJson(a)).doesNotContain("Infinity").contains("\"r\":null").contains("\"r2\":null");
        // what a live model reads for the same feature: missing (NaN), never infinite
        ProfileState s = u.state("a");
        synchronized (s) {
            assertThat(u.compiled.reader("r").numeric(s, asOf)).isNaN();
            assertThat(u.compiled.reader("r2").numeric(s, asOf)).isNaN();
        }
        // a model's raw vector and input: the missing value (NaN raw, the mean, 0, after scaling)
        VectorPipeline spec = VectorPipeline.of(List.of(VectorPipeline.Input.of("r"), VectorPipeline.Input.of("fast")));
        synchronized (s) {
            double[] raw = spec.bind(u.features()).raw(s, asOf);
            assertThat(raw[0]).isNaN();
            double[] z = new double[2];
            spec.fit(List.of("r", "fast"), new double[][] {{1, 1}, {3, 1}}).transform(raw, z);
            assertThat(z[0]).isEqualTo(0.0);
        }
        // a quotient that stays finite over the subnormal is kept: as of T0 + 1000 s, since / fast = 1000 · 2^1000
        Profile early = u.profile("a", T0 + 1000 * S);
        assertThat(early.getDouble("r2")).isCloseTo(1000 * Math.scalb(1.0, 1000), within(1e-9 * 1000 * Math.scalb(1.0, 1000)));
    }

    @Test
    void aModelInputThatScalesBeyondADoubleIsTheMeanNotInfinity() {
        // fitted where every value was -1e308 (no spread: scale 1): 1e308 - (-1e308) overflows, so the input is
        // the missing value's, 0 (the mean), as the z-score's rule for missing values gives
        VectorPipeline fitted = VectorPipeline.of(List.of(VectorPipeline.Input.of("x")))
                .fit(List.of("x"), new double[][] {{-1e308}, {-1e308}});
        double[] z = new double[1];
        fitted.transform(new double[] {1e308}, z);
        assertThat(z[0]).isEqualTo(0.0);
    }

    @Test
    void aWindowSumWhoseRemainingBucketsOverflowReadsAsNull() {
        // buckets of 1 s: -1e308, 1e308, 1e308 sum to 1e308 when applied (accepted); once the first bucket leaves
        // the window, as of T0 + 3 s, the rest sum to 2e308, which no double holds
        ProfileUpdater u = ProfileUpdater.builder(ProfileSchema.fromJson("""
                {"features":[{"name":"w","kind":"window_sum","field":"x","window":"PT3S","buckets":3}]}""")).build();
        u.onEvent(event("e1", "a", T0, Map.of("x", -1e308)));
        u.onEvent(event("e2", "a", T0 + S, Map.of("x", 1e308)));
        u.onEvent(event("e3", "a", T0 + 2 * S, Map.of("x", 1e308)));
        assertThat(u.profile("a", T0 + 2 * S).getDouble("w")).isEqualTo(1e308);
        Profile later = u.profile("a", T0 + 3 * S);
        assertThat(later.get("w")).isNull();
        assertThat(ProfileJson.toJson(later)).doesNotContain("Infinity");
    }

    @Test
    void topKRanksByTrueWeightsWhenThePrintedWeightsUnderflow() {
        // h = 1 s; a at T0, b at T0 + 860 s; as of T0 + 1160 s: a = 2^-1160 (prints 0.0), b = 2^-300
        ProfileUpdater u = ProfileUpdater.builder(ProfileSchema.fromJson("""
                {"features":[{"name":"top","kind":"top_k","field":"v","k":3,"half_life":"PT1S"}]}""")).build();
        u.onEvent(event("e1", "u", T0, Map.of("v", "a")));
        u.onEvent(event("e2", "u", T0 + 860 * S, Map.of("v", "b")));
        List<WeightedValue> top = u.profile("u", T0 + 1160 * S).getTopK("top");
        assertThat(top).containsExactly(new WeightedValue("b", Math.scalb(1.0, -300)), new WeightedValue("a", 0.0));
    }

    @Test
    void asOfTimesOutsideTheYears1To9999AreRefused() {
        ProfileUpdater u = ProfileUpdater.builder(ProfileSchema.fromJson("""
                {"features":[{"name":"since","kind":"recency"}]}""")).build();
        u.onEvent(event("e1", "a", Event.MIN_TIMESTAMP, Map.of()));
        assertThatThrownBy(() -> u.profile("a", Long.MAX_VALUE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("asOf 9223372036854775807 is outside the supported time range, years 1 to 9999"
                        + " (-62135596800000..253402300799999 ms since 1970-01-01T00:00:00Z)");
        assertThatThrownBy(() -> u.profileByKey("a", Event.MAX_TIMESTAMP + 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("253402300800000");
        assertThatThrownBy(() -> u.profile("nobody", Event.MIN_TIMESTAMP - 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-62135596800001");
        // the whole range reads exactly: year 1 to year 9999 is 315537897599999 ms
        assertThat(u.profile("a", Event.MAX_TIMESTAMP).getDouble("since")).isEqualTo(315_537_897_599.999);
        ProfileUpdater ahead = ProfileUpdater.builder(u.schema())
                .clock(Clock.fixed(Instant.ofEpochMilli(Long.MAX_VALUE), ZoneOffset.UTC)).build();
        assertThatThrownBy(() -> ahead.profileNow("a")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the clock reads 9223372036854775807");
    }
}
