package dev.profilekit.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.profilekit.core.io.ProfileJson;
import dev.profilekit.core.schema.FeatureSpec;
import dev.profilekit.core.schema.ProfileSchema;
import dev.profilekit.core.spi.InvalidEventException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Random hostile streams (duplicates, late events, events far in the future, extreme numbers, odd and
 * invalid strings) against a plain reference model of the specification written here from its text, and
 * against the invariants of issue 11: every line is accepted, duplicate, late or rejected; no value is ever
 * non-finite; a rejected event changes nothing.
 */
class HostileStreamPropertiesTest {

    private static final long T0 = 1_767_225_600_000L;
    private static final long LATENESS = 3_600_000L;
    private static final Instant NOW = Instant.ofEpochMilli(T0 + 30 * 86_400_000L);
    private static final long SKEW = 86_400_000L;

    private static ProfileSchema schema() {
        return ProfileSchema.builder().allowedLateness(Duration.ofMillis(LATENESS))
                .feature(FeatureSpec.count("n"))
                .feature(FeatureSpec.sum("total", "x"))
                .feature(FeatureSpec.firstSeen("first"))
                .feature(FeatureSpec.lastValue("last_tag", "tag"))
                .feature(FeatureSpec.distinctCount("tags", "tag"))
                .build();
    }

    /** One line of the stream: the parts of an event, which may not even make a valid event. */
    record Line(String id, String user, long t, Double x, String tag) {
    }

    @Provide
    Arbitrary<List<Line>> streams() {
        Arbitrary<String> ids = Arbitraries.integers().between(0, 40).map(i -> "e" + i);
        Arbitrary<String> users = Arbitraries.of("a", "b", "Aa", "BB", "\ud83d\ude00", "u\ud800", "");
        Arbitrary<Long> offsets = Arbitraries.oneOf(
                Arbitraries.longs().between(-2 * LATENESS, 6 * LATENESS),   // in order, out of order, late
                Arbitraries.of(40L * 86_400_000L, 1_000L * 365 * 86_400_000L)); // beyond the allowed skew
        Arbitrary<Double> numbers = Arbitraries.oneOf(
                Arbitraries.doubles().between(-1000, 1000),
                Arbitraries.of(1e308, -1e308, Double.MAX_VALUE, 4.9e-324, 0.0, -0.0, 1e300));
        Arbitrary<String> tags = Arbitraries.oneOf(Arbitraries.strings().withCharRange('a', 'e').ofMaxLength(2),
                Arbitraries.of("\ud800", "x\udc00", "\ud83d\ude00", "t".repeat(5000)));
        Arbitrary<Line> line = Combinators.combine(ids, users, offsets, numbers.injectNull(0.3), tags.injectNull(0.3))
                .as((id, user, off, x, tag) -> new Line(id, user, T0 + off, x, tag));
        return line.list().ofMinSize(1).ofMaxSize(120);
    }

    /** The specification, naively: per user, the accepted events in arrival order. */
    static final class Reference {
        final Map<String, List<Line>> accepted = new TreeMap<>();
        final Map<String, Set<String>> ids = new HashMap<>();
        final Map<String, Long> max = new HashMap<>();
        long acceptedCount;
        long duplicates;
        long late;
        long rejected;

        /** Applies one line by the rules; returns the outcome, or null when rejected. */
        Outcome offer(Line l) {
            if (l.user().isEmpty() || !validUnicode(l.user()) || (l.tag() != null
                    && (!validUnicode(l.tag()) || l.tag().length() > EventLimits.DEFAULT.maxTextLength()))
                    || l.t() > NOW.toEpochMilli() + SKEW) {
                rejected++;
                return null;
            }
            Set<String> seen = ids.computeIfAbsent(l.user(), u -> new HashSet<>());
            Long m = max.get(l.user());
            if (seen.contains(l.id())) {
                duplicates++;
                return Outcome.DUPLICATE;
            }
            if (m != null && l.t() < m - LATENESS) {
                late++;
                return Outcome.LATE;
            }
            List<Line> list = accepted.computeIfAbsent(l.user(), u -> new ArrayList<>());
            if (l.x() != null) {
                double total = 0;
                for (Line a : list) {
                    if (a.x() != null) {
                        total += a.x();
                    }
                }
                if (!Double.isFinite(total + l.x())) {
                    rejected++;
                    if (list.isEmpty()) {
                        accepted.remove(l.user());
                    }
                    return null;
                }
            }
            list.add(l);
            seen.add(l.id());
            max.put(l.user(), m == null ? l.t() : Math.max(m, l.t()));
            acceptedCount++;
            return Outcome.ACCEPTED;
        }

        static boolean validUnicode(String s) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else if (Character.isSurrogate(c)) {
                    return false;
                }
            }
            return true;
        }
    }

    private static Event event(Line l) {
        Map<String, Object> attrs = new HashMap<>();
        if (l.x() != null) {
            attrs.put("x", l.x());
        }
        if (l.tag() != null) {
            attrs.put("tag", l.tag());
        }
        return Event.of(l.id(), l.user(), "view", l.t(), attrs);
    }

    @Property(tries = 300)
    void theEngineAgreesWithTheReferenceAndKeepsItsInvariants(@ForAll("streams") @Size(max = 120) List<Line> stream) {
        ProfileUpdater u = ProfileUpdater.builder(schema()).dedupRetention(DedupRetention.ALL)
                .clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
        Reference ref = new Reference();
        long rejected = 0;
        for (Line l : stream) {
            Outcome expected = ref.offer(l);
            Outcome got;
            try {
                got = u.onEvent(event(l));
            } catch (InvalidEventException e) {
                got = null;
                rejected++;
            }
            assertThat(got).as("line %s", l).isEqualTo(expected);
        }
        ProfileUpdater.Counts c = u.counts();
        assertThat(c.accepted() + c.duplicate() + c.late() + rejected).isEqualTo(stream.size());
        assertThat(c.accepted()).isEqualTo(ref.acceptedCount);
        assertThat(c.duplicate()).isEqualTo(ref.duplicates);
        assertThat(c.late()).isEqualTo(ref.late);
        assertThat(rejected).isEqualTo(ref.rejected);
        assertThat(u.users()).containsExactlyElementsOf(ref.accepted.keySet());
        long asOf = NOW.toEpochMilli() + SKEW;
        for (Map.Entry<String, List<Line>> e : ref.accepted.entrySet()) {
            List<Line> acc = e.getValue();
            Profile p = u.profile(e.getKey(), asOf);
            assertThat(p.getLong("n")).isEqualTo(acc.size());
            double total = 0;
            long first = Long.MAX_VALUE;
            Line last = null;
            Set<String> tags = new HashSet<>();
            for (Line a : acc) {
                if (a.x() != null) {
                    total += a.x();
                }
                first = Math.min(first, a.t());
                if (a.tag() != null) {
                    tags.add(a.tag());
                    if (last == null || a.t() >= last.t()) {
                        last = a;
                    }
                }
            }
            assertThat(p.getDouble("total")).isEqualTo(total);
            assertThat(p.getLong("first")).isEqualTo(first);
            assertThat(p.get("last_tag")).isEqualTo(last == null ? null : last.tag());
            assertThat(p.getLong("tags")).isEqualTo(tags.size());
            String json = ProfileJson.toJson(p);
            assertThat(json).doesNotContain("Infinity").doesNotContain("NaN");
        }
    }
}
