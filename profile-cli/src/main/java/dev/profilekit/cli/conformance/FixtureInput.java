package dev.profilekit.cli.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the inputs of a reference fixture (see the fixtures README): its data fields and the parameters its
 * {@code task} sentence states. Every reader fails with an {@link IllegalArgumentException} that names the field
 * and, for an element, its index. Shared by the {@code *Conformance} handlers; never reads {@code expected}.
 */
final class FixtureInput {

    private static final Pattern THRESHOLD =
            Pattern.compile("threshold\\s*=?\\s*([0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?)");

    private FixtureInput() {
    }

    /** The field {@code name}; fails when it is missing or JSON null. */
    static JsonNode field(JsonNode fixture, String name) {
        JsonNode f = fixture.get(name);
        if (f == null || f.isNull()) {
            throw new IllegalArgumentException("fixture has no field '" + name + "'");
        }
        return f;
    }

    /** The integer field {@code name} (e.g. {@code k}, {@code steps}). */
    static int intField(JsonNode fixture, String name) {
        JsonNode f = fixture.get(name);
        if (f == null || !f.canConvertToInt()) {
            throw new IllegalArgumentException("fixture has no integer field '" + name + "', was " + f);
        }
        return f.intValue();
    }

    /** The array of numbers in field {@code name}. */
    static double[] vector(JsonNode fixture, String name) {
        return numbers(field(fixture, name), name, false);
    }

    /** Like {@link #vector} but a JSON null element is read as NaN (a missing value). */
    static double[] vectorWithMissing(JsonNode fixture, String name) {
        return numbers(field(fixture, name), name, true);
    }

    /** The non-empty, rectangular array of rows of numbers in field {@code name}. */
    static double[][] matrix(JsonNode fixture, String name) {
        return rows(fixture, name, false);
    }

    /** Like {@link #matrix} but a JSON null element is read as NaN (a missing value). */
    static double[][] matrixWithMissing(JsonNode fixture, String name) {
        return rows(fixture, name, true);
    }

    /** The array of integer class labels in field {@code name} (numbers with no fractional part). */
    static int[] labels(JsonNode fixture, String name) {
        double[] v = vector(fixture, name);
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            if (v[i] != Math.rint(v[i])) {
                throw new IllegalArgumentException("fixture field '" + name + "' element " + i
                        + " must be an integer label, was " + v[i]);
            }
            out[i] = (int) v[i];
        }
        return out;
    }

    /** The fixture's {@code feature_names} if it has them, else null. */
    static List<String> featureNames(JsonNode fixture) {
        JsonNode f = fixture.get("feature_names");
        if (f == null || !f.isArray()) {
            return null;
        }
        List<String> out = new ArrayList<>();
        f.forEach(e -> out.add(e.asText()));
        return out;
    }

    /** The number after {@code key=} in the task sentence, or {@code fallback} when the task does not state it. */
    static double taskParameter(JsonNode fixture, String key, double fallback) {
        return taskNumber(fixture, Pattern.compile("\\b" + Pattern.quote(key) + "\\s*=\\s*([-+0-9.eE]+)"), fallback);
    }

    /** The number after {@code threshold} (with or without {@code =}) in the task sentence, or {@code fallback}. */
    static double threshold(JsonNode fixture, double fallback) {
        return taskNumber(fixture, THRESHOLD, fallback);
    }

    private static double taskNumber(JsonNode fixture, Pattern pattern, double fallback) {
        JsonNode task = fixture.get("task");
        if (task == null || !task.isTextual()) {
            return fallback;
        }
        Matcher m = pattern.matcher(task.asText());
        return m.find() ? Double.parseDouble(m.group(1)) : fallback;
    }

    private static double[][] rows(JsonNode fixture, String name, boolean nullIsNaN) {
        JsonNode f = field(fixture, name);
        if (!f.isArray() || f.isEmpty()) {
            throw new IllegalArgumentException("fixture field '" + name + "' must be a non-empty array of rows");
        }
        double[][] out = new double[f.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = numbers(f.get(i), name + "[" + i + "]", nullIsNaN);
            if (out[i].length != out[0].length) {
                throw new IllegalArgumentException("fixture field '" + name + "' row " + i + " has " + out[i].length
                        + " values, row 0 has " + out[0].length);
            }
        }
        return out;
    }

    private static double[] numbers(JsonNode a, String where, boolean nullIsNaN) {
        if (!a.isArray()) {
            throw new IllegalArgumentException("fixture field '" + where + "' must be an array of numbers");
        }
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = a.get(i);
            if (v.isNumber()) {
                out[i] = v.doubleValue();
            } else if (nullIsNaN && v.isNull()) {
                out[i] = Double.NaN;
            } else {
                throw new IllegalArgumentException("fixture value " + where + "[" + i + "] must be a number, was " + v);
            }
        }
        return out;
    }
}
