package dev.profilekit.kafka.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Folds audience change lines (as {@code replay --audience-log} and the runner's audience topic write them) into each
 * user's membership history, "from t on": an ENTER or EXIT at t replaces the membership from t on, a REVISE replaces
 * it from its {@code from} by its intervals. A suffix of changes delivered twice (at least once, after a restart)
 * folds to the same history as one delivery.
 */
public final class AudienceFold {

    private static final ObjectMapper JSON = new ObjectMapper();

    private AudienceFold() {
    }

    /**
     * Per user and audience, the times membership changes and the membership from then on (only real changes, and
     * only audiences the user was ever a member of).
     */
    public static Map<String, Map<String, TreeMap<Long, Boolean>>> fromTimeOn(List<String> lines) throws IOException {
        Map<String, Map<String, TreeMap<Long, Boolean>>> h = new TreeMap<>();
        for (String l : lines) {
            JsonNode n = JSON.readTree(l);
            TreeMap<Long, Boolean> m = h.computeIfAbsent(n.get("user").asText(), k -> new TreeMap<>())
                    .computeIfAbsent(n.get("audience").asText(), k -> new TreeMap<>());
            String change = n.get("change").asText();
            long from = change.equals("revise") ? n.get("from").asLong() : n.get("ts").asLong();
            m.tailMap(from, true).clear();
            switch (change) {
                case "enter" -> m.put(from, true);
                case "exit" -> m.put(from, false);
                case "revise" -> {
                    m.put(from, false);
                    for (JsonNode iv : n.get("intervals")) {
                        m.put(iv.get(0).asLong(), true);
                        if (!iv.get(1).isNull()) {
                            m.put(iv.get(1).asLong(), false);
                        }
                    }
                }
                default -> throw new IllegalArgumentException("unknown change in " + l);
            }
        }
        for (Map<String, TreeMap<Long, Boolean>> byAudience : h.values()) {
            for (TreeMap<Long, Boolean> m : byAudience.values()) {
                boolean in = false;
                for (Iterator<Map.Entry<Long, Boolean>> it = m.entrySet().iterator(); it.hasNext(); ) {
                    Map.Entry<Long, Boolean> e = it.next();
                    if (e.getValue() == in) {
                        it.remove();
                    } else {
                        in = e.getValue();
                    }
                }
            }
            byAudience.values().removeIf(Map::isEmpty); // never a member
        }
        h.values().removeIf(Map::isEmpty);
        return h;
    }
}
