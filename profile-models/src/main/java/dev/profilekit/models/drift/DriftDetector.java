package dev.profilekit.models.drift;

/**
 * A change detector on a stream of real values, for example the prequential log loss of each labelled
 * example a model scores. Feed one value per {@link #update(double)}; a {@code true} result is an alarm:
 * the detector has evidence that the distribution (its mean) changed and has adapted its own state.
 *
 * <p>Implementations are mutable and not thread-safe: confine an instance to one thread or guard it.
 * {@link #update(double)} allocates nothing.
 */
public interface DriftDetector {

    /**
     * Adds one value.
     *
     * @param x a finite value
     * @return true when this value raised an alarm (a detected change)
     * @throws IllegalArgumentException if {@code x} is NaN or infinite
     */
    boolean update(double x);

    /** Forgets every value seen, as if newly built; the alarm count is kept. */
    void reset();

    /** Number of alarms raised since construction. */
    long alarms();

    /** Writes the detector's mutable state (not its parameters) for a snapshot. */
    void writeState(dev.profilekit.features.codec.ByteWriter out);

    /**
     * Replaces the mutable state with one {@link #writeState} wrote on a detector with the same parameters.
     *
     * @throws dev.profilekit.features.codec.StateFormatException if the bytes do not fit this detector
     */
    void readState(dev.profilekit.features.codec.ByteReader in);
}
