package dev.profilekit.core;

/**
 * The mutable state of one user's profile, as a {@link ProfileStore} holds it: primitive arrays laid
 * out by the compiled schema, a few objects for the non-scalar features, and the duplicate and lateness
 * bookkeeping. Its contents are private to the engine; a store only keeps and returns the object.
 * All access goes through {@link ProfileUpdater}, which locks the state object itself.
 */
public final class ProfileState {

    final String user;
    final long[] longs;
    final double[] doubles;
    final Object[] objects;
    final SeenIds seen = new SeenIds();
    /** Largest time of the user's accepted events (Long.MIN_VALUE: none). */
    long maxAccepted = Long.MIN_VALUE;
    /** Largest time of the events applied to the features (Long.MIN_VALUE: none). */
    long maxApplied = Long.MIN_VALUE;
    /** Number of accepted events. */
    long accepted;

    ProfileState(String user, int longSlots, int doubleSlots, int objectSlots) {
        this.user = user;
        this.longs = new long[longSlots];
        this.doubles = new double[doubleSlots];
        this.objects = new Object[objectSlots];
    }

    /** The user this state belongs to. */
    public String user() {
        return user;
    }
}
