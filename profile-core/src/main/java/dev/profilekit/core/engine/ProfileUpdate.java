package dev.profilekit.core.engine;

import dev.profilekit.core.spi.ModelOutputs;

/**
 * An accepted event as a {@link ProfileListener} sees it. {@link #profile()} evaluates the user's
 * profile as of the latest event applied to it; it is valid only during the listener call.
 */
public interface ProfileUpdate {

    /** The user. */
    String user();

    /** The accepted event. */
    Event event();

    /** The profile after this event, as of the user's latest applied event time. */
    Profile profile();

    /** The scores computed on this event by the live models ({@link ModelOutputs#NONE} without models). */
    ModelOutputs scores();
}
