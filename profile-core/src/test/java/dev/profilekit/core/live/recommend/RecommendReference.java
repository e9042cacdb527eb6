package dev.profilekit.core.live.recommend;

import dev.profilekit.core.engine.Event;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Brute-force recomputation of the live recommender's definitions from a list of events, written from the
 * formulas (not from the incremental code): the engine's acceptance rule picks the events, then affinities
 * {@code r_ui(T) = Σ w 2^(-(T - t)/h)}, co-occurrence {@code C_ij = Σ_u r_ui r_uj}, norms {@code N_i = Σ_u r_ui²},
 * cosine, and a user's score {@code Σ_i r_ui sim(i, j) / Σ_i r_ui} with {@code sim(i, i) = 1}.
 */
final class RecommendReference {

    final Map<String, Map<String, Double>> affinity = new LinkedHashMap<>(); // user -> item -> r(T)
    final Map<String, Set<String>> excluded = new HashMap<>();
    final Set<String> items = new TreeSet<>();
    /** The time the affinities are as of: the latest accepted event counted. */
    final long end;

    /**
     * @param events      in arrival order
     * @param latenessMs  the schema's allowed lateness
     * @param applyUpTo   only accepted events at or before it count
     */
    RecommendReference(List<Event> events, long latenessMs, long applyUpTo, RecommendConfig config) {
        Map<String, Set<String>> seen = new HashMap<>();
        Map<String, Long> maxAccepted = new HashMap<>();
        List<Event> accepted = new ArrayList<>();
        for (Event e : events) {
            Set<String> ids = seen.computeIfAbsent(e.user(), x -> new HashSet<>());
            Long max = maxAccepted.get(e.user());
            if (ids.contains(e.id()) || (max != null && e.timestamp() < max - latenessMs)) {
                continue; // duplicate or late
            }
            ids.add(e.id());
            maxAccepted.put(e.user(), max == null ? e.timestamp() : Math.max(max, e.timestamp()));
            if (e.timestamp() <= applyUpTo) {
                accepted.add(e);
            }
        }
        end = accepted.stream().mapToLong(Event::timestamp).max().orElse(0);
        double h = config.halfLife().toMillis();
        for (Event e : accepted) {
            Object item = e.attr(config.itemField());
            if (!(item instanceof String name)) {
                continue;
            }
            Double w = config.weights().get(e.type());
            if (w != null) {
                items.add(name);
                affinity.computeIfAbsent(e.user(), x -> new LinkedHashMap<>())
                        .merge(name, w * Math.pow(2, -(end - e.timestamp()) / h), Double::sum);
            }
            if (config.exclude().contains(e.type())) {
                excluded.computeIfAbsent(e.user(), x -> new HashSet<>()).add(name);
            }
        }
    }

    double cooccurrence(String i, String j) {
        double c = 0;
        for (Map<String, Double> r : affinity.values()) {
            c += r.getOrDefault(i, 0.0) * r.getOrDefault(j, 0.0);
        }
        return c;
    }

    double similarity(String i, String j) {
        if (i.equals(j)) {
            return 1;
        }
        double n = Math.sqrt(cooccurrence(i, i) * cooccurrence(j, j));
        return n == 0 ? 0 : cooccurrence(i, j) / n;
    }

    /** Scores of every item with a positive score and not excluded for the user. */
    Map<String, Double> scores(String user) {
        Map<String, Double> r = affinity.getOrDefault(user, Map.of());
        double total = r.values().stream().mapToDouble(Double::doubleValue).sum();
        Map<String, Double> out = new HashMap<>();
        for (String j : items) {
            if (excluded.getOrDefault(user, Set.of()).contains(j)) {
                continue;
            }
            double s = 0;
            for (Map.Entry<String, Double> e : r.entrySet()) {
                s += e.getValue() * similarity(e.getKey(), j);
            }
            if (s > 0) {
                out.put(j, s / total);
            }
        }
        return out;
    }
}
