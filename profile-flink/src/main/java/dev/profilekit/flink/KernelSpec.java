package dev.profilekit.flink;

import dev.profilekit.core.engine.DedupRetention;
import dev.profilekit.core.engine.EventLimits;
import dev.profilekit.core.engine.ProfileKernel;
import dev.profilekit.core.engine.ProfileUpdater;
import dev.profilekit.core.schema.ProfileSchema;
import java.io.Serializable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Everything a Flink task needs to build the engine's {@link ProfileKernel}: the schema (as its JSON text) and the
 * options of {@link ProfileUpdater.Builder} that the kernel honours. Serializable, so that it ships with the job
 * graph; immutable (every {@code with...} returns a copy).
 */
public final class KernelSpec implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String schemaJson;
    // EventLimits is not Serializable: its three numbers are kept
    private int maxLineBytes = EventLimits.DEFAULT.maxLineBytes();
    private int maxTextLength = EventLimits.DEFAULT.maxTextLength();
    private int maxAttributes = EventLimits.DEFAULT.maxAttributes();
    private DedupRetention retention;
    private Long applyUpTo;
    private Long nowMs;
    private Duration ttl;
    private byte[] pseudonymKey;
    private List<String> allowAttributes;
    private String modelsJson;
    private String audiencesJson;
    private transient volatile ProfileKernel kernel;

    private KernelSpec(String schemaJson) {
        this.schemaJson = schemaJson;
    }

    /**
     * A spec for the schema in {@code schemaJson} (the text of a schema file).
     *
     * @throws IllegalArgumentException if the text is null or not a valid schema
     */
    public static KernelSpec of(String schemaJson) {
        if (schemaJson == null) {
            throw new IllegalArgumentException("schemaJson must not be null");
        }
        ProfileSchema.fromJson(schemaJson); // checks it now, not on a task manager
        return new KernelSpec(schemaJson);
    }

    private KernelSpec copy() {
        KernelSpec c = new KernelSpec(schemaJson);
        c.maxLineBytes = maxLineBytes;
        c.maxTextLength = maxTextLength;
        c.maxAttributes = maxAttributes;
        c.retention = retention;
        c.applyUpTo = applyUpTo;
        c.nowMs = nowMs;
        c.ttl = ttl;
        c.pseudonymKey = pseudonymKey;
        c.allowAttributes = allowAttributes;
        c.modelsJson = modelsJson;
        c.audiencesJson = audiencesJson;
        return c;
    }

    /** The schema's JSON text. */
    public String schemaJson() {
        return schemaJson;
    }

    /** With these event limits (default {@link EventLimits#DEFAULT}). */
    public KernelSpec withLimits(EventLimits limits) {
        if (limits == null) {
            throw new IllegalArgumentException("limits must not be null");
        }
        KernelSpec c = copy();
        c.maxLineBytes = limits.maxLineBytes();
        c.maxTextLength = limits.maxTextLength();
        c.maxAttributes = limits.maxAttributes();
        return c;
    }

    /** The event limits. */
    public EventLimits limits() {
        return new EventLimits(maxLineBytes, maxTextLength, maxAttributes);
    }

    /** With this dedup retention (see {@link ProfileUpdater.Builder#dedupRetention}). */
    public KernelSpec withDedupRetention(DedupRetention retention) {
        if (retention == null) {
            throw new IllegalArgumentException("retention must not be null");
        }
        KernelSpec c = copy();
        c.retention = retention;
        return c;
    }

    /** Only accepted events with time at or before {@code asOfMs} are applied (see {@link ProfileUpdater.Builder#applyUpTo}). */
    public KernelSpec withApplyUpTo(long asOfMs) {
        KernelSpec c = copy();
        c.applyUpTo = asOfMs;
        return c;
    }

    /** The clock events are checked against, fixed at {@code epochMs} (default: the system clock). */
    public KernelSpec withNow(long epochMs) {
        KernelSpec c = copy();
        c.nowMs = epochMs;
        return c;
    }

    /**
     * With live models: the models configuration's JSON text (as {@code replay --models} reads it). The Flink job
     * runs every section (propensity, segments, forecast, recommend; see {@link ModelTrainer}), with or without a
     * TTL.
     *
     * @throws IllegalArgumentException if the text is not a models configuration
     */
    public KernelSpec withModels(String modelsJson) {
        if (modelsJson == null) {
            throw new IllegalArgumentException("modelsJson must not be null");
        }
        dev.profilekit.core.models.ModelsConfig.fromJson(modelsJson); // checks it now, not on a task manager
        KernelSpec c = copy();
        c.modelsJson = modelsJson;
        return c;
    }

    /**
     * With audiences: the audiences file's JSON text (as {@code replay --audiences} reads it), run per user by the
     * operator with event-time timers (see {@link ProfileFunction}).
     *
     * @throws IllegalArgumentException if the text is not an audiences document or a rule does not fit the schema
     */
    public KernelSpec withAudiences(String audiencesJson) {
        if (audiencesJson == null) {
            throw new IllegalArgumentException("audiencesJson must not be null");
        }
        dev.profilekit.core.audience.Audiences.parse(audiencesJson, ProfileSchema.fromJson(schemaJson)); // checks it
        KernelSpec c = copy();
        c.audiencesJson = audiencesJson;
        return c;
    }

    /** The audiences file's text, or null without audiences. */
    public String audiencesJson() {
        return audiencesJson;
    }

    /** Only accepted events up to this time are applied ({@link #withApplyUpTo}; {@code Long.MAX_VALUE}: all). */
    public long applyUpTo() {
        return applyUpTo == null ? Long.MAX_VALUE : applyUpTo;
    }

    /** Event-time expiry of idle profiles, by the rule of {@link ProfileUpdater.Builder#ttl} (see {@link ProfileFunction}). */
    public KernelSpec withTtl(Duration ttl) {
        ProfileUpdater.builder(ProfileSchema.fromJson(schemaJson)).ttl(ttl); // checks it
        KernelSpec c = copy();
        c.ttl = ttl;
        return c;
    }

    /** Whether user ids are pseudonymised (a user's key is then not its id). */
    boolean pseudonymises() {
        return pseudonymKey != null;
    }

    /** Pseudonymise user ids with HMAC-SHA-256 under {@code key} (see {@link ProfileUpdater.Builder#pseudonymise}). */
    public KernelSpec withPseudonymKey(byte[] key) {
        ProfileUpdater.builder(ProfileSchema.fromJson(schemaJson)).pseudonymise(key); // checks it
        KernelSpec c = copy();
        c.pseudonymKey = key.clone();
        return c;
    }

    /** Keep only these attributes (see {@link ProfileUpdater.Builder#allowAttributes}). */
    public KernelSpec withAllowAttributes(List<String> attributes) {
        ProfileUpdater.builder(ProfileSchema.fromJson(schemaJson)).allowAttributes(attributes); // checks it
        KernelSpec c = copy();
        c.allowAttributes = List.copyOf(attributes);
        return c;
    }

    /**
     * The kernel (built once per JVM copy of this spec).
     *
     * @throws IllegalArgumentException if the options do not fit the schema (e.g. a feature reads an attribute
     *                                  outside the allow-list)
     */
    public ProfileKernel kernel() {
        ProfileKernel k = kernel;
        if (k == null) {
            synchronized (this) {
                k = kernel;
                if (k == null) {
                    k = ProfileKernel.of(builder());
                    kernel = k;
                }
            }
        }
        return k;
    }

    private ProfileUpdater.Builder builder() {
        ProfileSchema schema = ProfileSchema.fromJson(schemaJson);
        ProfileUpdater.Builder b = ProfileUpdater.builder(schema).limits(limits());
        if (retention != null) {
            b.dedupRetention(retention);
        }
        if (applyUpTo != null) {
            b.applyUpTo(applyUpTo);
        }
        if (nowMs != null) {
            b.clock(Clock.fixed(Instant.ofEpochMilli(nowMs), ZoneOffset.UTC));
        }
        if (ttl != null) {
            b.ttl(ttl);
        }
        if (pseudonymKey != null) {
            b.pseudonymise(pseudonymKey);
        }
        if (allowAttributes != null) {
            b.allowAttributes(allowAttributes);
        }
        if (modelsJson != null) {
            b.models(dev.profilekit.core.models.ModelsConfig.fromJson(modelsJson));
        }
        if (audiencesJson != null) {
            b.audiences(dev.profilekit.core.audience.Audiences.parse(audiencesJson, schema));
        }
        return b;
    }
}
