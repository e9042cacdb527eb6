package dev.profilekit.report;

import static dev.profilekit.report.ReportWriter.esc;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Pearson correlations of the numeric columns as a heat map with values: an HTML table (its text stays legible on a
 * phone, where it scrolls inside its box with the row names kept in view) whose cells are shaded red for positive,
 * blue for negative, stronger the larger |r|; columns are numbered, the rows name them. Each pair is correlated over
 * the profiles that have both values (pairwise complete); a column without spread is left out. The strongest pairs
 * follow as a short list.
 */
final class CorrelationMatrix {

    /** More features than this: the matrix is stacked below {@link Sections#MANY_BREAK} too, not only on a phone. */
    static final int MANY = 12;

    /** Fewest profiles with both values for a correlation to be shown. */
    static final int MIN_PAIRS = 3;
    /** Strongest pairs listed under the matrix. */
    static final int STRONGEST = 8;

    private CorrelationMatrix() {
    }

    /**
     * Pearson's r over the rows where both are finite; NaN with fewer than {@link #MIN_PAIRS} or no spread. Each
     * column is first divided by its largest magnitude (r does not change), so that values near the largest double
     * do not overflow the sums.
     */
    static double pearson(double[] x, double[] y) {
        return pearsonScaled(scaled(x), scaled(y));
    }

    private static double[] scaled(double[] column) {
        double max = 0;
        for (double v : column) {
            if (Double.isFinite(v)) {
                max = Math.max(max, Math.abs(v));
            }
        }
        double m = max;
        return m == 0 ? column : java.util.Arrays.stream(column).map(v -> v / m).toArray();
    }

    private static double pearsonScaled(double[] x, double[] y) {
        int n = 0;
        double mx = 0;
        double my = 0;
        for (int i = 0; i < x.length; i++) {
            if (Double.isFinite(x[i]) && Double.isFinite(y[i])) {
                n++;
                mx += x[i];
                my += y[i];
            }
        }
        if (n < MIN_PAIRS) {
            return Double.NaN;
        }
        mx /= n;
        my /= n;
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.length; i++) {
            if (Double.isFinite(x[i]) && Double.isFinite(y[i])) {
                double dx = x[i] - mx;
                double dy = y[i] - my;
                sxy += dx * dy;
                sxx += dx * dx;
                syy += dy * dy;
            }
        }
        if (!(sxx > 0 && syy > 0)) {
            return Double.NaN;
        }
        return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
    }

    static void write(ReportWriter w, ProfileColumns c, FeatureDefinitions defs) {
        StringBuilder h = w.html;
        h.append("<h2 id=\"correlations\">Correlations</h2>\n");
        List<String> names = new ArrayList<>();
        List<double[]> cols = new ArrayList<>();
        List<String> flat = new ArrayList<>();
        for (Map.Entry<String, double[]> e : c.numeric.entrySet()) {
            Describe d = Describe.of(e.getValue());
            if (d.count() >= MIN_PAIRS && d.min() < d.max()) {
                names.add(e.getKey());
                cols.add(e.getValue());
            } else {
                flat.add(e.getKey());
            }
        }
        if (names.size() < 2) {
            w.note("Fewer than two numeric features vary across profiles: no correlations to show.");
            return;
        }
        int k = names.size();
        double[][] r = new double[k][k];
        List<int[]> pairs = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            r[i][i] = 1;
            for (int j = 0; j < i; j++) {
                r[i][j] = r[j][i] = pearson(cols.get(i), cols.get(j));
                if (!Double.isNaN(r[i][j])) {
                    pairs.add(new int[] {i, j});
                }
            }
        }
        h.append("<p>Pearson correlation of each pair of numeric features over the profiles that have both values "
                + "(−1 to 1; red positive, blue negative). Columns are numbered as the rows.</p>\n");
        h.append("<div class=\"scroll sec\"><table class=\"heat stack").append(k > MANY ? " many" : "")
                .append("\" id=\"correlation-table\"><thead><tr>"
                + "<th class=\"sticky\">feature</th>");
        for (int j = 0; j < k; j++) {
            h.append("<th title=\"").append(esc(names.get(j))).append("\">").append(j + 1).append("</th>");
        }
        h.append("</tr></thead><tbody>\n");
        for (int i = 0; i < k; i++) {
            FeatureDefinitions.Definition d = defs.get(names.get(i));
            h.append("<tr><th class=\"sticky\"").append(d == null ? "" : " title=\"" + esc(d.text()) + "\"")
                    .append(">").append(Sections.name(i + 1 + " " + names.get(i))).append("</th>");
            for (int j = 0; j < k; j++) {
                h.append("<td data-l=\"").append(j + 1).append("\" style=\"background:").append(shade(r[i][j])).append("\">")
                        .append(Double.isNaN(r[i][j]) ? "" : rText(r[i][j])).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</tbody></table></div>\n");
        pairs.sort(Comparator.comparingDouble((int[] p) -> -Math.abs(r[p[0]][p[1]])));
        h.append("<p>Strongest pairs: ");
        for (int p = 0; p < Math.min(STRONGEST, pairs.size()); p++) {
            int[] ij = pairs.get(p);
            h.append(p == 0 ? "" : "; ").append(esc(names.get(ij[1]))).append(" and ").append(esc(names.get(ij[0])))
                    .append(" ").append(rText(r[ij[0]][ij[1]]));
        }
        h.append(".</p>\n");
        if (!flat.isEmpty()) {
            w.note("Left out (no spread, or fewer than " + MIN_PAIRS + " values): " + String.join(", ", flat) + ".");
        }
    }

    /** r with two decimals and a true minus sign. */
    static String rText(double r) {
        return String.format(Locale.ROOT, "%.2f", r).replace('-', '−');
    }

    /** The cell's colour: white at 0, red towards 1, blue towards −1; light grey for no value. */
    private static String shade(double r) {
        if (Double.isNaN(r)) {
            return "#eee";
        }
        double a = Math.min(1, Math.abs(r));
        int[] to = r >= 0 ? new int[] {0xe4, 0x57, 0x56} : new int[] {0x43, 0x7d, 0xc8};
        int red = (int) Math.round(255 + (to[0] - 255) * a);
        int green = (int) Math.round(255 + (to[1] - 255) * a);
        int blue = (int) Math.round(255 + (to[2] - 255) * a);
        return String.format(Locale.ROOT, "#%02x%02x%02x", red, green, blue);
    }
}
