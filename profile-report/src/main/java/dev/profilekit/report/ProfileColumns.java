package dev.profilekit.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The profiles as columns, one value per profile: a numeric column for each numeric feature, each numeric part of
 * an object feature ({@code order_value.mean}, {@code sessions.count}) and each live output
 * ({@code scores.propensity}, {@code forecast.next_day}); a categorical column for each string feature
 * ({@code last_value}) and each {@code top_k} (its leading value, the heaviest). A profile without the feature, or
 * with {@code null}, has no value there: NaN in a numeric column, null in a categorical one. A column with a string
 * or a list in some profile is categorical; numbers in it are read as their text.
 */
final class ProfileColumns {

    /** Numeric columns by name, in first-seen order; NaN where a profile has no value. */
    final Map<String, double[]> numeric = new LinkedHashMap<>();
    /** Categorical columns by name, in first-seen order; null where a profile has no value. */
    final Map<String, String[]> categorical = new LinkedHashMap<>();
    /** Profiles. */
    final int size;

    private ProfileColumns(int size) {
        this.size = size;
    }

    /** The columns of the profiles, in first-seen order. */
    static ProfileColumns of(List<JsonNode> profiles) {
        return of(profiles, List.of());
    }

    /**
     * The columns of the profiles: those of the given features first, in that order (a feature's parts in
     * first-seen order), then the others in first-seen order.
     */
    static ProfileColumns of(List<JsonNode> profiles, List<String> featureOrder) {
        Map<String, Boolean> seen = new LinkedHashMap<>();
        for (JsonNode p : profiles) {
            visit(p, (name, v) -> seen.merge(name, v.isTextual() || v.isArray(), Boolean::logicalOr));
        }
        // a feature that is an object in some profiles and null in others is its parts: drop the whole's column
        seen.keySet().removeIf(name -> seen.keySet().stream().anyMatch(other -> other.startsWith(name + ".")));
        Map<String, Boolean> isCategorical = new LinkedHashMap<>();
        for (String f : featureOrder) {
            seen.forEach((name, cat) -> {
                if (name.equals(f) || name.startsWith(f + ".")) {
                    isCategorical.put(name, cat);
                }
            });
        }
        seen.forEach(isCategorical::putIfAbsent);
        ProfileColumns c = new ProfileColumns(profiles.size());
        isCategorical.forEach((name, cat) -> {
            if (cat) {
                c.categorical.put(name, new String[profiles.size()]);
            } else {
                double[] col = new double[profiles.size()];
                java.util.Arrays.fill(col, Double.NaN);
                c.numeric.put(name, col);
            }
        });
        for (int i = 0; i < profiles.size(); i++) {
            int row = i;
            visit(profiles.get(i), (name, v) -> {
                String[] cat = c.categorical.get(name);
                double[] num = c.numeric.get(name);
                if (cat != null) {
                    cat[row] = text(v);
                } else if (num != null && v.isNumber() && Double.isFinite(v.asDouble())) {
                    num[row] = v.asDouble();
                }
            });
        }
        return c;
    }

    /** The finite values of a numeric column (missing ones left out). */
    static double[] present(double[] column) {
        return java.util.Arrays.stream(column).filter(Double::isFinite).toArray();
    }

    private interface Visitor {
        void value(String column, JsonNode v);
    }

    /** Every column value of one profile: features (objects by part), then scores and forecast. */
    private static void visit(JsonNode p, Visitor out) {
        fields(p.path("features"), "", out);
        fields(p.path("scores"), "scores.", out);
        fields(p.path("forecast"), "forecast.", out);
    }

    private static void fields(JsonNode o, String prefix, Visitor out) {
        if (!o.isObject()) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            String name = prefix + e.getKey();
            if (v.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> in = v.fields(); in.hasNext(); ) {
                    Map.Entry<String, JsonNode> part = in.next();
                    if (part.getValue().isNumber() || part.getValue().isNull()) {
                        out.value(name + "." + part.getKey(), part.getValue());
                    }
                }
            } else {
                out.value(name, v);
            }
        }
    }

    /** A categorical value: a string, a top_k's leading value, a number's text; null for none. */
    private static String text(JsonNode v) {
        if (v.isArray()) {
            JsonNode first = v.path(0);
            JsonNode value = first.isArray() ? first.path(0) : first;
            return value.isValueNode() && !value.isNull() ? value.asText() : null;
        }
        return v.isNull() ? null : v.asText();
    }
}
