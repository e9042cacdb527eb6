package dev.profilekit.sim;

import dev.profilekit.core.engine.Event;
import dev.profilekit.features.Checks;
import java.util.Iterator;
import java.util.List;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A simulated stream ({@link EcommerceSimulator#run}): the options, the per-user truth, and the events, generated
 * afresh (identically) on every call of {@link #events()}, {@link #iterator()} or {@link #forEachEvent}. Immutable
 * and thread-safe; each iterator is single-threaded.
 */
public final class SimulationResult {

    private final SimulationOptions options;
    private final EcommerceSimulator.Population population;
    private final List<UserTruth> truth;

    SimulationResult(SimulationOptions options, EcommerceSimulator.Population population, List<UserTruth> truth) {
        this.options = options;
        this.population = population;
        this.truth = truth;
    }

    /** The options that made this stream. */
    public SimulationOptions options() {
        return options;
    }

    /** Truth per user, in user order (u0, u1, ...); immutable. */
    public List<UserTruth> truth() {
        return truth;
    }

    /**
     * The events in emission order, generated lazily (memory: one simulated day of events). Ordered, sequential,
     * not sized. Each call starts the same stream from the beginning.
     */
    public Stream<Event> events() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator(),
                Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    /** A fresh iterator over the events in emission order (see {@link #events()}). */
    public Iterator<Event> iterator() {
        return new EventGenerator(options, population);
    }

    /** Passes every event, in emission order, to {@code sink}. */
    public void forEachEvent(Consumer<? super Event> sink) {
        Checks.requireNonNull(sink, "sink");
        Iterator<Event> it = iterator();
        while (it.hasNext()) {
            sink.accept(it.next());
        }
    }
}
