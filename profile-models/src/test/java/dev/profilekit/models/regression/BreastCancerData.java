package dev.profilekit.models.regression;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Test data: the Breast Cancer Wisconsin data (569 x 30, labels 0/1) from the classpath resource
 * {@code /breast-cancer.csv}, a copy of the X and y of the breast-cancer-logreg fixture.
 */
public final class BreastCancerData {

    public final double[][] x;
    public final int[] y;
    public final List<String> names;

    private BreastCancerData(double[][] x, int[] y, List<String> names) {
        this.x = x;
        this.y = y;
        this.names = names;
    }

    public static BreastCancerData load() {
        try (InputStream in = BreastCancerData.class.getResourceAsStream("/breast-cancer.csv")) {
            if (in == null) {
                throw new IllegalStateException("resource /breast-cancer.csv not found");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            List<String> names = null;
            List<double[]> rows = new ArrayList<>();
            List<Integer> labels = new ArrayList<>();
            for (String line; (line = reader.readLine()) != null; ) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String[] parts = line.split(",");
                if (names == null) {
                    names = List.of(Arrays.copyOf(parts, parts.length - 1));
                    continue;
                }
                double[] row = new double[parts.length - 1];
                for (int j = 0; j < row.length; j++) {
                    row[j] = Double.parseDouble(parts[j]);
                }
                rows.add(row);
                labels.add(Integer.parseInt(parts[parts.length - 1]));
            }
            return new BreastCancerData(rows.toArray(new double[0][]),
                    labels.stream().mapToInt(Integer::intValue).toArray(), names);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Column z-scores with the population standard deviation. */
    public static double[][] standardise(double[][] x) {
        int n = x.length;
        int d = x[0].length;
        double[] mean = new double[d];
        double[] sd = new double[d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                mean[j] += row[j] / n;
            }
        }
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                sd[j] += (row[j] - mean[j]) * (row[j] - mean[j]) / n;
            }
        }
        double[][] z = new double[n][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                z[i][j] = (x[i][j] - mean[j]) / Math.sqrt(sd[j]);
            }
        }
        return z;
    }

    /**
     * Gradient of sum_i c_i logloss_i + (lambda/2)||w||^2 at (b, w), computed naively (no shared code with the
     * library): used to check that a fit is a stationary point.
     */
    public static double[] gradient(double[][] x, int[] y, double b, double[] w, double lambda, double c0, double c1) {
        double[] g = new double[w.length + 1];
        for (int i = 0; i < x.length; i++) {
            double z = b;
            for (int j = 0; j < w.length; j++) {
                z += w[j] * x[i][j];
            }
            double p = 1 / (1 + Math.exp(-z));
            double c = y[i] == 1 ? c1 : c0;
            g[0] += c * (p - y[i]);
            for (int j = 0; j < w.length; j++) {
                g[j + 1] += c * (p - y[i]) * x[i][j];
            }
        }
        for (int j = 0; j < w.length; j++) {
            g[j + 1] += lambda * w[j];
        }
        return g;
    }

    public static double norm(double[] v) {
        double s = 0;
        for (double e : v) {
            s += e * e;
        }
        return Math.sqrt(s);
    }

    /** Mean log loss of the model on (x, y), computed naively. */
    public static double meanLogLoss(double[][] x, int[] y, double b, double[] w) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            double z = b;
            for (int j = 0; j < w.length; j++) {
                z += w[j] * x[i][j];
            }
            double p = 1 / (1 + Math.exp(-z));
            s -= y[i] == 1 ? Math.log(p) : Math.log(1 - p);
        }
        return s / x.length;
    }
}
