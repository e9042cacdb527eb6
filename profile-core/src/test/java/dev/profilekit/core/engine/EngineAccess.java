package dev.profilekit.core.engine;

import dev.profilekit.core.spi.UserView;

/** Test access to an updater's live states from tests in other packages. */
public final class EngineAccess {

    private EngineAccess() {
    }

    /** The live state of {@code user} as the models see it, or null. */
    public static UserView view(ProfileUpdater updater, String user) {
        return updater.state(user);
    }
}
