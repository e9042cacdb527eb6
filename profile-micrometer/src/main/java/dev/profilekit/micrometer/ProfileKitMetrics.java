package dev.profilekit.micrometer;

import dev.profilekit.core.engine.ProfileUpdater;
import dev.profilekit.core.spi.InvalidEventException;
import dev.profilekit.core.spi.ModelStatus;
import dev.profilekit.core.spi.Prequential;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Optional;

/**
 * Binds a {@link ProfileUpdater}'s health to a Micrometer {@link MeterRegistry}:
 * <ul>
 *   <li>{@code profilekit.events} (counter, tag {@code outcome} = {@code accepted}, {@code duplicate},
 *       {@code late}): the registry turns it into events per second;</li>
 *   <li>{@code profilekit.rejects} (counter, tag {@code reason}, one per {@link InvalidEventException.Reason});</li>
 *   <li>{@code profilekit.profiles} (gauge, tag {@code where} = {@code memory}, and {@code store} when the updater
 *       has a backing store);</li>
 *   <li>{@code profilekit.model.version} and {@code profilekit.model.prequential.auc} (gauges, when live models
 *       are configured; the AUC is NaN until both classes have been seen).</li>
 * </ul>
 * Every meter reads the updater's own counters when the registry polls it; nothing is added to the event path.
 *
 * <pre>{@code
 * new ProfileKitMetrics(updater, Tags.of("service", "shop")).bindTo(registry);
 * }</pre>
 */
public final class ProfileKitMetrics implements MeterBinder {

    private final ProfileUpdater updater;
    private final Iterable<Tag> tags;

    /**
     * Meters for {@code updater}, each with the extra {@code tags}.
     *
     * @throws IllegalArgumentException if an argument is null
     */
    public ProfileKitMetrics(ProfileUpdater updater, Iterable<Tag> tags) {
        if (updater == null) {
            throw new IllegalArgumentException("updater must not be null");
        }
        if (tags == null) {
            throw new IllegalArgumentException("tags must not be null (use Tags.empty())");
        }
        this.updater = updater;
        this.tags = tags;
    }

    /** Meters for {@code updater} without extra tags. */
    public ProfileKitMetrics(ProfileUpdater updater) {
        this(updater, Tags.empty());
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        if (registry == null) {
            throw new IllegalArgumentException("registry must not be null");
        }
        ProfileUpdater u = updater;
        FunctionCounter.builder("profilekit.events", u, x -> x.counts().accepted()).tags(tags)
                .tag("outcome", "accepted").description("events applied").register(registry);
        FunctionCounter.builder("profilekit.events", u, x -> x.counts().duplicate()).tags(tags)
                .tag("outcome", "duplicate").description("events ignored as duplicates").register(registry);
        FunctionCounter.builder("profilekit.events", u, x -> x.counts().late()).tags(tags)
                .tag("outcome", "late").description("events ignored as late").register(registry);
        for (InvalidEventException.Reason r : InvalidEventException.Reason.values()) {
            FunctionCounter.builder("profilekit.rejects", u, x -> x.rejectedCount(r)).tags(tags)
                    .tag("reason", r.name()).description("events rejected, by reason").register(registry);
        }
        Gauge.builder("profilekit.profiles", u, ProfileUpdater::profilesInMemory).tags(tags).tag("where", "memory")
                .description("profiles held in memory").register(registry);
        if (u.store().isPresent()) {
            Gauge.builder("profilekit.profiles", u, x -> x.store().map(s -> (double) s.size()).orElse(Double.NaN))
                    .tags(tags).tag("where", "store").description("profiles in the backing store").register(registry);
        }
        if (u.modelStatus().isPresent()) {
            Gauge.builder("profilekit.model.version", u, x -> status(x).map(s -> (double) s.modelVersion())
                    .orElse(Double.NaN)).tags(tags).description("live propensity model version").register(registry);
            Gauge.builder("profilekit.model.prequential.auc", u, x -> status(x).map(ModelStatus::prequential)
                    .map(Prequential::auc).orElse(Double.NaN)).tags(tags)
                    .description("prequential AUC of the live propensity model").register(registry);
        }
    }

    private static Optional<ModelStatus> status(ProfileUpdater u) {
        return u.modelStatus();
    }
}
