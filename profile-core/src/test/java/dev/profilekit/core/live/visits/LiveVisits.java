package dev.profilekit.core.live.visits;

import dev.profilekit.core.live.ModelContext;
import dev.profilekit.core.spi.LiveModel;
import dev.profilekit.core.spi.ModelOutputs;
import dev.profilekit.core.spi.ModelStatus;
import dev.profilekit.core.spi.UserView;
import dev.profilekit.features.codec.ByteReader;
import dev.profilekit.features.codec.ByteWriter;
import java.util.function.Function;

/**
 * A test-only live model: it counts each user's events of one type (its per-user state), outputs that count under
 * the name {@code "visits"}, and publishes the running total every {@code publish_every} counted events.
 */
public final class LiveVisits implements LiveModel<VisitsModel> {

    /** Per-user state. */
    static final class UserState {
        long count;
    }

    private final VisitsConfig config;
    private final int typeId;
    private final Function<UserView, UserState> stateOf;
    private long total;
    private volatile VisitsModel model;

    LiveVisits(VisitsConfig config, ModelContext context) {
        this.config = config;
        this.typeId = context.schema().typeId(config.type());
        this.stateOf = context.userState();
    }

    @Override
    public Object newUserState() {
        return new UserState();
    }

    @Override
    public synchronized void observe(UserView user, int type, long time) {
        if (type != typeId) {
            return;
        }
        stateOf.apply(user).count++;
        if (++total % config.publishEvery() == 0) {
            model = new VisitsModel(model == null ? 1 : model.version() + 1, total);
        }
    }

    @Override
    public void afterEvent(long time) {
    }

    @Override
    public ModelOutputs score(UserView user, long asOf) {
        VisitsModel m = model;
        return ModelOutputs.of("visits", (double) stateOf.apply(user).count, m == null ? 0 : m.version());
    }

    @Override
    public ModelOutputs lastScores(UserView user) {
        return score(user, user.latestTime());
    }

    @Override
    public VisitsModel snapshot() {
        return model;
    }

    @Override
    public void swap(VisitsModel version) {
        if (version == null) {
            throw new IllegalArgumentException("version must not be null");
        }
        model = version;
    }

    @Override
    public ModelStatus status() {
        return new ModelStatus(null, 0, 0, 0, 0, 0, 0, 0);
    }

    @Override
    public void finish(long endTime) {
    }

    @Override
    public void awaitIdle() {
    }

    @Override
    public void encodeUserState(Object state, ByteWriter out) {
        out.varLong(((UserState) state).count);
    }

    @Override
    public Object decodeUserState(ByteReader in, UserView owner) {
        UserState u = new UserState();
        u.count = in.varLong();
        return u;
    }

    @Override
    public synchronized void encodeState(ByteWriter out) {
        out.varLong(total);
        out.varLong(model == null ? 0 : model.version());
        out.varLong(model == null ? 0 : model.total());
    }

    @Override
    public synchronized void restoreState(ByteReader in, Function<String, UserView> users) {
        total = in.varLong();
        long version = in.varLong();
        long published = in.varLong();
        model = version == 0 ? null : new VisitsModel(version, published);
    }

    @Override
    public int forget(UserView user) {
        return 0;
    }

    @Override
    public void close() {
    }
}
