package dev.profilekit.core.engine;

import dev.profilekit.core.spi.LiveModel;
import dev.profilekit.core.spi.ModelOutputs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each applied event to the updater's {@link ProfileListener}s, after the user's lock is released, as a
 * {@link ProfileUpdate} whose profile and scores are read under the lock when asked for. A listener that throws is
 * logged and the others still run; a listener must not call {@link ProfileUpdater#onEvent} (it would recurse), which
 * {@link #checkNotInListener} refuses. Thread-safe.
 */
final class ListenerDispatch {

    /** Listener failures are logged under the updater's name, where hosts look for them. */
    private static final Logger LOG = LoggerFactory.getLogger(ProfileUpdater.class);

    private final ProfileListener[] listeners;
    private final CompiledSchema compiled;
    /** The live models, or null without models. */
    private final LiveModel<?> live;

    ListenerDispatch(java.util.List<ProfileListener> listeners, CompiledSchema compiled, LiveModel<?> live) {
        this.listeners = listeners.toArray(new ProfileListener[0]);
        this.compiled = compiled;
        this.live = live;
    }

    /** Whether any listener is registered. */
    boolean any() {
        return listeners.length > 0;
    }

    /** Refuses {@link ProfileUpdater#onEvent} called from a listener on this thread. */
    void checkNotInListener(Event event) {
        if (listeners.length > 0 && IN_LISTENER.get() == Boolean.TRUE) {
            throw new IllegalStateException("a ProfileListener must not call onEvent (event '" + event.id()
                    + "'): hand the event to another thread instead");
        }
    }

    /** The live models' view of {@code s} as of {@code asOf}, with the current versions. Caller holds the lock. */
    private ModelOutputs outputs(ProfileState s, long asOf) {
        return live == null ? ModelOutputs.NONE : live.score(s, asOf);
    }

    void notifyListeners(ProfileState s, Event event) {
        ProfileUpdate update = new ProfileUpdate() {
            @Override
            public String user() {
                return s.user;
            }

            @Override
            public Event event() {
                return event;
            }

            @Override
            public Profile profile() {
                synchronized (s) {
                    return new Profile(s.user, s.maxApplied, compiled.read(s, s.maxApplied), outputs(s, s.maxApplied));
                }
            }

            @Override
            public ModelOutputs scores() {
                if (live == null) {
                    return ModelOutputs.NONE;
                }
                synchronized (s) {
                    return live.lastScores(s);
                }
            }
        };
        IN_LISTENER.set(Boolean.TRUE);
        try {
            for (ProfileListener l : listeners) {
                try {
                    l.onUpdate(update);
                } catch (RuntimeException e) {
                    LOG.warn("profile listener {} failed on event {} of user {}", l, event.id(), s.user, e);
                }
            }
        } finally {
            IN_LISTENER.set(Boolean.FALSE);
        }
    }

    /** Set while this thread runs listeners: they must not call {@link ProfileUpdater#onEvent} (it would recurse). */
    private static final ThreadLocal<Boolean> IN_LISTENER = ThreadLocal.withInitial(() -> Boolean.FALSE);
}
