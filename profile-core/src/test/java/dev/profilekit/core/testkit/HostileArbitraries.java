package dev.profilekit.core.testkit;

import java.time.Duration;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/**
 * Generators for the input shapes of issue 26's hostile round: ids that differ only in ways a normaliser or a
 * trimmer would erase, extreme half-lives with long gaps, and subnormal or huge attribute values.
 */
public final class HostileArbitraries {

    private HostileArbitraries() {
    }

    /**
     * Ids distinct as Java strings but alike to a reader: NFC and NFD forms, a combining mark, zero-width
     * joiners and non-joiners, full-width digits, right-to-left and left-to-right marks, a BOM character.
     */
    public static Arbitrary<String> unicodeDistinctIds() {
        return Arbitraries.of(
                "\u00e9", "e\u0301",                 // é precomposed (NFC) and decomposed (NFD)
                "a", "a\u0301", "a\u0301\u0301",     // differing only by combining marks
                "ab", "a\u200db", "a\u200cb",        // zero-width joiner, non-joiner
                "1", "\uff11", "\u0661",             // digit one: ASCII, full-width, Arabic-Indic
                "\u200fab", "ab\u200e",              // right-to-left mark, left-to-right mark
                "\ufeffab", "\u212b", "\u00c5",      // a BOM inside the id; Ångström sign and Å
                "\ud835\udc00", "A");                // mathematical bold A (astral) and A
    }

    /**
     * Ids with whitespace that must be kept byte for byte: leading or trailing spaces and tabs, no-break and
     * em spaces, and ids that are only whitespace (blank ones are rejected by the event rules, a lone NBSP is
     * not blank to {@link String#isBlank()}).
     */
    public static Arbitrary<String> whitespaceIds() {
        return Arbitraries.of("pad", " pad", "pad ", "  pad", "\tpad", "pad\t", "pad\u00a0", "\u00a0pad",
                "p ad", "pad\u2003", " ", "\t", "  ", "\u00a0", "\u2007", "\u202f", "\u3000");
    }

    /** Half-lives from 1 ms (below the schema's PT0.001S is impossible) to 100 years (P36525D). */
    public static Arbitrary<Duration> extremeHalfLives() {
        return Arbitraries.oneOf(
                Arbitraries.of(1L, 1_000L, 3_600_000L, 86_400_000L, 36_525L * 86_400_000L),
                Arbitraries.longs().between(1, 36_525L * 86_400_000L)).map(Duration::ofMillis);
    }

    /** Gaps between events in ms: none, a few ms, about a thousand seconds, days, and up to a thousand years. */
    public static Arbitrary<Long> longGaps() {
        return Arbitraries.oneOf(Arbitraries.longs().between(0, 5),
                Arbitraries.of(860_000L, 1_030_000L, 1_074_000L, 1_160_000L, 86_400_000L),
                Arbitraries.longs().between(0, 1_000L * 365 * 86_400_000L));
    }

    /** Attribute numbers at the ends of the double range: subnormals, signed zeros, near Double.MAX_VALUE. */
    public static Arbitrary<Double> extremeValues() {
        return Arbitraries.oneOf(Arbitraries.doubles().between(-1000, 1000),
                Arbitraries.of(Double.MIN_VALUE, 4.9e-324, -4.9e-324, Double.MIN_NORMAL, 2.2250738585072009e-308,
                        -0.0, 0.0, 1.0, Double.MAX_VALUE, -Double.MAX_VALUE, Math.nextDown(Double.MAX_VALUE),
                        1.7e308, -1.7e308, 1e300, 1e-300));
    }
}
