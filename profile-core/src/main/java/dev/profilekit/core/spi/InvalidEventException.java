package dev.profilekit.core.spi;

/**
 * An event that breaks a rule of the profile specification. It carries a machine-readable
 * {@link Reason} and a message that says what was wrong and where (field, value). An invalid event
 * changes nothing.
 */
public final class InvalidEventException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why an event was rejected. */
    public enum Reason {
        /** The line is not valid JSON (also NaN/Infinity tokens, trailing text, duplicate keys). */
        NOT_JSON,
        /** The JSON value is not an object. */
        NOT_OBJECT,
        /** A required field ({@code id}, {@code user}, {@code type}, {@code ts}) is absent or null. */
        MISSING_FIELD,
        /** A field has the wrong JSON type. */
        WRONG_TYPE,
        /** {@code id}, {@code user} or {@code type} is empty or only white space. */
        BLANK_FIELD,
        /** {@code user} is longer than 256 characters. */
        USER_TOO_LONG,
        /** {@code ts} is not integer epoch ms nor an ISO-8601 instant with seconds and an explicit offset. */
        BAD_TIMESTAMP,
        /** An attribute value is null, an object, an array, or a number that is not finite. */
        BAD_ATTRIBUTE,
        /** A string (id, user, type, attribute name or value) is not valid Unicode: it holds a lone surrogate. */
        BAD_TEXT,
        /** The line is not valid UTF-8. */
        NOT_UTF8,
        /** The line is longer than the limit ({@link dev.profilekit.core.engine.EventLimits#maxLineBytes()}); it was not read into memory. */
        LINE_TOO_LONG,
        /** A string of the event is longer than {@link dev.profilekit.core.engine.EventLimits#maxTextLength()}. */
        TEXT_TOO_LONG,
        /** The event has more attributes than {@link dev.profilekit.core.engine.EventLimits#maxAttributes()}. */
        TOO_MANY_ATTRIBUTES,
        /**
         * The event is dated more than the schema's {@code max_future_skew} ahead of the updater's clock. It
         * moves nothing: no profile, no duplicate or lateness state, no model.
         */
        TOO_FAR_AHEAD,
        /** Applying the event would make a feature value, a model input or a model weight non-finite. */
        OVERFLOW,
        /** A CSV row is malformed: more or fewer cells than the header, or broken quoting. */
        BAD_CSV
    }

    private final Reason reason;

    /** An exception with a reason and a message naming the field and the value. */
    public InvalidEventException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** The reason code. */
    public Reason reason() {
        return reason;
    }
}
