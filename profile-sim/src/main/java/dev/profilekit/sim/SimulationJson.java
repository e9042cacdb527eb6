package dev.profilekit.sim;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.profilekit.core.engine.Event;
import dev.profilekit.features.Checks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes simulated events and truth as JSON Lines. Events use the profile specification's format with integer
 * epoch-ms {@code ts} and attributes in key order, so the output is byte-identical for a seed and every line is
 * accepted by {@link dev.profilekit.core.io.EventJson#parse}. Truth lines are
 * {@code {"user","segment","purchase_rate_per_day","p_purchase_next_day","events_per_day"}}.
 */
public final class SimulationJson {

    private static final JsonFactory FACTORY = new JsonFactory();

    private SimulationJson() {
    }

    /** Writes one event as a JSON object (no line break). */
    public static void writeEvent(JsonGenerator g, Event e) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", e.id());
        g.writeStringField("user", e.user());
        g.writeStringField("type", e.type());
        g.writeNumberField("ts", e.timestamp());
        if (!e.attrs().isEmpty()) {
            g.writeObjectFieldStart("attrs");
            for (Map.Entry<String, Object> a : new TreeMap<>(e.attrs()).entrySet()) {
                g.writeFieldName(a.getKey());
                Object v = a.getValue();
                if (v instanceof Double d) {
                    g.writeNumber(d);
                } else if (v instanceof Boolean b) {
                    g.writeBoolean(b);
                } else {
                    g.writeString(v.toString());
                }
            }
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    /** Writes one truth record as a JSON object (no line break). */
    public static void writeTruth(JsonGenerator g, UserTruth t) throws IOException {
        g.writeStartObject();
        g.writeStringField("user", t.user());
        g.writeNumberField("segment", t.segment());
        g.writeNumberField("purchase_rate_per_day", t.purchaseRatePerDay());
        g.writeNumberField("p_purchase_next_day", t.pPurchaseNextDay());
        g.writeNumberField("events_per_day", t.eventsPerDay());
        g.writeEndObject();
    }

    /**
     * Writes every remaining event of {@code events}, one per line ({@code \n}); does not close {@code out}.
     *
     * @return the number of events written
     * @throws UncheckedIOException on a write error
     */
    public static long writeEventLines(Iterator<Event> events, Writer out) {
        Checks.requireNonNull(events, "events");
        Checks.requireNonNull(out, "out");
        long n = 0;
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.setRootValueSeparator(null); // Jackson would start every later line with a space
            while (events.hasNext()) {
                writeEvent(g, events.next());
                g.flush();
                out.write('\n');
                n++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return n;
    }

    /**
     * Writes the truth records, one per line ({@code \n}); does not close {@code out}.
     *
     * @throws UncheckedIOException on a write error
     */
    public static void writeTruthLines(List<UserTruth> truth, Writer out) {
        Checks.requireNonNull(truth, "truth");
        Checks.requireNonNull(out, "out");
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.setRootValueSeparator(null); // Jackson would start every later line with a space
            for (UserTruth t : truth) {
                writeTruth(g, t);
                g.flush();
                out.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
