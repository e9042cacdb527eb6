package dev.profilekit.core.engine;

import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Where {@link ProfileUpdater} keeps profile states, one per user. Implementations must be safe for
 * concurrent use and must return the same state object for a user for as long as they hold it (the
 * updater locks that object). The default is {@link ProfileStores#inMemory()}.
 */
public interface ProfileStore {

    /** The state of {@code user}, or null if there is none. */
    ProfileState get(String user);

    /** The state of {@code user}, created with {@code factory} (at most once per user) when absent. */
    ProfileState getOrCreate(String user, Function<String, ProfileState> factory);

    /**
     * As {@link #getOrCreate(String, Function)}, with the user's {@link dev.profilekit.features.hash.KeyedHash}
     * already computed (an {@link Event} carries it), for stores that hash users; others ignore it.
     */
    default ProfileState getOrCreate(String user, int keyedHash, Function<String, ProfileState> factory) {
        return getOrCreate(user, factory);
    }

    /** Calls {@code action} for each user and state (weakly consistent under concurrent updates). */
    void forEach(BiConsumer<String, ProfileState> action);

    /** Number of users held. */
    int size();
}
