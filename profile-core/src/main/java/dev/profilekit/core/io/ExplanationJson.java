package dev.profilekit.core.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.profilekit.core.models.Explanation;
import dev.profilekit.core.live.forecast.ForecastExplanation;
import dev.profilekit.core.live.propensity.PropensityExplanation;
import dev.profilekit.core.live.segments.SegmentsExplanation;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * The JSON of an {@link Explanation} ({@code ProfileUpdater.explain}); numbers are written in full (shortest
 * round-trip form), non-finite ones as {@code null}, an empty part as {@code null}.
 *
 * <pre>
 * {"user":"u1","as_of":T,
 *  "propensity":{"version":V,"intercept":b,"logit":l,"score":p,
 *                "contributions":[{"input":"fav_category=books","feature":"fav_category","raw":1.0,
 *                                  "transformed":z,"weight":w,"contribution":c},..]},
 *  "segments":{"version":V,"segment":s,"next_nearest":n,"distances":[[0,d0],[1,d1],..],
 *              "separating":[["views_1d",diff],..]},
 *  "forecast":{"version":V,"method":"arima","next_day":f,"inputs":[["2026-01-31",3.0],..,["user_mean",m],..],
 *              "interval":{"lower":lo,"upper":hi,"level":0.95}}}
 * </pre>
 */
public final class ExplanationJson {

    private static final JsonFactory FACTORY = new JsonFactory();

    private ExplanationJson() {
    }

    /** The whole explanation as one JSON object. */
    public static String toJson(Explanation e) {
        return write(g -> {
            g.writeStartObject();
            g.writeStringField("user", e.user());
            g.writeNumberField("as_of", e.asOf());
            g.writeFieldName("propensity");
            writePropensity(e.propensity(), g);
            g.writeFieldName("segments");
            writeSegments(e.segments(), g);
            g.writeFieldName("forecast");
            writeForecast(e.forecast(), g);
            g.writeEndObject();
        });
    }

    /**
     * {@code {"propensity":{"intercept":b,"top":[["input",contribution],..]}}} with the {@code n} largest
     * contributions by absolute value ({@code {"propensity":null}} when there is no fitted propensity model): what
     * {@code replay --explain N} adds to each profile.
     */
    public static String propensityTop(Optional<PropensityExplanation> p, int n) {
        return write(g -> {
            g.writeStartObject();
            g.writeFieldName("propensity");
            if (p.isEmpty()) {
                g.writeNull();
            } else {
                g.writeStartObject();
                g.writeFieldName("intercept");
                number(p.get().intercept(), g);
                g.writeArrayFieldStart("top");
                for (PropensityExplanation.Contribution c : p.get().top(n)) {
                    pair(c.input(), c.contribution(), g);
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndObject();
        });
    }

    private static void writePropensity(Optional<PropensityExplanation> part, JsonGenerator g) throws IOException {
        if (part.isEmpty()) {
            g.writeNull();
            return;
        }
        PropensityExplanation p = part.get();
        g.writeStartObject();
        g.writeNumberField("version", p.version());
        field("intercept", p.intercept(), g);
        field("logit", p.logit(), g);
        field("score", p.score(), g);
        g.writeArrayFieldStart("contributions");
        for (PropensityExplanation.Contribution c : p.contributions()) {
            g.writeStartObject();
            g.writeStringField("input", c.input());
            g.writeStringField("feature", c.feature());
            field("raw", c.raw(), g);
            field("transformed", c.transformed(), g);
            field("weight", c.weight(), g);
            field("contribution", c.contribution(), g);
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void writeSegments(Optional<SegmentsExplanation> part, JsonGenerator g) throws IOException {
        if (part.isEmpty()) {
            g.writeNull();
            return;
        }
        SegmentsExplanation s = part.get();
        g.writeStartObject();
        g.writeNumberField("version", s.version());
        g.writeNumberField("segment", s.segment());
        g.writeNumberField("next_nearest", s.nextNearest());
        g.writeArrayFieldStart("distances");
        for (SegmentsExplanation.Distance d : s.distances()) {
            g.writeStartArray();
            g.writeNumber(d.segment());
            number(d.distance(), g);
            g.writeEndArray();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("separating");
        for (SegmentsExplanation.Separation d : s.separating()) {
            pair(d.input(), d.difference(), g);
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void writeForecast(Optional<ForecastExplanation> part, JsonGenerator g) throws IOException {
        if (part.isEmpty()) {
            g.writeNull();
            return;
        }
        ForecastExplanation f = part.get();
        g.writeStartObject();
        g.writeNumberField("version", f.version());
        g.writeStringField("method", f.method());
        field("next_day", f.nextDay(), g);
        g.writeArrayFieldStart("inputs");
        for (ForecastExplanation.Input i : f.inputs()) {
            pair(i.name(), i.value(), g);
        }
        g.writeEndArray();
        g.writeFieldName("interval");
        if (f.interval().isEmpty()) {
            g.writeNull();
        } else {
            g.writeStartObject();
            field("lower", f.interval().get().lower(), g);
            field("upper", f.interval().get().upper(), g);
            field("level", f.interval().get().level(), g);
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private static void pair(String name, double value, JsonGenerator g) throws IOException {
        g.writeStartArray();
        g.writeString(name);
        number(value, g);
        g.writeEndArray();
    }

    private static void field(String name, double value, JsonGenerator g) throws IOException {
        g.writeFieldName(name);
        number(value, g);
    }

    private static void number(double v, JsonGenerator g) throws IOException {
        if (Double.isFinite(v)) {
            g.writeNumber(v);
        } else {
            g.writeNull();
        }
    }

    /** Something that writes to a generator. */
    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private static String write(Body body) {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(w)) {
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return w.toString();
    }
}
