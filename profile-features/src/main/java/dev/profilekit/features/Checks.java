package dev.profilekit.features;

/**
 * Argument checks shared by every ProfileKit module. Each failure is an
 * {@link IllegalArgumentException} whose message names the parameter and the offending value,
 * in the style {@code "k must be >= 2, was 1"}.
 */
public final class Checks {

    private Checks() {
    }

    /** Fails with {@code message} (formatted with {@code args}) when {@code condition} is false. */
    public static void requireArgument(boolean condition, String message, Object... args) {
        if (!condition) {
            throw new IllegalArgumentException(args.length == 0 ? message : String.format(message, args));
        }
    }

    /** Returns {@code value}, failing with "{name} must not be null" when it is null. */
    public static <T> T requireNonNull(T value, String name) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        return value;
    }

    /** Returns {@code value}, failing unless it is finite (not NaN, not infinite). */
    public static double requireFinite(double value, String name) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " must be finite, was " + value);
        }
        return value;
    }

    /** Returns {@code value}, failing unless {@code value >= min}. */
    public static int requireAtLeast(int value, int min, String name) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be >= " + min + ", was " + value);
        }
        return value;
    }

    /** Returns {@code value}, failing unless it is finite and {@code > 0}. */
    public static double requirePositive(double value, String name) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be finite and > 0, was " + value);
        }
        return value;
    }
}
