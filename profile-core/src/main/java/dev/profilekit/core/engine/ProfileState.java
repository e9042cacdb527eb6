package dev.profilekit.core.engine;

import dev.profilekit.features.hash.KeyedHash;

/**
 * The handle of one user's profile, as the updater's table holds it: the user's stripe of doubles, laid out by
 * the compiled schema for every scalar feature (counts and times are exact in a double below 2^53, which event
 * times always are), at {@code base} in {@code page} of the shared {@link Stripes} slab (or in a private page of
 * one stripe while the state is outside the table); a few objects for the non-scalar features; and the duplicate
 * and lateness bookkeeping. A feature's value slot {@code at} is {@code page[base + at]}. Its contents are private
 * to the engine; a store only keeps and returns the object. All access goes through {@link ProfileUpdater}, which
 * locks the state object.
 */
final class ProfileState extends SeenIds implements KernelState {

    final String user;
    final int userHash;
    /** The page holding this user's stripe: a page of the slab, or a private one of one stripe. Guarded by the lock. */
    double[] page;
    /** Where the stripe starts in {@link #page}. Guarded by the lock. */
    int base;
    /** The slab slot of the stripe, or -1 while the stripe is in a private page. Guarded by the lock. */
    int slot = -1;
    final Object[] objects;
    /** Largest time of the user's accepted events (Long.MIN_VALUE: none). */
    long maxAccepted = Long.MIN_VALUE;
    /** Largest time of the events applied to the features (Long.MIN_VALUE: none). */
    long maxApplied = Long.MIN_VALUE;
    /** Number of accepted events. */
    long accepted;
    /** Per-user state of the live models, or null without models. */
    Object live;
    /** The user's audience memberships and timer ({@link AudienceBook}), or null without audiences. */
    Object audiences;
    /** Changed since it was last written to the backing store. Guarded by the lock. */
    boolean dirty;
    /** Left the updater's table (evicted, expired or forgotten): a thread that finds this under the lock retries. */
    boolean evicted;
    /** Read or written since the CLOCK hand last passed (a racy hint). */
    boolean referenced;
    /**
     * The snapshot epoch this state was made in or last preserved for ({@link CopyOnWriteCut}): a running snapshot
     * with a later epoch keeps the state's encoding before it changes. Guarded by the lock.
     */
    int epoch;
    /** The state's encoding as of the running snapshot's cut, until the snapshot's writer takes it. Guarded by the lock. */
    byte[] preImage;

    /** A state without a stripe yet: {@link Stripes#attach(ProfileState, double[], int)} gives it one. */
    ProfileState(String user, int objectSlots) {
        this.user = user;
        this.userHash = KeyedHash.hash(user);
        this.objects = objectSlots == 0 ? EMPTY : new Object[objectSlots];
    }

    /** A state whose stripe is a private copy of {@code initial} (until {@link Stripes#attach}). */
    ProfileState(String user, double[] initial, int objectSlots) {
        this.user = user;
        this.userHash = KeyedHash.hash(user);
        this.page = initial.clone();
        this.objects = objectSlots == 0 ? EMPTY : new Object[objectSlots];
    }

    private static final Object[] EMPTY = new Object[0];

    @Override
    String keyOwner() {
        return user;
    }

    /** The user this state belongs to. */
    @Override
    public String user() {
        return user;
    }

    @Override
    public long latestTime() {
        return maxApplied;
    }

    @Override
    public Object modelState() {
        return live;
    }
}
