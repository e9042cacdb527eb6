package dev.profilekit.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * What the report may use besides the profiles and the summary.
 *
 * @param schema        the profile schema the profiles were computed with (a JSON object with a {@code features}
 *                      array, as {@link ReportWriter#readJsonObject} reads it): the charts, the per-feature table and
 *                      the drift section then give each feature's unit and definition; or null
 * @param models        the models file replay ran with: the report then says what the segments are fitted on; or
 *                      null
 * @param reference     profiles of a reference run (or of the same run as of an earlier time) to measure drift
 *                      against, or null
 * @param referenceName what the reference is, as the report names it (e.g. its file name); null when there is none
 * @param audienceLog   the lines of a replay's audience log ({@code replay --audience-log}), in the order written:
 *                      the audiences section charts each audience's size over time; or null
 */
public record ReportOptions(JsonNode schema, JsonNode models, List<JsonNode> reference, String referenceName,
                            List<JsonNode> audienceLog) {

    /** No schema, no models, no reference and no audience log. */
    public static final ReportOptions NONE = new ReportOptions(null, null, null, null);

    /** Without an audience log. */
    public ReportOptions(JsonNode schema, JsonNode models, List<JsonNode> reference, String referenceName) {
        this(schema, models, reference, referenceName, null);
    }

    /**
     * Checks that a reference has a name and holds JSON objects only, and that every line of the audience log is an
     * audience change.
     *
     * @throws IllegalArgumentException if a reference has no name or holds a non-object, or a line of the audience
     *                                  log is not an audience change (naming the line)
     */
    public ReportOptions {
        if (reference != null) {
            if (referenceName == null || referenceName.isBlank()) {
                throw new IllegalArgumentException("a reference needs a name");
            }
            for (int i = 0; i < reference.size(); i++) {
                if (reference.get(i) == null || !reference.get(i).isObject()) {
                    throw new IllegalArgumentException("reference profiles[" + i + "] must be a JSON object");
                }
            }
            reference = List.copyOf(reference);
        }
        if (audienceLog != null) {
            audienceLog = List.copyOf(audienceLog);
            AudienceSection.fold(audienceLog); // every line is an audience change, or this names the first that is not
        }
    }
}
