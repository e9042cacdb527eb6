package dev.profilekit.core.live;

import dev.profilekit.core.spi.UserView;

/**
 * How a live model finds a user it touches outside {@code observe} (to label a pending example when its horizon
 * ends): a user's view can leave the engine's memory (evicted to a backing store) and come back as another view,
 * decoded from the store. A model that kept a view locks it, asks {@link #current} under that lock and, when the
 * view has left, asks {@link #find} (holding no user lock) for the view the user has now, and locks that one.
 */
public interface UserDirectory {

    /** Views never leave while the user has state: every profile lives in memory (no backing store). */
    UserDirectory IN_MEMORY = new UserDirectory() {
        @Override
        public boolean current(UserView view) {
            return true;
        }

        @Override
        public UserView find(String user) {
            return null;
        }
    };

    /** A directory of the two functions: {@link #current} and {@link #find}. */
    static UserDirectory of(java.util.function.Predicate<UserView> current,
                            java.util.function.Function<String, UserView> find) {
        return new UserDirectory() {
            @Override
            public boolean current(UserView view) {
                return current.test(view);
            }

            @Override
            public UserView find(String user) {
                return find.apply(user);
            }
        };
    }

    /** Whether {@code view} is still the user's live view. The caller holds the view's lock. */
    boolean current(UserView view);

    /**
     * The user's live view now, loaded from the backing store if needed, or null when the user has no state (never
     * seen, forgotten or expired). The caller holds no user lock; the view may leave again before the caller locks
     * it, so the caller asks {@link #current} again under the lock.
     */
    UserView find(String user);
}
