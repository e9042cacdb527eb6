package dev.profilekit.core.engine;

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
        BAD_ATTRIBUTE
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
