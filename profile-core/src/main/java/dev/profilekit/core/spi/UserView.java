package dev.profilekit.core.spi;

/**
 * What a {@link LiveModel} sees of one user: the user's id, the time of the latest event applied to the
 * profile, and (through {@link FeatureReader}s) the profile's feature values. Implemented by the engine's
 * per-user state. A view is valid only while the caller holds the user's lock: the engine calls
 * {@link LiveModel#observe} and {@link LiveModel#score} under it, and a model that touches a user later
 * (to label a pending example) synchronises on the view object itself, which is that lock.
 */
public interface UserView {

    /** The user id. */
    String user();

    /** Time (epoch ms) of the latest event applied to the profile, {@link Long#MIN_VALUE} when none. */
    long latestTime();

    /** The live models' per-user state ({@link LiveModel#newUserState()}), or null without models. */
    Object modelState();
}
