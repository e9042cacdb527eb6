package dev.profilekit.core.live;


/** A sampled example waiting for its label; guarded by its owner's lock. */
final class PendingExample {
    final UserView owner;
    final long time;
    final double[] features;
    /** -1 while pending, else the label. */
    int label = -1;

    PendingExample(UserView owner, long time, double[] features) {
        this.owner = owner;
        this.time = time;
        this.features = features;
    }
}
