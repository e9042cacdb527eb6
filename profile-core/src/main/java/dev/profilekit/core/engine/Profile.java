package dev.profilekit.core.engine;

import dev.profilekit.core.spi.ModelOutputs;

import dev.profilekit.features.streaming.TopKCounter.WeightedValue;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable view of one user's features as of a time {@code asOf} (epoch ms).
 *
 * <p>Values by kind: {@link Long} for count, window_count, first_seen and distinct_count; {@link Double}
 * for sums, decayed values, window_sum, recency and ratio; {@link String} for last_value;
 * {@link StatsValue}; {@link SessionsValue}; {@code List<WeightedValue>} for top_k; {@code null} where
 * the specification says null.
 */
public final class Profile {

    private final String user;
    private final long asOf;
    private final Map<String, Object> values;
    private final ModelOutputs models;

    Profile(String user, long asOf, LinkedHashMap<String, Object> values, ModelOutputs models) {
        this.user = user;
        this.asOf = asOf;
        this.values = Collections.unmodifiableMap(values);
        this.models = models;
    }

    /** What the live models say about this profile as of {@link #asOf()} ({@link ModelOutputs#NONE} without models). */
    public ModelOutputs models() {
        return models;
    }

    /** The user id. */
    public String user() {
        return user;
    }

    /** The evaluation time, epoch ms. */
    public long asOf() {
        return asOf;
    }

    /** All values in schema order (unmodifiable; values may be null). */
    public Map<String, Object> values() {
        return values;
    }

    /**
     * The value of feature {@code name}, or of a component written {@code feature.part} of a {@link PartsValue}:
     * {@code stats} parts {@code count, mean, std, min, max}; {@code sessions} parts {@code count, mean_duration_s}.
     *
     * @throws IllegalArgumentException if there is no such feature or component
     */
    public Object get(String name) {
        if (name == null) {
            throw new IllegalArgumentException("name must not be null");
        }
        if (values.containsKey(name)) {
            return values.get(name);
        }
        int dot = name.lastIndexOf('.');
        if (dot > 0 && values.containsKey(name.substring(0, dot))) {
            Object v = values.get(name.substring(0, dot));
            String part = name.substring(dot + 1);
            if (v == null) {
                return null;
            }
            if (v instanceof PartsValue p && p.parts().contains(part)) {
                return p.part(part);
            }
        }
        throw new IllegalArgumentException("profile has no feature or component '" + name + "' (features: "
                + values.keySet() + ")");
    }

    /** A numeric value (or component) as a double; {@code NaN} when the value is null. */
    public double getDouble(String name) {
        Object v = get(name);
        if (v == null) {
            return Double.NaN;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw new IllegalArgumentException("feature '" + name + "' is not numeric: " + v);
    }

    /** An integer value (count, window_count, first_seen, distinct_count, stats/sessions count). */
    public long getLong(String name) {
        Object v = get(name);
        if (v instanceof Long l) {
            return l;
        }
        throw new IllegalArgumentException("feature '" + name + "' is not an integer value: " + v);
    }

    /** A top_k value. */
    @SuppressWarnings("unchecked")
    public List<WeightedValue> getTopK(String name) {
        Object v = get(name);
        if (v instanceof List<?> l) {
            return (List<WeightedValue>) l;
        }
        throw new IllegalArgumentException("feature '" + name + "' is not a top_k value: " + v);
    }

    @Override
    public String toString() {
        return "Profile{user=" + user + ", asOf=" + asOf + ", values=" + values + '}';
    }
}
