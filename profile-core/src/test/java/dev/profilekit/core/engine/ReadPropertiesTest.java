package dev.profilekit.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.profilekit.core.io.ProfileJson;
import dev.profilekit.core.schema.FeatureSpec;
import dev.profilekit.core.schema.ProfileSchema;
import dev.profilekit.core.spi.InvalidEventException;
import dev.profilekit.core.testkit.HostileArbitraries;
import dev.profilekit.features.streaming.TopKCounter.WeightedValue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Reads under hostile shapes (issue 26): ids distinct only as Java strings stay distinct profiles, and no value
 * read at any supported time is non-finite, whatever the half-lives, gaps and attribute values.
 */
class ReadPropertiesTest {

    private static final long T0 = 1_767_225_600_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Provide
    Arbitrary<List<String>> idStreams() {
        return Arbitraries.oneOf(HostileArbitraries.unicodeDistinctIds(), HostileArbitraries.whitespaceIds())
                .list().ofMinSize(1).ofMaxSize(60);
    }

    @Property(tries = 200)
    void idsDistinctAsJavaStringsStayDistinctProfiles(@ForAll("idStreams") List<String> users) throws Exception {
        ProfileUpdater u = ProfileUpdater.builder(ProfileSchema.builder().feature(FeatureSpec.count("n")).build())
                .build();
        // the reference: "user" is any non-blank string, kept as it is (no normalisation, no trimming)
        Map<String, Long> expected = new TreeMap<>();
        for (int i = 0; i < users.size(); i++) {
            String user = users.get(i);
            boolean accepted;
            try {
                accepted = u.onEvent(Event.of("e" + i, user, "view", T0 + i, Map.of())) == Outcome.ACCEPTED;
            } catch (InvalidEventException e) {
                accepted = false;
            }
            boolean blank = user.chars().allMatch(Character::isWhitespace);
            assertThat(accepted).as("user %s", escape(user)).isEqualTo(!blank);
            if (!blank) {
                expected.merge(user, 1L, Long::sum);
            }
        }
        assertThat(u.users()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        for (Map.Entry<String, Long> e : expected.entrySet()) {
            Profile p = u.profile(e.getKey(), T0 + users.size());
            assertThat(p.getLong("n")).as("user %s", escape(e.getKey())).isEqualTo(e.getValue());
            JsonNode json = JSON.readTree(ProfileJson.toJson(p));
            assertThat(json.get("user").asText()).isEqualTo(e.getKey());
        }
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder();
        s.chars().forEach(c -> b.append(c < 0x7f && c >= 0x20 ? String.valueOf((char) c) : String.format("\\u%04x", c)));
        return b.toString();
    }

    /** One event: user, gap after the previous event (ms), an attribute number and a tag. */
    record Step(String user, long gap, double x, String tag) {
    }

    record Case(Duration halfLife, List<Step> steps, long readGap) {
    }

    @Provide
    Arbitrary<Case> extremeCases() {
        Arbitrary<Step> step = Combinators.combine(Arbitraries.of("a", "b"), HostileArbitraries.longGaps(),
                HostileArbitraries.extremeValues(), Arbitraries.of("p", "q", "r")).as(Step::new);
        return Combinators.combine(HostileArbitraries.extremeHalfLives(), step.list().ofMinSize(1).ofMaxSize(30),
                HostileArbitraries.longGaps()).as(Case::new);
    }

    private static ProfileSchema schema(Duration h) {
        return ProfileSchema.builder()
                .feature(FeatureSpec.decayedCount("fast", h))
                .feature(FeatureSpec.decayedCount("slow", Duration.ofDays(36_525)))
                .feature(FeatureSpec.decayedSum("dsum", "x", h))
                .feature(FeatureSpec.sum("sum", "x"))
                .feature(FeatureSpec.windowSum("wsum", "x", Duration.ofSeconds(3), 3))
                .feature(FeatureSpec.stats("st", "x"))
                .feature(FeatureSpec.recency("since"))
                .feature(FeatureSpec.topK("top", "tag", 3, h))
                .feature(FeatureSpec.sessions("sessions", h))
                .feature(FeatureSpec.ratio("r", "slow", "fast"))
                .feature(FeatureSpec.ratio("r2", "since", "fast"))
                .feature(FeatureSpec.ratio("r3", "dsum", "fast"))
                .feature(FeatureSpec.ratio("r4", "sum", "wsum"))
                .build();
    }

    @Property(tries = 200)
    void everyValueReadAtAnySupportedTimeIsFiniteOrNull(@ForAll("extremeCases") Case c) throws Exception {
        ProfileUpdater u = ProfileUpdater.builder(schema(c.halfLife()))
                .clock(Clock.fixed(Instant.ofEpochMilli(Event.MAX_TIMESTAMP), ZoneOffset.UTC)).build();
        long t = T0;
        long latest = T0;
        int i = 0;
        for (Step s : c.steps()) {
            t = Math.min(Event.MAX_TIMESTAMP, t + s.gap());
            latest = Math.max(latest, t);
            try {
                u.onEvent(Event.of("e" + i++, s.user(), "view", t, Map.of("x", s.x(), "tag", s.tag())));
            } catch (InvalidEventException e) {
                assertThat(e.reason()).isEqualTo(InvalidEventException.Reason.OVERFLOW);
            }
        }
        long[] times = {latest, Math.min(Event.MAX_TIMESTAMP, latest + c.readGap()), Event.MAX_TIMESTAMP};
        for (String user : u.users()) {
            for (long asOf : times) {
                Profile p = u.profile(user, asOf);
                for (Map.Entry<String, Object> e : p.values().entrySet()) {
                    assertFiniteOrNull(e.getKey() + " as of " + asOf, e.getValue());
                }
                assertThat(ProfileJson.toJson(p)).doesNotContain("Infinity").doesNotContain("NaN");
                ProfileState s = u.state(user);
                synchronized (s) {
                    for (FeatureSpec f : u.schema().features()) {
                        double x = u.compiled.reader(f.name()).numeric(s, asOf);
                        assertThat(Double.isInfinite(x)).as("model input %s as of %d: %s", f.name(), asOf, x).isFalse();
                    }
                }
            }
        }
    }

    private static void assertFiniteOrNull(String what, Object v) {
        if (v == null || v instanceof Long) {
            return;
        }
        if (v instanceof Double d) {
            assertThat(Double.isFinite(d)).as("%s: %s", what, d).isTrue();
        } else if (v instanceof StatsValue st) {
            for (double d : new double[] {st.mean(), st.std(), st.min(), st.max()}) {
                assertThat(Double.isFinite(d)).as("%s: %s", what, st).isTrue();
            }
        } else if (v instanceof SessionsValue se) {
            assertThat(se.meanDurationS() == null || Double.isFinite(se.meanDurationS())).as("%s: %s", what, se).isTrue();
        } else if (v instanceof List<?> list) {
            double previous = Double.POSITIVE_INFINITY;
            for (Object o : list) {
                double w = ((WeightedValue) o).weight();
                assertThat(Double.isFinite(w) && w >= 0 && w <= previous).as("%s: %s", what, list).isTrue();
                previous = w;
            }
        } else {
            throw new AssertionError(what + ": unexpected value " + v);
        }
    }
}
