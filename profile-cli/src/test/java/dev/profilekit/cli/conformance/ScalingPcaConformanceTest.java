package dev.profilekit.cli.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The {@code scaling-pca} fixture (iris, scikit-learn 1.2.1) through {@link Conformance#run}, with the README's
 * tolerances, plus a second dataset whose answer follows from invariance: a positive per-column affine map
 * of X leaves the standardised data, hence the whole PCA, unchanged, and maps mean and std linearly.
 */
class ScalingPcaConformanceTest {

    /** README: mean, std within 1e-9 relative. */
    static final double MOMENT_REL = 1e-9;
    /** README: explained variance and ratio within 1e-8 relative. */
    static final double VARIANCE_REL = 1e-8;
    /** README: components and projections within 1e-6 absolute, up to sign per component. */
    static final double COMPONENT_ABS = 1e-6;

    static final ObjectMapper MAPPER = new ObjectMapper();

    static JsonNode load(String name) throws IOException {
        try (InputStream in = ScalingPcaConformanceTest.class.getResourceAsStream("/fixtures/" + name)) {
            assertThat(in).as("fixture %s on the classpath", name).isNotNull();
            return MAPPER.readTree(in);
        }
    }

    @Test
    void irisFixtureMatchesScikitLearn() throws IOException {
        JsonNode fixture = load("iris-scaling-pca.json");
        ObjectNode actual = Conformance.run(fixture);
        JsonNode expected = fixture.get("expected");
        assertKeysEqual(actual, expected);
        check(actual, expected);
    }

    @Test
    void affineTransformedAndPermutedIrisGivesTheSamePca() throws IOException {
        JsonNode fixture = load("iris-scaling-pca.json");
        double[] a = {2.5, 0.5, 10.0, 3.0};
        double[] b = {-4.0, 100.0, 0.25, -1.0};
        ArrayNode x = (ArrayNode) fixture.get("X");
        int n = x.size();
        // keep the first five rows (their projections are reported), shuffle the rest
        List<Integer> order = new ArrayList<>();
        for (int i = 5; i < n; i++) {
            order.add(i);
        }
        java.util.Collections.shuffle(order, new java.util.Random(7));
        ArrayNode x2 = MAPPER.createArrayNode();
        for (int i = 0; i < n; i++) {
            JsonNode row = x.get(i < 5 ? i : order.get(i - 5));
            ArrayNode r = MAPPER.createArrayNode();
            for (int j = 0; j < row.size(); j++) {
                r.add(a[j] * row.get(j).doubleValue() + b[j]);
            }
            x2.add(r);
        }
        ObjectNode copy = MAPPER.createObjectNode();
        copy.put("kind", "scaling-pca");
        copy.set("X", x2);
        ObjectNode actual = Conformance.run(copy);

        ObjectNode expected = ((ObjectNode) fixture.get("expected")).deepCopy();
        ArrayNode mean = MAPPER.createArrayNode();
        ArrayNode std = MAPPER.createArrayNode();
        for (int j = 0; j < a.length; j++) {
            mean.add(a[j] * expected.get("mean").get(j).doubleValue() + b[j]);
            std.add(a[j] * expected.get("std").get(j).doubleValue());
        }
        expected.set("mean", mean);
        expected.set("std", std);
        check(actual, expected);
    }

    @Test
    void worksForOtherShapes() {
        // 12 x 3 random data: the ratio sums to 1, components are orthonormal, and there are min(n, d) of them
        SplittableRandom rnd = new SplittableRandom(11);
        ArrayNode x = MAPPER.createArrayNode();
        for (int i = 0; i < 12; i++) {
            ArrayNode r = x.addArray();
            for (int j = 0; j < 3; j++) {
                r.add(rnd.nextGaussian() * (j + 1));
            }
        }
        ObjectNode f = MAPPER.createObjectNode();
        f.put("kind", "scaling-pca");
        f.set("X", x);
        ObjectNode out = Conformance.run(f);
        double sum = 0;
        for (JsonNode v : out.get("pca_explained_variance_ratio")) {
            sum += v.doubleValue();
        }
        assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-12));
        // standardised data: total variance (ddof 1) = d * n / (n - 1)
        double ev = 0;
        for (JsonNode v : out.get("pca_explained_variance_ddof1")) {
            ev += v.doubleValue();
        }
        assertThat(ev).isCloseTo(3 * 12.0 / 11, org.assertj.core.data.Offset.offset(1e-12));
        JsonNode c = out.get("pca_components_rows_sign_free");
        for (int p = 0; p < 3; p++) {
            for (int q = 0; q < 3; q++) {
                double dot = 0;
                for (int j = 0; j < 3; j++) {
                    dot += c.get(p).get(j).doubleValue() * c.get(q).get(j).doubleValue();
                }
                assertThat(dot).isCloseTo(p == q ? 1 : 0, org.assertj.core.data.Offset.offset(1e-12));
            }
        }
    }

    static void assertKeysEqual(JsonNode actual, JsonNode expected) {
        List<String> a = new ArrayList<>();
        actual.fieldNames().forEachRemaining(a::add);
        List<String> e = new ArrayList<>();
        expected.fieldNames().forEachRemaining(e::add);
        assertThat(a).containsExactlyInAnyOrderElementsOf(e);
    }

    static void check(JsonNode actual, JsonNode expected) {
        report("mean", relative(actual.get("mean"), expected.get("mean"), MOMENT_REL));
        report("std", relative(actual.get("std"), expected.get("std"), MOMENT_REL));
        report("pca_explained_variance_ddof1",
                relative(actual.get("pca_explained_variance_ddof1"), expected.get("pca_explained_variance_ddof1"), VARIANCE_REL));
        report("pca_explained_variance_ratio",
                relative(actual.get("pca_explained_variance_ratio"), expected.get("pca_explained_variance_ratio"), VARIANCE_REL));
        JsonNode ac = actual.get("pca_components_rows_sign_free");
        JsonNode ec = expected.get("pca_components_rows_sign_free");
        JsonNode ap = actual.get("pca_projection_first5_sign_free");
        JsonNode ep = expected.get("pca_projection_first5_sign_free");
        assertThat(ac.size()).isEqualTo(ec.size());
        assertThat(ap.size()).isEqualTo(ep.size());
        double maxComp = 0;
        double maxProj = 0;
        for (int k = 0; k < ec.size(); k++) {
            // one sign per component, shared by the component row and its projection column
            double sign = Math.signum(dot(ac.get(k), ec.get(k)));
            assertThat(sign).as("component %d sign", k).isNotZero();
            assertThat(ac.get(k).size()).isEqualTo(ec.get(k).size());
            for (int j = 0; j < ec.get(k).size(); j++) {
                double dev = Math.abs(sign * ac.get(k).get(j).doubleValue() - ec.get(k).get(j).doubleValue());
                assertThat(dev).as("component %d entry %d", k, j).isLessThanOrEqualTo(COMPONENT_ABS);
                maxComp = Math.max(maxComp, dev);
            }
            for (int i = 0; i < ep.size(); i++) {
                assertThat(ap.get(i).size()).isEqualTo(ep.get(i).size());
                double dev = Math.abs(sign * ap.get(i).get(k).doubleValue() - ep.get(i).get(k).doubleValue());
                assertThat(dev).as("projection row %d component %d", i, k).isLessThanOrEqualTo(COMPONENT_ABS);
                maxProj = Math.max(maxProj, dev);
            }
        }
        report("pca_components_rows_sign_free (abs)", maxComp);
        report("pca_projection_first5_sign_free (abs)", maxProj);
    }

    private static double dot(JsonNode a, JsonNode b) {
        double s = 0;
        for (int j = 0; j < a.size(); j++) {
            s += a.get(j).doubleValue() * b.get(j).doubleValue();
        }
        return s;
    }

    static double relative(JsonNode actual, JsonNode expected, double tol) {
        assertThat(actual).isNotNull();
        assertThat(actual.size()).isEqualTo(expected.size());
        double max = 0;
        Iterator<JsonNode> ai = actual.elements();
        Iterator<JsonNode> ei = expected.elements();
        for (int i = 0; ei.hasNext(); i++) {
            double a = ai.next().doubleValue();
            double e = ei.next().doubleValue();
            double rel = Math.abs(a - e) / Math.max(Math.abs(e), Double.MIN_NORMAL);
            assertThat(rel).as("index %d: %s vs expected %s", i, a, e).isLessThanOrEqualTo(tol);
            max = Math.max(max, rel);
        }
        return max;
    }

    private static void report(String key, double maxDeviation) {
        // visible in the surefire output, so the report can quote the deviations
        System.err.printf("scaling-pca %s max deviation %.3e%n", key, maxDeviation);
    }
}
