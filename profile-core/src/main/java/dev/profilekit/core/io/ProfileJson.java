package dev.profilekit.core.io;

import dev.profilekit.core.engine.PartsValue;
import dev.profilekit.core.engine.Profile;
import dev.profilekit.core.spi.ModelOutputs;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.profilekit.features.streaming.TopKCounter.WeightedValue;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * Writes profiles in the output format of the profile specification:
 * {@code {"user":"u42","as_of":1767685946878,"features":{"views":56, ...}}}, features in schema order,
 * integers for integer kinds, doubles (shortest round-trip form) elsewhere.
 */
public final class ProfileJson {

    private static final JsonFactory FACTORY = new JsonFactory();

    private ProfileJson() {
    }

    /** The profile as one line of JSON. */
    public static String toJson(Profile profile) {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(w)) {
            write(profile, g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    /**
     * Writes a profile file as {@code profilekit replay} writes it: one JSON object per profile (as {@link #write}),
     * one per line, then a line end (nothing at all when there is no profile). Does not close {@code out}.
     *
     * @throws IllegalArgumentException if an argument or a profile is null
     */
    public static void writeLines(Iterable<Profile> profiles, java.io.Writer out) throws IOException {
        if (profiles == null || out == null) {
            throw new IllegalArgumentException("profiles and out must not be null");
        }
        boolean any = false;
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.setPrettyPrinter(new com.fasterxml.jackson.core.util.MinimalPrettyPrinter("\n"));
            for (Profile p : profiles) {
                write(p, g);
                any = true;
            }
            g.flush();
        }
        if (any) { // no profile, no line: an empty file, not one holding a lone line end
            out.write(System.lineSeparator());
        }
    }

    /** Writes the profile as one JSON object to {@code g}. */
    public static void write(Profile profile, JsonGenerator g) throws IOException {
        if (profile == null || g == null) {
            throw new IllegalArgumentException("profile and generator must not be null");
        }
        g.writeStartObject();
        g.writeStringField("user", profile.user());
        g.writeNumberField("as_of", profile.asOf());
        g.writeObjectFieldStart("features");
        for (Map.Entry<String, Object> e : profile.values().entrySet()) {
            g.writeFieldName(e.getKey());
            writeValue(e.getValue(), g);
        }
        g.writeEndObject();
        ModelOutputs m = profile.models();
        if (m.propensityOn()) {
            g.writeObjectFieldStart("scores");
            g.writeFieldName("propensity");
            writeValue(m.propensity(), g);
            g.writeEndObject();
        }
        if (m.segmentsOn()) {
            g.writeFieldName("segment");
            if (m.segment() == null) {
                g.writeNull();
            } else {
                g.writeNumber(m.segment());
            }
        }
        if (m.forecastOn()) {
            g.writeObjectFieldStart("forecast");
            g.writeFieldName("next_day");
            writeValue(m.forecastNextDay(), g);
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    /**
     * Writes only the profile's {@code "features"} object ({@code {"views":56, ...}}, schema order, values as
     * {@link #write} writes them) to {@code g}: for rows that embed a profile's features, such as training sets.
     */
    public static void writeFeatures(Profile profile, JsonGenerator g) throws IOException {
        if (profile == null || g == null) {
            throw new IllegalArgumentException("profile and generator must not be null");
        }
        g.writeStartObject();
        for (Map.Entry<String, Object> e : profile.values().entrySet()) {
            g.writeFieldName(e.getKey());
            writeValue(e.getValue(), g);
        }
        g.writeEndObject();
    }

    private static void writeValue(Object v, JsonGenerator g) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof Long l) {
            g.writeNumber(l);
        } else if (v instanceof Double d) {
            g.writeNumber(d);
        } else if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof PartsValue p) {
            g.writeStartObject();
            for (String part : p.parts()) {
                g.writeFieldName(part);
                writeValue(p.part(part), g);
            }
            g.writeEndObject();
        } else if (v instanceof List<?> list) {
            g.writeStartArray();
            for (Object o : list) {
                WeightedValue wv = (WeightedValue) o;
                g.writeStartArray();
                g.writeString(wv.value());
                g.writeNumber(wv.weight());
                g.writeEndArray();
            }
            g.writeEndArray();
        } else {
            throw new IllegalStateException("unexpected profile value " + v.getClass());
        }
    }
}
