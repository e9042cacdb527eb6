package dev.profilekit.core;

/** A sampled example waiting for its label; guarded by its owner's lock. */
final class PendingExample {
    final ProfileState owner;
    final long time;
    final double[] features;
    /** -1 while pending, else the label. */
    int label = -1;

    PendingExample(ProfileState owner, long time, double[] features) {
        this.owner = owner;
        this.time = time;
        this.features = features;
    }
}
