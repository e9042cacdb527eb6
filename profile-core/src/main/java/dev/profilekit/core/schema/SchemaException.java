package dev.profilekit.core.schema;

/** A schema error, raised when a schema is loaded or built; the message names the feature. */
public final class SchemaException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** An error not tied to one feature. */
    public SchemaException(String message) {
        super(message);
    }

    /** An error in feature {@code feature}. */
    public SchemaException(String feature, String problem) {
        super("feature '" + feature + "': " + problem);
    }
}
