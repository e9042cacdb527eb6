package dev.profilekit.core.engine;

/**
 * The supported range of every time the engine takes (event times, "as of" times of reads, the clock): the
 * years 1 to 9999, {@link Event#MIN_TIMESTAMP}..{@link Event#MAX_TIMESTAMP} epoch ms. Inside it, differences of
 * two times (recency, decay ages, window positions) cannot overflow a {@code long} and are exact as doubles.
 */
final class TimeRange {

    private TimeRange() {
    }

    /** Whether {@code ms} lies in the supported range. */
    static boolean contains(long ms) {
        return ms >= Event.MIN_TIMESTAMP && ms <= Event.MAX_TIMESTAMP;
    }

    /**
     * {@code ms}, checked.
     *
     * @param what the time's name in the message, e.g. {@code "asOf"}
     * @throws IllegalArgumentException naming the value and the range when {@code ms} lies outside it
     */
    static long require(String what, long ms) {
        if (!contains(ms)) {
            throw new IllegalArgumentException(what + " " + ms + " is outside the supported time range, years 1 to 9999 ("
                    + Event.MIN_TIMESTAMP + ".." + Event.MAX_TIMESTAMP + " ms since 1970-01-01T00:00:00Z)");
        }
        return ms;
    }
}
