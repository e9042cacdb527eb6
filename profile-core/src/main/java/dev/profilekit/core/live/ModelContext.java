package dev.profilekit.core.live;

import dev.profilekit.core.spi.FeatureAccess;
import dev.profilekit.core.spi.UserView;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntSupplier;

/**
 * What the engine gives a live model it builds ({@link ModelPlugin#create}): the schema as models read it, where
 * background work runs, the number of users, the model's own per-user state in a user's view, and the listeners.
 */
public final class ModelContext {

    private final FeatureAccess schema;
    private final Executor background;
    private final IntSupplier users;
    private final Function<UserView, Object> userState;
    private final Consumer<UserView> beforeChange;
    private final Consumer<LabelledExample> exampleListener;
    private final Map<Class<?>, Consumer<?>> versionListeners;
    private final UserDirectory directory;

    /** A context whose users' views never leave memory ({@link UserDirectory#IN_MEMORY}); see the full constructor. */
    public ModelContext(FeatureAccess schema, Executor background, IntSupplier users,
                        Function<UserView, Object> userState, Consumer<UserView> beforeChange,
                        Consumer<LabelledExample> exampleListener, Map<Class<?>, Consumer<?>> versionListeners) {
        this(schema, background, users, userState, beforeChange, exampleListener, versionListeners,
                UserDirectory.IN_MEMORY);
    }

    /**
     * A context.
     *
     * @param userState        this model's per-user state (what its {@code newUserState()} made) in a user's view
     * @param beforeChange     called under a user's lock right before the model changes that user's state from
     *                         outside {@code observe} and {@code forget}
     * @param exampleListener  told of every labelled example, or null
     * @param versionListeners by published version type, the listener told of every published version
     * @param directory        finds a user's live view after it left memory (a backing store)
     */
    public ModelContext(FeatureAccess schema, Executor background, IntSupplier users,
                        Function<UserView, Object> userState, Consumer<UserView> beforeChange,
                        Consumer<LabelledExample> exampleListener, Map<Class<?>, Consumer<?>> versionListeners,
                        UserDirectory directory) {
        this.schema = schema;
        this.background = background;
        this.users = users;
        this.userState = userState;
        this.beforeChange = beforeChange;
        this.exampleListener = exampleListener;
        this.versionListeners = Map.copyOf(versionListeners);
        this.directory = directory == null ? UserDirectory.IN_MEMORY : directory;
    }

    /** Finds a user's live view after the one a model kept left memory. */
    public UserDirectory directory() {
        return directory;
    }

    /** The compiled schema: feature readers by name and event type ids. */
    public FeatureAccess schema() {
        return schema;
    }

    /** Where retrains and refits run. */
    public Executor background() {
        return background;
    }

    /** The number of users with a profile. */
    public IntSupplier users() {
        return users;
    }

    /** This model's per-user state in a user's view, as the type the model made it. */
    @SuppressWarnings("unchecked")
    public <S> Function<UserView, S> userState() {
        return (Function<UserView, S>) (Function<UserView, ?>) userState;
    }

    /** Called under a user's lock before the model changes that user's state from outside observe and forget. */
    public Consumer<UserView> beforeChange() {
        return beforeChange;
    }

    /** Told of every labelled example, or null. */
    public Consumer<LabelledExample> exampleListener() {
        return exampleListener;
    }

    /** The listener told of every published version of type {@code type}, or null for none. */
    @SuppressWarnings("unchecked")
    public <V> Consumer<V> versionListener(Class<V> type) {
        return (Consumer<V>) versionListeners.get(type);
    }
}
