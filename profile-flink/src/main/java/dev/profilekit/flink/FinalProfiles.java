package dev.profilekit.flink;

import dev.profilekit.core.engine.Profile;
import dev.profilekit.core.engine.ProfileKernel;
import dev.profilekit.core.engine.ProfileState;
import dev.profilekit.core.io.ProfileJson;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Gathers the operator's {@link FinalState}s and writes the profile file exactly as {@code profilekit replay} does:
 * profiles of the users with at least one accepted event (and not expired at the end), sorted by user key,
 * evaluated as of T (the as-of time, or the largest accepted event time of all users), written by core's
 * {@link ProfileJson#writeLines}; and the summary line {@code {"accepted":..,"duplicate":..,"late":..,"rejected":..}}.
 */
public final class FinalProfiles {

    private final ProfileKernel kernel;
    private final Long asOf;
    private final boolean withForgotten;
    private final TreeMap<String, ProfileState> states = new TreeMap<>();
    private long accepted;
    private long duplicate;
    private long late;
    private long rejected;
    private long forgotten;

    /**
     * @param spec          the job's kernel configuration
     * @param asOf          T, or null for the largest accepted event time
     * @param withForgotten whether the summary has {@code "forgotten_events"} (a forget list was given)
     */
    public FinalProfiles(KernelSpec spec, Long asOf, boolean withForgotten) {
        if (spec == null) {
            throw new IllegalArgumentException("spec must not be null");
        }
        this.kernel = spec.kernel();
        this.asOf = asOf;
        this.withForgotten = withForgotten;
    }

    /** Adds every final state of {@code states}. */
    public FinalProfiles addAll(Iterator<FinalState> finals) {
        if (finals == null) {
            throw new IllegalArgumentException("finals must not be null");
        }
        while (finals.hasNext()) {
            add(finals.next());
        }
        return this;
    }

    /**
     * Adds one key's final state.
     *
     * @throws IllegalArgumentException if {@code f} is null or its key was added before
     */
    public FinalProfiles add(FinalState f) {
        if (f == null) {
            throw new IllegalArgumentException("final state must not be null");
        }
        accepted += f.accepted();
        duplicate += f.duplicate();
        late += f.late();
        rejected += f.rejected();
        forgotten += f.forgotten();
        if (f.state() != null) {
            ProfileState s = kernel.decode(f.state());
            if (!s.user().equals(f.key())) {
                throw new IllegalArgumentException("final state of key '" + f.key() + "' holds user '" + s.user() + "'");
            }
            if (states.put(f.key(), s) != null) {
                throw new IllegalArgumentException("two final states for key '" + f.key() + "'");
            }
        }
        return this;
    }

    /** The final time T: the as-of time, or the largest accepted event time (null when nothing was accepted). */
    public Long finalTime() {
        if (asOf != null) {
            return asOf;
        }
        long max = latestAccepted();
        return max == Long.MIN_VALUE ? null : max;
    }

    private long latestAccepted() {
        long max = Long.MIN_VALUE;
        for (ProfileState s : states.values()) {
            max = Math.max(max, kernel.latestAccepted(s));
        }
        return max;
    }

    /** The profiles as of {@link #finalTime()}, sorted by user key. */
    public List<Profile> profiles() {
        Long t = finalTime();
        List<Profile> out = new ArrayList<>();
        if (t == null) {
            return out;
        }
        long wm = latestAccepted();
        for (Map.Entry<String, ProfileState> e : states.entrySet()) {
            ProfileState s = e.getValue();
            if (kernel.hasAccepted(s) && !kernel.expired(s, wm)) {
                out.add(kernel.profile(s, t));
            }
        }
        return out;
    }

    /** Writes the profile file (see {@link ProfileJson#writeLines}). */
    public void writeProfiles(Writer out) throws IOException {
        if (out == null) {
            throw new IllegalArgumentException("out must not be null");
        }
        ProfileJson.writeLines(profiles(), out);
    }

    /** The summary line, as {@code profilekit replay} prints it. */
    public String summary() {
        return "{\"accepted\":" + accepted + ",\"duplicate\":" + duplicate + ",\"late\":" + late + ",\"rejected\":"
                + rejected + (withForgotten ? ",\"forgotten_events\":" + forgotten : "") + "}";
    }
}
