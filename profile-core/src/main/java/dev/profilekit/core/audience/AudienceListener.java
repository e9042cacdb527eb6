package dev.profilekit.core.audience;

/**
 * Receives audience changes, per user in event-time order ({@link AudienceChange}). Called on the thread that
 * applies the user's event or fires its timer, under the user's lock: keep it short, and do not call the updater's
 * {@code onEvent} from it.
 */
@FunctionalInterface
public interface AudienceListener {

    /** Handles one change. */
    void onChange(AudienceChange change);
}
