package dev.profilekit.core.spi;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What the live models say about one profile, evaluated with the current model versions: per configured model, by
 * the model's name (its section's key in the models file), one value and the model version that produced it.
 * Immutable. Each model's {@link LiveModel#score} gives its own part ({@link #of}); the engine's list of models
 * joins them ({@link #and}) in the order the models are registered.
 *
 * <p>The accessors of the built-in models ({@link #propensity()}, {@link #segment()}, {@link #forecastNextDay()},
 * ...) read the parts named {@link #PROPENSITY}, {@link #SEGMENTS} and {@link #FORECAST}.
 */
public final class ModelOutputs {

    /** The name of the propensity model's part: its value is P(label event within the horizon), a Double. */
    public static final String PROPENSITY = "propensity";
    /** The name of the segments' part: its value is the segment id, an Integer. */
    public static final String SEGMENTS = "segments";
    /** The name of the forecast's part: its value is the expected count of the next day, a Double. */
    public static final String FORECAST = "forecast";
    /** The name of the recommender, which adds no part (its lists are read on their own). */
    public static final String RECOMMEND = "recommend";

    /** No models configured. */
    public static final ModelOutputs NONE = new ModelOutputs(new String[0], new Object[0], new long[0]);

    private final String[] names;
    private final Object[] values;
    private final long[] versions;

    private ModelOutputs(String[] names, Object[] values, long[] versions) {
        this.names = names;
        this.values = values;
        this.versions = versions;
    }

    /**
     * The part of one configured model.
     *
     * @param model   the model's name
     * @param value   its output, null before its first fitted version
     * @param version the version that produced it (0: none)
     * @throws IllegalArgumentException if {@code model} is null
     */
    public static ModelOutputs of(String model, Object value, long version) {
        if (model == null) {
            throw new IllegalArgumentException("model must not be null");
        }
        return new ModelOutputs(new String[] {model}, new Object[] {value}, new long[] {version});
    }

    /**
     * These parts followed by {@code other}'s.
     *
     * @throws IllegalArgumentException if {@code other} is null or names a model this already has
     */
    public ModelOutputs and(ModelOutputs other) {
        if (other == null) {
            throw new IllegalArgumentException("other must not be null");
        }
        if (other.names.length == 0) {
            return this;
        }
        if (names.length == 0) {
            return other;
        }
        for (String n : other.names) {
            if (index(n) >= 0) {
                throw new IllegalArgumentException("model '" + n + "' has outputs twice");
            }
        }
        int n = names.length;
        int m = other.names.length;
        String[] ns = Arrays.copyOf(names, n + m);
        Object[] vs = Arrays.copyOf(values, n + m);
        long[] ws = Arrays.copyOf(versions, n + m);
        System.arraycopy(other.names, 0, ns, n, m);
        System.arraycopy(other.values, 0, vs, n, m);
        System.arraycopy(other.versions, 0, ws, n, m);
        return new ModelOutputs(ns, vs, ws);
    }

    private int index(String model) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(model)) {
                return i;
            }
        }
        return -1;
    }

    /** The names of the models with a part, in order. */
    public List<String> models() {
        return List.of(names);
    }

    /** Whether model {@code model} is configured (has a part, possibly with a null value). */
    public boolean has(String model) {
        return index(model) >= 0;
    }

    /** The value of model {@code model}, null when it is not configured or has no fitted version yet. */
    public Object value(String model) {
        int i = index(model);
        return i < 0 ? null : values[i];
    }

    /** The version of model {@code model} that produced its value (0: none, or not configured). */
    public long version(String model) {
        int i = index(model);
        return i < 0 ? 0 : versions[i];
    }

    /** Whether a propensity model is configured. */
    public boolean propensityOn() {
        return has(PROPENSITY);
    }

    /** P(label event within the horizon), null before the first model (or without one). */
    public Double propensity() {
        return (Double) value(PROPENSITY);
    }

    /** The propensity model version that produced {@link #propensity()} (0: none). */
    public long propensityVersion() {
        return version(PROPENSITY);
    }

    /** Whether segments are configured. */
    public boolean segmentsOn() {
        return has(SEGMENTS);
    }

    /** The segment id, null before the first segment model (or without segments). */
    public Integer segment() {
        return (Integer) value(SEGMENTS);
    }

    /** The segments version that produced {@link #segment()} (0: none). */
    public long segmentsVersion() {
        return version(SEGMENTS);
    }

    /** Whether a forecast is configured. */
    public boolean forecastOn() {
        return has(FORECAST);
    }

    /** Expected count of the forecast type for the next day, null without a forecast. */
    public Double forecastNextDay() {
        return (Double) value(FORECAST);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelOutputs m && Arrays.equals(names, m.names) && Arrays.equals(values, m.values)
                && Arrays.equals(versions, m.versions);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(names), Arrays.hashCode(values), Arrays.hashCode(versions));
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>(names.length);
        for (int i = 0; i < names.length; i++) {
            parts.add(names[i] + "=" + values[i] + " (version " + versions[i] + ")");
        }
        return "ModelOutputs" + parts;
    }
}
