package dev.profilekit.core.live.propensity;

import dev.profilekit.core.spi.UserView;


/**
 * A sampled example waiting for its label; guarded by its owner's lock. With a backing store the owner's view may
 * leave memory: the user's state then keeps a decoded copy of the example (same time and features), and the copy,
 * found by {@link #time} in the user's live view, is the one labelled; this object stays in the model's queue.
 */
final class PendingExample {
    final UserView owner;
    final long time;
    final double[] features;
    /** Label of an example whose user was forgotten: it resolves to nothing. */
    static final int FORGOTTEN = 2;
    /** -1 while pending, else the label (or {@link #FORGOTTEN}); volatile: a copy's owner's lock is not this one's. */
    volatile int label = -1;

    PendingExample(UserView owner, long time, double[] features) {
        this.owner = owner;
        this.time = time;
        this.features = features;
    }
}
