package dev.profilekit.core.engine;

import dev.profilekit.core.spi.InvalidEventException;

/**
 * Bounds on what one event may hold, so that no input can exhaust memory: the longest line a reader takes
 * ({@link dev.profilekit.core.io.EventLines}), the longest string of an event (id, type, attribute names
 * and values; {@code user} has the specification's own bound of 256 characters), and the most attributes.
 * An event over a bound is rejected with a reason ({@code LINE_TOO_LONG}, {@code TEXT_TOO_LONG},
 * {@code TOO_MANY_ATTRIBUTES}) and changes nothing.
 *
 * @param maxLineBytes  longest line in bytes, without its line end (default 1 MiB), 1 .. 256 MiB
 * @param maxTextLength longest string in UTF-16 code units (default 4,096), 1 .. {@code maxLineBytes}
 * @param maxAttributes most attributes of one event (default 256), 0 .. 65,536
 */
public record EventLimits(int maxLineBytes, int maxTextLength, int maxAttributes) {

    /** The defaults: 1 MiB lines, 4,096-character strings, 256 attributes. */
    public static final EventLimits DEFAULT = new EventLimits(1 << 20, 4096, 256);

    /** Validates the bounds. */
    public EventLimits {
        if (maxLineBytes < 1 || maxLineBytes > 256 << 20) {
            throw new IllegalArgumentException("maxLineBytes must be in 1..268435456, was " + maxLineBytes);
        }
        if (maxTextLength < 1 || maxTextLength > maxLineBytes) {
            throw new IllegalArgumentException("maxTextLength must be in 1..maxLineBytes (" + maxLineBytes + "), was "
                    + maxTextLength);
        }
        if (maxAttributes < 0 || maxAttributes > 65_536) {
            throw new IllegalArgumentException("maxAttributes must be in 0..65536, was " + maxAttributes);
        }
    }

    /** These limits with another longest line. */
    public EventLimits withMaxLineBytes(int bytes) {
        return new EventLimits(bytes, Math.min(maxTextLength, bytes), maxAttributes);
    }

    /** These limits with another longest string. */
    public EventLimits withMaxTextLength(int length) {
        return new EventLimits(maxLineBytes, length, maxAttributes);
    }

    /** These limits with another attribute count. */
    public EventLimits withMaxAttributes(int count) {
        return new EventLimits(maxLineBytes, maxTextLength, count);
    }

    /**
     * Checks {@code event} against the string and attribute bounds.
     *
     * @throws InvalidEventException with reason {@code TEXT_TOO_LONG} or {@code TOO_MANY_ATTRIBUTES}
     */
    public void check(Event event) {
        if (event.longestText() > maxTextLength) {
            throw new InvalidEventException(InvalidEventException.Reason.TEXT_TOO_LONG, "event '"
                    + abbreviate(event.id()) + "' has a string of " + event.longestText()
                    + " characters; the limit is " + maxTextLength);
        }
        if (event.attributeCount() > maxAttributes) {
            throw new InvalidEventException(InvalidEventException.Reason.TOO_MANY_ATTRIBUTES, "event '"
                    + abbreviate(event.id()) + "' has " + event.attrs().size() + " attributes; the limit is "
                    + maxAttributes);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }
}
