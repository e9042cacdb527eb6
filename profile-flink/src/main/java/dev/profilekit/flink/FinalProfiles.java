package dev.profilekit.flink;

import dev.profilekit.core.engine.Profile;
import dev.profilekit.core.engine.ProfileKernel;
import dev.profilekit.core.engine.KernelState;
import dev.profilekit.core.io.ProfileExtras;
import dev.profilekit.core.io.ProfileJson;
import dev.profilekit.core.live.recommend.RecommendStats;
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
 * With live models, the trainer's final state ({@link FinalState#MODELS_KEY}) ends the models at T as a replay does
 * (pending examples whose horizon ended are labelled), each profile carries the final versions' outputs (score,
 * segment, forecast) and, with a recommend section, {@code "recommendations":[["p12",0.83],...]} (the trainer keeps
 * the per-user state both read), and the summary adds {@code "prequential"}, {@code "model_version"},
 * {@code "drift_alarms"} and {@code "recommend"} as replay prints them.
 * With audiences, every user's time-driven changes up to T are delivered first ({@link #finishAudiences}, as replay
 * advances its clock to T at the end), each profile ends with {@code "audiences":[...]} (sorted) and the summary with
 * {@code "audiences":{name: size, ...}} in definition order, as replay writes them.
 */
public final class FinalProfiles {

    private final ProfileKernel kernel;
    private final Long asOf;
    private final boolean withForgotten;
    private final TreeMap<String, KernelState> states = new TreeMap<>();
    private long accepted;
    private long duplicate;
    private long late;
    private long rejected;
    private long forgotten;
    /** With live models: the trainer's state (a fresh one until its final state arrives), else null. */
    private ModelTraining training;
    private boolean modelsFinished;
    /** The parts of the trainer's final state received so far, or null. */
    private byte[][] modelParts;
    /** Whether the audiences' changes up to the final time were delivered. */
    private boolean audiencesFinished;

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
        this.training = kernel.models().isPresent() ? new ModelTraining(kernel) : null;
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
        if (f.key().equals(FinalState.MODELS_KEY)) {
            if (training == null || f.state() == null) {
                throw new IllegalArgumentException("a models final state, but the job has no models configuration");
            }
            if (modelsFinished) {
                throw new IllegalArgumentException("a models final state after the models were ended");
            }
            addModelsPart(f);
            return this;
        }
        accepted += f.accepted();
        duplicate += f.duplicate();
        late += f.late();
        rejected += f.rejected();
        forgotten += f.forgotten();
        if (f.state() != null) {
            KernelState s = kernel.decode(f.state());
            if (!s.user().equals(f.key())) {
                throw new IllegalArgumentException("final state of key '" + f.key() + "' holds user '" + s.user() + "'");
            }
            if (states.put(f.key(), s) != null) {
                throw new IllegalArgumentException("two final states for key '" + f.key() + "'");
            }
        }
        return this;
    }

    /** Keeps a part of the trainer's final state; decodes the state once every part is in. */
    private void addModelsPart(FinalState f) {
        int parts = (int) f.duplicate();
        if (modelParts == null || modelParts.length != parts) {
            modelParts = new byte[Math.max(1, parts)][];
        }
        int index = (int) f.accepted();
        if (index < 0 || index >= modelParts.length || modelParts[index] != null) {
            throw new IllegalArgumentException("models final state part " + index + " of " + parts
                    + " is out of range or came twice");
        }
        modelParts[index] = f.state();
        for (byte[] p : modelParts) {
            if (p == null) {
                return; // more parts to come: joined once all are here
            }
        }
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (byte[] p : modelParts) {
            all.writeBytes(p);
        }
        training = ModelTraining.decode(kernel, all.toByteArray());
        modelParts = null;
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
        for (KernelState s : states.values()) {
            max = Math.max(max, kernel.latestAccepted(s));
        }
        return max;
    }

    /**
     * With audiences, once: delivers to {@code log} each user's time-driven changes up to the final time (by user
     * key), as replay's clock reaching the final time fires them; the operator's timers leave those to this.
     * Nothing on later calls, without audiences or without a final time.
     *
     * @param log receives the changes, or null to drop them
     */
    public void finishAudiences(dev.profilekit.core.audience.AudienceListener log) {
        Long t = finalTime();
        if (!audiencesFinished && t != null) {
            for (KernelState s : states.values()) {
                kernel.fireAudiences(s, t, log);
            }
        }
        audiencesFinished = true;
    }

    /** The profiles as of {@link #finalTime()}, sorted by user key. */
    public List<Profile> profiles() {
        Long t = finalTime();
        List<Profile> out = new ArrayList<>();
        if (t == null) {
            return out;
        }
        finishModels();
        finishAudiences(null);
        long wm = latestAccepted();
        for (Map.Entry<String, KernelState> e : states.entrySet()) {
            KernelState s = e.getValue();
            if (kernel.hasAccepted(s) && !kernel.expired(s, wm)) {
                out.add(training == null ? kernel.profile(s, t) : kernel.profile(s, t, training.score(s, t)));
            }
        }
        return out;
    }

    /** Ends the models at the final time once, as replay's {@code finishReplay} (nothing when no time). */
    private void finishModels() {
        Long t = finalTime();
        if (training != null && !modelsFinished && t != null) {
            training.finish(t);
        }
        modelsFinished = true;
    }

    /** With live models: the trainer's state (ended at the final time), else empty. */
    public java.util.Optional<ModelTraining> models() {
        finishModels();
        return java.util.Optional.ofNullable(training);
    }

    /**
     * Writes the profile file (see {@link ProfileJson#writeLines}); with audiences each line ends with the user's
     * {@code "audiences":[...]} as of the final time, as replay writes them.
     */
    public void writeProfiles(Writer out) throws IOException {
        if (out == null) {
            throw new IllegalArgumentException("out must not be null");
        }
        List<Profile> profiles = profiles();
        int k = recommendK();
        if (kernel.audienceNames().isEmpty() && k == 0) {
            ProfileJson.writeLines(profiles, out);
            return;
        }
        for (int i = 0; i < profiles.size(); i++) {
            Profile p = profiles.get(i);
            String line = ProfileJson.toJson(p);
            if (k > 0) {
                line = ProfileExtras.with(line,
                        ProfileExtras.recommendations(training.recommend(p.user(), k, p.asOf())));
            }
            if (!kernel.audienceNames().isEmpty()) {
                line = ProfileExtras.with(line,
                        ProfileExtras.audiences(kernel.audiences(states.get(p.user()), p.asOf())));
            }
            out.write(line);
            out.write(i + 1 < profiles.size() ? "\n" : System.lineSeparator());
        }
    }

    /** The recommend section's list length k, or 0 without one. */
    private int recommendK() {
        return training == null ? 0 : training.recommendStats().map(RecommendStats::k).orElse(0);
    }

    /** Each audience's size as of the final time (its members among the users with an applied event), in order. */
    private String audienceSizes() {
        Long t = finalTime();
        finishAudiences(null);
        java.util.LinkedHashMap<String, Long> sizes = new java.util.LinkedHashMap<>();
        kernel.audienceNames().forEach(a -> sizes.put(a, 0L));
        for (KernelState s : states.values()) {
            if (t != null && s.latestTime() != Long.MIN_VALUE) {
                kernel.audiences(s, t).forEach(a -> sizes.merge(a, 1L, Long::sum));
            }
        }
        return ProfileExtras.audienceSizes(sizes);
    }

    /** The summary line, as {@code profilekit replay} prints it. */
    public String summary() {
        StringBuilder b = new StringBuilder("{\"accepted\":").append(accepted).append(",\"duplicate\":")
                .append(duplicate).append(",\"late\":").append(late).append(",\"rejected\":").append(rejected)
                .append(withForgotten ? ",\"forgotten_events\":" + forgotten : "");
        if (models().isPresent()) {
            dev.profilekit.core.spi.ModelStatus st = training.status();
            dev.profilekit.core.spi.Prequential p = st.prequential();
            if (p != null) {
                b.append(",\"prequential\":{\"auc\":").append(number(p.auc())).append(",\"log_loss\":")
                        .append(number(p.logLoss())).append(",\"examples\":").append(p.examples()).append('}');
            }
            b.append(",\"model_version\":").append(st.modelVersion()).append(",\"drift_alarms\":")
                    .append(st.driftAlarms());
            training.recommendStats().ifPresent(rs -> b.append(",\"recommend\":{\"recall_at_k\":")
                    .append(number(rs.recallAtK())).append(",\"ndcg_at_k\":").append(number(rs.ndcgAtK()))
                    .append(",\"users\":").append(rs.users()).append('}'));
        }
        if (!kernel.audienceNames().isEmpty()) {
            b.append(audienceSizes());
        }
        return b.append('}').toString();
    }

    /**
     * The {@code --summary} file's text, as replay writes it: the summary line's object, with {@code "diagnostics"}
     * (what the live models recorded: reservoir, AUC series, versions, drift alarms) when models are configured.
     */
    public String summaryFile() {
        String summary = summary();
        return models().map(m -> summary.substring(0, summary.length() - 1) + ",\"diagnostics\":"
                + m.diagnostics().toJson() + "}").orElse(summary) + "\n";
    }

    private static String number(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "null";
    }
}
