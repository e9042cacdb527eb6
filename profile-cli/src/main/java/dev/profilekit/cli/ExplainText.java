package dev.profilekit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code query --explain} for a person: the JSON of an explanation ({@code ExplanationJson}) as three blocks of
 * aligned rows, numbers with at most 6 significant digits.
 */
final class ExplainText {

    private ExplainText() {
    }

    /** The propensity, segments and forecast blocks, each after a blank line; a missing part says so. */
    static String render(JsonNode e) {
        StringBuilder sb = new StringBuilder();
        propensity(e.path("propensity"), sb);
        segments(e.path("segments"), sb);
        forecast(e.path("forecast"), sb);
        return sb.toString();
    }

    private static void propensity(JsonNode p, StringBuilder sb) {
        sb.append('\n');
        if (!p.isObject()) {
            sb.append("propensity  (no fitted model)\n");
            return;
        }
        sb.append("propensity  ").append(num(p.get("score"))).append(" = sigmoid(logit ").append(num(p.get("logit")))
                .append("), model version ").append(p.path("version").asText()).append('\n');
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"input", "raw", "z-score", "weight", "contribution"});
        rows.add(new String[] {"(intercept)", "", "", "", num(p.get("intercept"))});
        for (JsonNode c : p.path("contributions")) {
            rows.add(new String[] {c.path("input").asText(), num(c.get("raw")), num(c.get("transformed")),
                    num(c.get("weight")), num(c.get("contribution"))});
        }
        table(rows, sb);
    }

    private static void segments(JsonNode s, StringBuilder sb) {
        sb.append('\n');
        if (!s.isObject()) {
            sb.append("segment  (no fitted segments)\n");
            return;
        }
        int next = s.path("next_nearest").asInt(-1);
        sb.append("segment  ").append(s.path("segment").asText()).append(" (nearest centroid; version ")
                .append(s.path("version").asText()).append(next >= 0 ? "; next nearest " + next : "").append(")\n");
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"segment", "distance"});
        for (JsonNode d : s.path("distances")) {
            rows.add(new String[] {d.get(0).asText(), num(d.get(1))});
        }
        table(rows, sb);
        if (next >= 0) {
            rows = new ArrayList<>();
            rows.add(new String[] {"input", "closer to " + s.path("segment").asText() + " than to " + next + " by"});
            for (JsonNode d : s.path("separating")) {
                rows.add(new String[] {d.get(0).asText(), num(d.get(1))});
            }
            table(rows, sb);
        }
    }

    private static void forecast(JsonNode f, StringBuilder sb) {
        sb.append('\n');
        if (!f.isObject()) {
            sb.append("forecast  (not configured)\n");
            return;
        }
        JsonNode i = f.path("interval");
        sb.append("forecast  next day ").append(num(f.get("next_day"))).append(" (").append(f.path("method").asText())
                .append(", version ").append(f.path("version").asText()).append(')')
                .append(i.isObject() ? ", 95% interval " + num(i.get("lower")) + " to " + num(i.get("upper")) : "")
                .append('\n');
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"input", "value"});
        for (JsonNode in : f.path("inputs")) {
            rows.add(new String[] {in.get(0).asText(), num(in.get(1))});
        }
        table(rows, sb);
    }

    private static String num(JsonNode v) {
        return v == null ? "-" : QueryCommand.text(v);
    }

    /** Rows indented by two spaces, each column padded to its widest cell plus two spaces. */
    static void table(List<String[]> rows, StringBuilder sb) {
        int[] width = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int c = 0; c < r.length; c++) {
                width[c] = Math.max(width[c], r[c].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder("  ");
            for (int c = 0; c < r.length; c++) {
                line.append(r[c]).append(c + 1 < r.length ? " ".repeat(width[c] - r[c].length() + 2) : "");
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
    }
}
