package dev.profilekit.core.live.propensity;

import dev.profilekit.core.spi.UserView;


/** A sampled example waiting for its label; guarded by its owner's lock. */
final class PendingExample {
    final UserView owner;
    final long time;
    final double[] features;
    /** Label of an example whose user was forgotten: it resolves to nothing. */
    static final int FORGOTTEN = 2;
    /** -1 while pending, else the label (or {@link #FORGOTTEN}). */
    int label = -1;

    PendingExample(UserView owner, long time, double[] features) {
        this.owner = owner;
        this.time = time;
        this.features = features;
    }
}
