package dev.profilekit.core.schema;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Durations as schemas, models configurations and the command line take them: ISO-8601 durations of days, hours,
 * minutes and seconds ({@code P90D}, {@code PT12H}, {@code P1DT12H}, {@code PT0.5S}), as {@link Duration#parse}
 * reads them. Years and months are not accepted (they have no fixed length), nor weeks; this class words the
 * error so that a newcomer sees what to write instead.
 */
public final class Durations {

    /** A period with years, months or weeks, such as P1Y, P6M, P2W or P1Y2M3D. */
    private static final Pattern CALENDAR = Pattern.compile("[+-]?P(\\d+Y)?(\\d+M)?(\\d+W)?(\\d+D)?(T.*)?");

    private Durations() {
    }

    /**
     * {@code text} as a duration.
     *
     * @throws IllegalArgumentException with a one-line message quoting {@code text} and saying what is accepted
     */
    public static Duration parse(String text) {
        try {
            return Duration.parse(text);
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' " + problem(text), e);
        }
    }

    /**
     * What is wrong with a text {@link Duration#parse} refused, as the end of a sentence starting with the text,
     * e.g. "is not an ISO-8601 duration such as P90D (90 days), PT12H (12 hours) or P1DT6H", plus
     * {@link #calendarNote} for years, months and weeks.
     */
    private static String problem(String text) {
        return "is not an ISO-8601 duration such as P90D (90 days), PT12H (12 hours) or P1DT6H" + calendarNote(text);
    }

    /**
     * For a text with years, months or weeks (P1Y, P6M, P2W): "; years, months and weeks are not accepted (a year
     * and a month have no fixed length): write days, such as P365D, P30D or P14D"; "" for any other text.
     */
    public static String calendarNote(String text) {
        String t = text == null ? "" : text.strip().toUpperCase(Locale.ROOT);
        int time = t.indexOf('T') < 0 ? t.length() : t.indexOf('T');
        String date = t.substring(0, time);
        if (CALENDAR.matcher(t).matches() && (date.contains("Y") || date.contains("M") || date.contains("W"))) {
            return "; years, months and weeks are not accepted (a year and a month have no fixed length): write "
                    + "days, such as P365D, P30D or P14D";
        }
        return "";
    }
}
