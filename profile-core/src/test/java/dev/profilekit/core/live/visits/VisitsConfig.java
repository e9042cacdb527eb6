package dev.profilekit.core.live.visits;

import com.fasterxml.jackson.databind.JsonNode;
import dev.profilekit.core.live.ConfigNodes;
import java.util.Set;

/**
 * The section of a test-only kind of live model, {@code "visits": {"type": "view", "publish_every": 10}}: each
 * user's count of {@code type} events, and a published total.
 *
 * @param type         the event type counted
 * @param publishEvery a new version is published every this many counted events
 */
public record VisitsConfig(String type, int publishEvery) {

    /** Validates. */
    public VisitsConfig {
        ConfigNodes.require(type != null && !type.isBlank(), "visits.type", "must be a non-blank string", type);
        ConfigNodes.require(publishEvery >= 1 && publishEvery <= ConfigNodes.MAX_COUNT, "visits.publish_every",
                "must be between 1 and " + ConfigNodes.MAX_COUNT, publishEvery);
    }

    static VisitsConfig parse(JsonNode n) {
        ConfigNodes.object(n, "visits");
        ConfigNodes.keys(n, "visits.", Set.of("type", "publish_every"));
        return new VisitsConfig(ConfigNodes.requiredText(n, "type", "visits"),
                ConfigNodes.integer(n, "publish_every", "visits", 10));
    }
}
