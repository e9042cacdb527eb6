package dev.profilekit.report;

import static dev.profilekit.report.ReportWriter.esc;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Drift: the population stability index ({@link Psi}) of every feature, in up to two tables.
 * <ol>
 *   <li>Within the run: the profiles whose time (a row's {@code "ts"}, as {@code dataset} writes rows, else its
 *       {@code "as_of"}) falls in the first quarter of the time span against those in the last quarter, the first
 *       quarter being the reference. A replay's profiles are all as of one time, so this needs rows at several
 *       times; otherwise a note says so.</li>
 *   <li>Against a reference run ({@link ReportOptions#reference()}, {@code report --reference}): the reference's
 *       profiles against these.</li>
 * </ol>
 */
final class DriftSection {

    private DriftSection() {
    }

    static void write(ReportWriter w, List<JsonNode> profiles, ProfileColumns c, FeatureDefinitions defs,
                      ReportOptions options) {
        StringBuilder h = w.html;
        h.append("<h2 id=\"drift\">Drift</h2>\n");
        h.append("<p>Population stability index (PSI) of each feature between a reference sample and a current one: "
                + "PSI = Σ (q − p)·ln(q/p) over bins, p and q being the shares of the reference's and the current "
                + "profiles in a bin. Numeric bins are cut at the reference's deciles (nearest rank; equal deciles cut "
                + "once); categorical bins are the reference's values plus one for values it never had; profiles "
                + "without a value form one more bin. An empty bin counts as a share of ").append(new java.math.BigDecimal(Double.toString(Psi.EPSILON)).stripTrailingZeros().toPlainString())
                .append(". Below ").append(Psi.MODERATE).append(" stable, ").append(Psi.MODERATE).append(" to ")
                .append(Psi.MAJOR).append(" a moderate shift, ").append(Psi.MAJOR)
                .append(" and above a major shift. Features marked † (counts, sums) grow with the length of a "
                        + "user's history: against a reference taken earlier in the same run they shift by "
                        + "construction; decayed and windowed counts (once a few half-lives or a window have passed "
                        + "since the start), recency, means and ratios compare like with like.</p>\n");
        withinRun(w, profiles, defs, options.reference() != null);
        if (options.reference() == null) {
            w.note("No reference run given (report --reference P.jsonl): no drift against another run.");
        } else {
            h.append("<h3 id=\"drift-reference\">Against the reference</h3>\n<p>Reference: ")
                    .append(esc(options.referenceName())).append(" (").append(options.reference().size())
                    .append(" profiles); current: these ").append(profiles.size()).append(" profiles.</p>\n");
            table(w, ProfileColumns.of(options.reference(), defs.order()), c, defs, "drift-reference-table");
        }
    }

    /** The first quarter of the profiles' time span against the last. */
    private static void withinRun(ReportWriter w, List<JsonNode> profiles, FeatureDefinitions defs,
                                  boolean hasReference) {
        long lo = Long.MAX_VALUE;
        long hi = Long.MIN_VALUE;
        long[] t = new long[profiles.size()];
        for (int i = 0; i < t.length; i++) {
            t[i] = time(profiles.get(i));
            if (t[i] != Long.MIN_VALUE) {
                lo = Math.min(lo, t[i]);
                hi = Math.max(hi, t[i]);
            }
        }
        if (lo >= hi) {
            w.note(hasReference
                    ? "All profiles are as of one time (replay writes each user's state at the end of the run), so "
                            + "drift within the run is not shown; the reference run below is compared instead."
                    : "All profiles are as of one time (replay writes each user's state at the end of the run), so the "
                            + "first and the last quarter of the run cannot be told apart in them: pass profiles written "
                            + "by replay --as-of at the end of the first quarter as --reference (the demo does), or rows "
                            + "at several times, as dataset writes them.");
            return;
        }
        double quarter = (hi - (double) lo) / 4;
        List<JsonNode> first = new ArrayList<>();
        List<JsonNode> last = new ArrayList<>();
        for (int i = 0; i < t.length; i++) {
            if (t[i] != Long.MIN_VALUE && t[i] < lo + quarter) {
                first.add(profiles.get(i));
            } else if (t[i] != Long.MIN_VALUE && t[i] > hi - quarter) {
                last.add(profiles.get(i));
            }
        }
        w.html.append("<h3 id=\"drift-quarters\">First against last quarter of the run</h3>\n<p>Reference: the ")
                .append(first.size()).append(" rows dated ").append(Instant.ofEpochMilli(lo)).append(" to before ")
                .append(Instant.ofEpochMilli(lo + (long) quarter)).append("; current: the ").append(last.size())
                .append(" rows dated after ").append(Instant.ofEpochMilli(hi - (long) quarter)).append(" to ")
                .append(Instant.ofEpochMilli(hi)).append(".</p>\n");
        table(w, ProfileColumns.of(first, defs.order()), ProfileColumns.of(last, defs.order()), defs, "drift-quarters-table");
    }

    /** A row's time: its {@code ts}, else its {@code as_of} (epoch ms); {@link Long#MIN_VALUE} for none. */
    static long time(JsonNode p) {
        JsonNode t = p.get("ts");
        if (t == null || !t.canConvertToLong()) {
            t = p.get("as_of");
        }
        return t != null && t.isIntegralNumber() && t.canConvertToLong() ? t.asLong() : Long.MIN_VALUE;
    }

    private static void table(ReportWriter w, ProfileColumns ref, ProfileColumns cur, FeatureDefinitions defs,
                              String id) {
        StringBuilder h = w.html;
        h.append("<div class=\"scroll sec\"><table id=\"").append(id).append("\"><thead><tr><th class=\"sticky\">feature"
                + "</th><th>PSI</th><th>reading</th></tr></thead><tbody>\n");
        cur.numeric.forEach((name, column) -> {
            double[] r = ref.numeric.get(name);
            row(h, name, defs, r == null ? Double.NaN : Psi.numeric(r, column), r == null);
        });
        cur.categorical.forEach((name, column) -> {
            String[] r = ref.categorical.get(name);
            row(h, name, defs, r == null ? Double.NaN : Psi.categorical(r, column), r == null);
        });
        h.append("</tbody></table></div>\n");
    }

    private static void row(StringBuilder h, String name, FeatureDefinitions defs, double psi, boolean absent) {
        String verdict = Psi.verdict(psi);
        FeatureDefinitions.Definition d = defs.get(name);
        h.append("<tr").append(verdict.startsWith("moderate") ? " class=\"shift-moderate\""
                : verdict.startsWith("major") ? " class=\"shift-major\"" : "").append("><th class=\"sticky\"")
                .append(d == null ? "" : " title=\"" + esc(d.text()) + "\"").append(">").append(Sections.name(name + (d != null && d.cumulative() ? " †" : ""))).append("</th>").append(Sections.td("PSI")).append(Double.isNaN(psi) ? "" : psiText(psi)).append("</td><td data-l=\"reading\" class=\"wide\">")
                .append(absent ? "not in the reference" : Double.isNaN(psi) ? "no value in the reference" : verdict)
                .append("</td></tr>\n");
    }

    /** A PSI with three decimals, the precision its thresholds need. */
    static String psiText(double psi) {
        return String.format(java.util.Locale.ROOT, "%.3f", psi);
    }
}
