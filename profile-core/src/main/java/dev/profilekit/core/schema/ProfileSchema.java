package dev.profilekit.core.schema;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The features a profile holds and the allowed lateness, in the JSON format of the profile
 * specification or built in Java. Immutable; validated on construction: every error is a
 * {@link SchemaException} whose message names the feature and the problem.
 */
public final class ProfileSchema {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final Set<String> FEATURE_KEYS = Set.of("name", "kind", "types", "field", "half_life", "window",
            "buckets", "k", "capacity", "numerator", "denominator", "gap");

    /** Default {@code max_future_skew}: one day. */
    public static final Duration DEFAULT_MAX_FUTURE_SKEW = Duration.ofDays(1);

    private final Duration allowedLateness;
    private final Duration maxFutureSkew;
    private final List<FeatureSpec> features;
    private final Map<String, FeatureSpec> byName;

    private ProfileSchema(Duration allowedLateness, Duration maxFutureSkew, List<FeatureSpec> features) {
        if (allowedLateness != null && allowedLateness.compareTo(FeatureSpec.MAX_DURATION) > 0) {
            throw new SchemaException("'allowed_lateness' must be at most 100 years (P36525D), was " + allowedLateness);
        }
        if (allowedLateness != null && (allowedLateness.isNegative() || allowedLateness.getNano() % 1_000_000 != 0)) {
            throw new SchemaException("'allowed_lateness' must be a non-negative whole number of ms, was "
                    + allowedLateness);
        }
        if (maxFutureSkew == null) {
            maxFutureSkew = DEFAULT_MAX_FUTURE_SKEW;
        }
        if (maxFutureSkew.isNegative() || maxFutureSkew.compareTo(FeatureSpec.MAX_DURATION) > 0) {
            throw new SchemaException("'max_future_skew' must be between PT0S and 100 years (P36525D), was "
                    + maxFutureSkew);
        }
        this.allowedLateness = allowedLateness;
        this.maxFutureSkew = maxFutureSkew;
        this.features = List.copyOf(features);
        Map<String, FeatureSpec> names = new HashMap<>();
        for (FeatureSpec f : this.features) {
            if (names.put(f.name(), f) != null) {
                throw new SchemaException(f.name(), "duplicate feature name");
            }
        }
        for (FeatureSpec f : this.features) {
            if (f.numerator() != null) { // computed from two other features (ratio)
                checkOperand(f, "numerator", f.numerator(), names);
                checkOperand(f, "denominator", f.denominator(), names);
            }
        }
        this.byName = Collections.unmodifiableMap(names);
    }

    private static void checkOperand(FeatureSpec ratio, String role, String target, Map<String, FeatureSpec> names) {
        FeatureSpec t = names.get(target);
        if (t == null) {
            throw new SchemaException(ratio.name(), role + " '" + target + "' is not a feature of this schema");
        }
        if (!t.kind().isRatioOperand()) {
            throw new SchemaException(ratio.name(), role + " '" + target + "' is a " + t.kind().jsonName()
                    + " feature; a ratio takes count, sum, decayed_*, window_* or recency features");
        }
    }

    /** The allowed lateness, if the schema sets one. */
    public Optional<Duration> allowedLateness() {
        return Optional.ofNullable(allowedLateness);
    }

    /**
     * How far ahead of the updater's clock an event may be dated ({@code max_future_skew}, default one day);
     * a later event is rejected with reason {@code TOO_FAR_AHEAD} and changes nothing.
     */
    public Duration maxFutureSkew() {
        return maxFutureSkew;
    }

    /** The features in schema order. */
    public List<FeatureSpec> features() {
        return features;
    }

    /** The feature named {@code name}, if any. */
    public Optional<FeatureSpec> feature(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** Starts a schema in Java. */
    public static Builder builder() {
        return new Builder();
    }

    /** Reads a schema file. Unreadable files raise {@link UncheckedIOException}. */
    public static ProfileSchema fromJson(Path file) {
        if (file == null) {
            throw new IllegalArgumentException("file must not be null");
        }
        try {
            return fromJson(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read schema " + file + ": " + e.getMessage(), e);
        }
    }

    /** Parses a schema from JSON text. */
    public static ProfileSchema fromJson(String json) {
        if (json == null) {
            throw new IllegalArgumentException("json must not be null");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (IOException e) {
            String msg = e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe
                    ? dev.profilekit.features.io.JsonCodec.problem(jpe, true) : e.getMessage();
            throw new SchemaException("schema is not valid JSON: " + msg);
        }
        return fromJson(root);
    }

    /** Builds a schema from a parsed JSON tree. */
    public static ProfileSchema fromJson(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new SchemaException("schema must be a JSON object");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!key.equals("allowed_lateness") && !key.equals("max_future_skew") && !key.equals("features")) {
                throw new SchemaException("unknown schema key '" + key
                        + "' (expected allowed_lateness, max_future_skew, features)");
            }
        }
        Duration lateness = null;
        JsonNode l = root.get("allowed_lateness");
        if (l != null && !l.isNull()) {
            lateness = duration(null, "allowed_lateness", l);
        }
        Duration skew = null;
        JsonNode sk = root.get("max_future_skew");
        if (sk != null && !sk.isNull()) {
            skew = duration(null, "max_future_skew", sk);
        }
        JsonNode fs = root.get("features");
        if (fs == null || !fs.isArray()) {
            throw new SchemaException("schema needs a 'features' array");
        }
        List<FeatureSpec> features = new ArrayList<>();
        int i = 0;
        for (JsonNode f : fs) {
            features.add(feature(f, i++));
        }
        return new ProfileSchema(lateness, skew, features);
    }

    private static FeatureSpec feature(JsonNode f, int index) {
        if (!f.isObject()) {
            throw new SchemaException("feature #" + index + " must be a JSON object");
        }
        JsonNode nameNode = f.get("name");
        if (nameNode == null || !nameNode.isTextual() || nameNode.asText().isBlank()) {
            throw new SchemaException("feature #" + index + " needs a non-blank string 'name'");
        }
        String name = nameNode.asText();
        for (Iterator<String> it = f.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!FEATURE_KEYS.contains(key)) {
                throw new SchemaException(name, "unknown parameter '" + key + "'");
            }
        }
        JsonNode kindNode = f.get("kind");
        if (kindNode == null || !kindNode.isTextual()) {
            throw new SchemaException(name, "missing string 'kind'");
        }
        FeatureKind kind = FeatureKind.fromJsonName(kindNode.asText());
        if (kind == null) {
            throw new SchemaException(name, "unknown kind '" + kindNode.asText() + "'");
        }
        List<String> types = new ArrayList<>();
        JsonNode t = f.get("types");
        if (t != null && !t.isNull()) {
            if (!t.isArray()) {
                throw new SchemaException(name, "'types' must be an array of strings");
            }
            for (JsonNode e : t) {
                if (!e.isTextual()) {
                    throw new SchemaException(name, "'types' must be an array of strings, found " + e);
                }
                types.add(e.asText());
            }
        }
        return new FeatureSpec(name, kind, types, text(name, f, "field"), duration(name, f, "half_life"),
                duration(name, f, "window"), integer(name, f, "buckets"), integer(name, f, "k"),
                integer(name, f, "capacity"), text(name, f, "numerator"), text(name, f, "denominator"),
                duration(name, f, "gap"));
    }

    private static String text(String feature, JsonNode f, String key) {
        JsonNode n = f.get(key);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw new SchemaException(feature, "'" + key + "' must be a string, was " + n);
        }
        return n.asText();
    }

    private static int integer(String feature, JsonNode f, String key) {
        JsonNode n = f.get(key);
        if (n == null || n.isNull()) {
            return 0;
        }
        if (!n.isIntegralNumber() || n.asLong() < 1) {
            throw new SchemaException(feature, "'" + key + "' must be a whole number >= 1, was " + n);
        }
        if (!n.canConvertToInt() || n.asInt() > 1_000_000) {
            throw new SchemaException(feature, "'" + key + "' must be at most 1000000, was " + n);
        }
        return n.asInt();
    }

    private static Duration duration(String feature, JsonNode f, String key) {
        JsonNode n = f.get(key);
        if (n == null || n.isNull()) {
            return null;
        }
        return duration(feature, key, n);
    }

    private static Duration duration(String feature, String key, JsonNode n) {
        String where = feature == null ? "'" + key + "'" : "feature '" + feature + "': '" + key + "'";
        if (!n.isTextual()) {
            throw new SchemaException(where + " must be an ISO-8601 duration string such as \"PT30M\", was " + n);
        }
        try {
            Duration d = Duration.parse(n.asText());
            if (d.compareTo(FeatureSpec.MAX_DURATION) > 0) {
                throw new SchemaException(where + " must be at most 100 years (P36525D), was \"" + n.asText() + "\"");
            }
            return d;
        } catch (ArithmeticException | DateTimeParseException e) {
            throw new SchemaException(where + " is not an ISO-8601 duration (PT30M, PT6H, P7D, P1DT12H), was \""
                    + n.asText() + "\"" + Durations.calendarNote(n.asText()));
        }
    }

    /** Builds a schema in Java; {@link #build()} runs the same checks as loading JSON. */
    public static final class Builder {
        private Duration allowedLateness;
        private Duration maxFutureSkew;
        private final List<FeatureSpec> features = new ArrayList<>();

        private Builder() {
        }

        /** Sets the allowed lateness (null: none). */
        public Builder allowedLateness(Duration lateness) {
            this.allowedLateness = lateness;
            return this;
        }

        /** Sets how far ahead of the updater's clock events may be dated (null: the default, one day). */
        public Builder maxFutureSkew(Duration skew) {
            this.maxFutureSkew = skew;
            return this;
        }

        /** Adds a feature. */
        public Builder feature(FeatureSpec feature) {
            if (feature == null) {
                throw new IllegalArgumentException("feature must not be null");
            }
            features.add(feature);
            return this;
        }

        /** Validates and builds the schema. */
        public ProfileSchema build() {
            return new ProfileSchema(allowedLateness, maxFutureSkew, features);
        }
    }

    @Override
    public String toString() {
        return "ProfileSchema{allowedLateness=" + allowedLateness + ", maxFutureSkew=" + maxFutureSkew + ", features="
                + features + '}';
    }

}
