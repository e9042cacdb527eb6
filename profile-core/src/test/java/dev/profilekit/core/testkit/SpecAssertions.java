package dev.profilekit.core.testkit;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Compares profiles with the specification's rule: values that sum doubles agree within
 * 1e-9 · max(1, |expected|); everything else (integers, strings, nulls, keys and their order) exactly.
 * Shared with the CLI tests through the test jar.
 */
public final class SpecAssertions {

    /** The specification's relative tolerance for summed doubles. */
    public static final double SPEC_TOLERANCE = 1e-9;
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private SpecAssertions() {
    }

    /** Reads a classpath resource as JSON lines (blank lines skipped). */
    public static List<JsonNode> jsonLines(String resource) {
        List<JsonNode> out = new ArrayList<>();
        for (String line : lines(resource)) {
            if (!line.isBlank()) {
                try {
                    out.add(MAPPER.readTree(line));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return out;
    }

    /** Reads a classpath resource as lines, keeping blank lines. */
    public static List<String> lines(String resource) {
        try (InputStream in = SpecAssertions.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + resource);
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            List<String> out = new ArrayList<>();
            for (String l; (l = r.readLine()) != null; ) {
                out.add(l);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a classpath resource as text. */
    public static String text(String resource) {
        return String.join("\n", lines(resource));
    }

    /** Asserts that {@code actual} matches {@code expected} under the specification's rule. */
    public static void assertSpecEqual(JsonNode expected, JsonNode actual, String path) {
        if (expected.isObject()) {
            if (!actual.isObject()) {
                fail("%s: expected an object, got %s", path, actual);
            }
            List<String> ek = new ArrayList<>();
            expected.fieldNames().forEachRemaining(ek::add);
            List<String> ak = new ArrayList<>();
            actual.fieldNames().forEachRemaining(ak::add);
            if (!ek.equals(ak)) {
                fail("%s: keys %s, expected %s", path, ak, ek);
            }
            for (Iterator<String> it = expected.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                assertSpecEqual(expected.get(k), actual.get(k), path + "." + k);
            }
        } else if (expected.isArray()) {
            if (!actual.isArray() || actual.size() != expected.size()) {
                fail("%s: expected %s, got %s", path, expected, actual);
            }
            for (int i = 0; i < expected.size(); i++) {
                assertSpecEqual(expected.get(i), actual.get(i), path + "[" + i + "]");
            }
        } else if (expected.isFloatingPointNumber()) {
            double e = expected.asDouble();
            if (!actual.isNumber() || Math.abs(actual.asDouble() - e) > SPEC_TOLERANCE * Math.max(1, Math.abs(e))) {
                fail("%s: expected %s, got %s", path, expected, actual);
            }
        } else if (expected.isIntegralNumber()) {
            if (!actual.isIntegralNumber() || actual.asLong() != expected.asLong()) {
                fail("%s: expected integer %s, got %s", path, expected, actual);
            }
        } else if (!expected.equals(actual)) {
            fail("%s: expected %s, got %s", path, expected, actual);
        }
    }

    /** Asserts two lists of profile lines match, user by user. */
    public static void assertProfilesMatch(List<JsonNode> expected, List<JsonNode> actual) {
        if (expected.size() != actual.size()) {
            fail("expected %d profiles, got %d", expected.size(), actual.size());
        }
        for (int i = 0; i < expected.size(); i++) {
            assertSpecEqual(expected.get(i), actual.get(i), expected.get(i).path("user").asText());
        }
    }
}
