package dev.profilekit.features.codec;

/**
 * Encoded state that cannot be decoded: truncated, corrupted, of another format version or of another schema.
 * The message says what was wrong and at which byte offset.
 */
public final class StateFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public StateFormatException(String message) {
        super(message);
    }

    public StateFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
