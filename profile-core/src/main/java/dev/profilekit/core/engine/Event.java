package dev.profilekit.core.engine;

import dev.profilekit.core.spi.InvalidEventException;
import dev.profilekit.features.hash.KeyedHash;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One user event: an id, the user, a type, a time (epoch milliseconds) and optional attributes whose
 * values are strings, finite numbers or booleans. Immutable and validated on construction by the
 * rules of the profile specification; a violation raises {@link InvalidEventException}.
 *
 * <p>Numbers are held as {@link Double} whatever their Java type, so an attribute {@code 25} and
 * {@code 25.0} mean the same; integers beyond 2^53 lose precision.
 */
public final class Event {

    /** Longest allowed user id, in characters (Unicode code points). */
    public static final int MAX_USER_LENGTH = 256;
    /** Earliest allowed time: 0001-01-01T00:00:00Z. */
    public static final long MIN_TIMESTAMP = -62_135_596_800_000L;
    /** Latest allowed time: 9999-12-31T23:59:59.999Z. */
    public static final long MAX_TIMESTAMP = 253_402_300_799_999L;

    private final String id;
    private final String user;
    private final String type;
    private final long timestamp;
    private final Map<String, Object> attrs;
    /** The length of the longest string of the event (id, user, type, attribute names and values). */
    private final int longestText;
    /** {@link KeyedHash} of {@link #user}, computed once here while the string is read. */
    private final int userHash;
    private final int attributeCount;

    private Event(String id, String user, String type, long timestamp, Map<String, Object> attrs) {
        this.id = requireText("id", id);
        this.user = requireText("user", user);
        int longest = Math.max(validUnicode("id", id), validUnicode("user", user));
        if (user.codePointCount(0, user.length()) > MAX_USER_LENGTH) {
            throw new InvalidEventException(InvalidEventException.Reason.USER_TOO_LONG,
                    "field 'user' must have at most " + MAX_USER_LENGTH + " characters, had "
                            + user.codePointCount(0, user.length()));
        }
        this.type = requireText("type", type);
        longest = Math.max(longest, validUnicode("type", type));
        for (Map.Entry<String, Object> e : attrs.entrySet()) {
            longest = Math.max(longest, validUnicode("attribute name", e.getKey()));
            if (e.getValue() instanceof String v) {
                longest = Math.max(longest, validUnicode("attribute '" + e.getKey() + "'", v));
            }
        }
        this.longestText = longest;
        this.userHash = KeyedHash.hash(user);
        this.attributeCount = attrs.size();
        if (timestamp < MIN_TIMESTAMP || timestamp > MAX_TIMESTAMP) {
            throw new InvalidEventException(InvalidEventException.Reason.BAD_TIMESTAMP,
                    "field 'ts' must lie between years 1 and 9999 (" + MIN_TIMESTAMP + ".." + MAX_TIMESTAMP
                            + " ms), was " + timestamp);
        }
        this.timestamp = timestamp;
        this.attrs = attrs;
    }

    /**
     * Checks that {@code value} is valid Unicode (no lone UTF-16 surrogate, which no UTF-8 output could
     * hold) and returns its length.
     */
    private static int validUnicode(String what, String value) {
        int n = value.length();
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(value.charAt(i + 1))) {
                    i++;
                } else {
                    throw new InvalidEventException(InvalidEventException.Reason.BAD_TEXT, what
                            + " is not valid Unicode: a lone surrogate U+" + Integer.toHexString(c).toUpperCase()
                            + " at index " + i);
                }
            }
        }
        return n;
    }

    private static String requireText(String field, String value) {
        if (value == null) {
            throw new InvalidEventException(InvalidEventException.Reason.MISSING_FIELD,
                    "field '" + field + "' is missing");
        }
        if (value.isBlank()) {
            throw new InvalidEventException(InvalidEventException.Reason.BLANK_FIELD,
                    "field '" + field + "' must not be blank, was \"" + value + "\"");
        }
        return value;
    }

    /** This event with another user and attributes (pseudonymisation, attribute allow-list). */
    Event with(String newUser, Map<String, Object> newAttrs) {
        return new Event(id, newUser, type, timestamp, newAttrs);
    }

    /**
     * An event with the given attributes. Values must be strings, finite numbers or booleans. When
     * {@code attrs} is already an immutable map ({@link Map#of}, {@link Map#copyOf}) whose numbers are
     * {@link Double}s, it is shared rather than copied, so hosts that reuse attribute maps pay nothing.
     */
    public static Event of(String id, String user, String type, long timestampMs, Map<String, ?> attrs) {
        if (attrs == null || attrs.isEmpty()) {
            return new Event(id, user, type, timestampMs, Map.of());
        }
        boolean normalised = true;
        for (Map.Entry<String, ?> e : attrs.entrySet()) {
            Object v = e.getValue();
            if (v instanceof Double d) {
                if (!Double.isFinite(d)) {
                    normalised = false; // let the builder report it
                }
            } else if (!(v instanceof String) && !(v instanceof Boolean)) {
                normalised = false;
            }
        }
        if (!normalised) {
            return builder(id, user, type, timestampMs).attrs(attrs).build();
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> shared = (Map<String, Object>) Map.copyOf(attrs);
        return new Event(id, user, type, timestampMs, shared);
    }

    /** Starts an event at {@code timestampMs} epoch milliseconds. */
    public static Builder builder(String id, String user, String type, long timestampMs) {
        return new Builder(id, user, type, timestampMs);
    }

    /**
     * Starts an event at {@code timestamp}. Event times are epoch milliseconds: an instant with a finer
     * precision (such as {@code Instant.now()} on most JVMs) is truncated towards the past to its millisecond,
     * so {@code 10:15:00.123456789Z} becomes {@code 10:15:00.123Z} (and an instant before 1970 truncates to the
     * earlier millisecond too).
     */
    public static Builder builder(String id, String user, String type, Instant timestamp) {
        if (timestamp == null) {
            throw new InvalidEventException(InvalidEventException.Reason.MISSING_FIELD, "field 'ts' is missing");
        }
        long ms;
        try {
            ms = timestamp.truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toEpochMilli();
        } catch (ArithmeticException e) {
            throw new InvalidEventException(InvalidEventException.Reason.BAD_TIMESTAMP,
                    "field 'ts' is out of range, was " + timestamp);
        }
        return new Builder(id, user, type, ms);
    }

    /** The event id (with the user, it identifies the event). */
    public String id() {
        return id;
    }

    /** The user id. */
    public String user() {
        return user;
    }

    /** The event type, e.g. {@code "purchase"}. */
    public String type() {
        return type;
    }

    /** The event time, epoch milliseconds. */
    public long timestamp() {
        return timestamp;
    }

    /** The attributes (immutable): values are {@link String}, {@link Double} or {@link Boolean}. */
    public Map<String, Object> attrs() {
        return attrs;
    }

    /** The attribute {@code name}, or null when absent. */
    public Object attr(String name) {
        return attrs.get(name);
    }

    /** The keyed hash of {@link #user()} (see {@link KeyedHash}): the engine's tables are placed by it. */
    int userHash() {
        return userHash;
    }

    /** Number of attributes (the size of {@link #attrs()}, kept so that checking it reads no map). */
    int attributeCount() {
        return attributeCount;
    }

    /** The length, in UTF-16 code units, of the event's longest string (id, user, type, attribute names and values). */
    public int longestText() {
        return longestText;
    }

    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof Event e && timestamp == e.timestamp && id.equals(e.id)
                && user.equals(e.user) && type.equals(e.type) && attrs.equals(e.attrs);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, user, type, timestamp, attrs);
    }

    @Override
    public String toString() {
        return "Event{id=" + id + ", user=" + user + ", type=" + type + ", ts=" + timestamp + ", attrs=" + attrs + '}';
    }

    /** Collects attributes, then validates everything in {@link #build()}. */
    public static final class Builder {
        private final String id;
        private final String user;
        private final String type;
        private final long timestamp;
        /** Name, value pairs in order of first appearance (a later value of a name replaces the earlier one). */
        private Object[] pairs = new Object[8];
        private int count;
        /** Position of each name once there are many. */
        private Map<String, Integer> index;

        private Builder(String id, String user, String type, long timestamp) {
            this.id = id;
            this.user = user;
            this.type = type;
            this.timestamp = timestamp;
        }

        /** Adds a string attribute. */
        public Builder attr(String name, String value) {
            return put(name, value);
        }

        /** Adds a number attribute; it must be finite. */
        public Builder attr(String name, double value) {
            return put(name, value);
        }

        /** Adds a boolean attribute. */
        public Builder attr(String name, boolean value) {
            return put(name, value);
        }

        /** Adds every entry of {@code values}; each must be a String, a finite Number or a Boolean. */
        public Builder attrs(Map<String, ?> values) {
            if (values != null) {
                values.forEach(this::put);
            }
            return this;
        }

        private Builder put(String name, Object value) {
            if (name == null) {
                throw new InvalidEventException(InvalidEventException.Reason.BAD_ATTRIBUTE,
                        "attribute names must not be null");
            }
            if (value == null) {
                throw new InvalidEventException(InvalidEventException.Reason.BAD_ATTRIBUTE,
                        "attribute '" + name + "' is null; values must be strings, finite numbers or booleans");
            }
            if (value instanceof Number n) {
                double d = n.doubleValue();
                if (!Double.isFinite(d)) {
                    throw new InvalidEventException(InvalidEventException.Reason.BAD_ATTRIBUTE,
                            "attribute '" + name + "' must be a finite number, was " + value);
                }
                value = d;
            } else if (!(value instanceof String) && !(value instanceof Boolean)) {
                throw new InvalidEventException(InvalidEventException.Reason.BAD_ATTRIBUTE,
                        "attribute '" + name + "' must be a string, a finite number or a boolean, was "
                                + value.getClass().getSimpleName());
            }
            if (index != null) {
                Integer at = index.putIfAbsent(name, count);
                if (at != null) {
                    pairs[2 * at + 1] = value;
                    return this;
                }
            } else {
                for (int k = 0; k < count; k++) {
                    if (pairs[2 * k].equals(name)) {
                        pairs[2 * k + 1] = value;
                        return this;
                    }
                }
                if (count == 16) { // many attributes: find names by hash from now on, not by a scan
                    index = new java.util.HashMap<>();
                    for (int k = 0; k <= count; k++) {
                        index.put(k < count ? (String) pairs[2 * k] : name, k);
                    }
                }
            }
            if (2 * count + 2 > pairs.length) {
                pairs = java.util.Arrays.copyOf(pairs, pairs.length * 2);
            }
            pairs[2 * count] = name;
            pairs[2 * count + 1] = value;
            count++;
            return this;
        }

        /** Validates and builds the event. */
        public Event build() {
            return new Event(id, user, type, timestamp, immutable());
        }

        /** The attributes as an immutable map, built straight from the pairs for the usual few of them. */
        @SuppressWarnings("unchecked")
        private Map<String, Object> immutable() {
            Object[] p = pairs;
            return switch (count) {
                case 0 -> Map.of();
                case 1 -> Map.of((String) p[0], p[1]);
                case 2 -> Map.of((String) p[0], p[1], (String) p[2], p[3]);
                case 3 -> Map.of((String) p[0], p[1], (String) p[2], p[3], (String) p[4], p[5]);
                case 4 -> Map.of((String) p[0], p[1], (String) p[2], p[3], (String) p[4], p[5], (String) p[6], p[7]);
                default -> {
                    Map.Entry<String, Object>[] entries = new Map.Entry[count];
                    for (int k = 0; k < count; k++) {
                        entries[k] = Map.entry((String) p[2 * k], p[2 * k + 1]);
                    }
                    yield Map.ofEntries(entries);
                }
            };
        }
    }
}
