package dev.profilekit.core.live;

import java.util.ArrayList;
import java.util.List;

/** Per-user state of the live models; guarded by the profile's lock. */
final class LiveUserState {
    long lastPropensitySample = Long.MIN_VALUE;
    long lastSegmentSample = Long.MIN_VALUE;
    /** Pending propensity examples of this user, oldest first. */
    final List<PendingExample> pending = new ArrayList<>(2);
    double score = Double.NaN;
    long scoreVersion;
    int segment = -1;
    long segmentVersion;
    /** Daily counts ring of the forecast type (null without a forecast section). */
    final int[] daily;
    long lastDay = Long.MIN_VALUE;

    LiveUserState(int days) {
        daily = days == 0 ? null : new int[days];
    }
}
