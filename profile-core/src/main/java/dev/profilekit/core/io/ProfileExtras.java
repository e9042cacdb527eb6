package dev.profilekit.core.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.profilekit.core.live.recommend.Recommendation;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The members {@code replay}, {@code consume} and the Flink job add to a profile line ({@link ProfileJson#toJson})
 * and to their summary line, written one way for all of them: a user's {@code "recommendations"} and
 * {@code "audiences"}, and the audiences' sizes.
 */
public final class ProfileExtras {

    private static final JsonFactory JSON = new JsonFactory();

    private ProfileExtras() {
    }

    /**
     * {@code ,"recommendations":[["p12",0.83],...]}: a user's list, items and scores in order.
     *
     * @throws IllegalArgumentException if {@code list} is null
     */
    public static String recommendations(List<Recommendation> list) {
        if (list == null) {
            throw new IllegalArgumentException("list must not be null");
        }
        StringWriter w = new StringWriter();
        w.write(",\"recommendations\":");
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.writeStartArray();
            for (Recommendation r : list) {
                g.writeStartArray();
                g.writeString(r.item());
                g.writeNumber(r.score());
                g.writeEndArray();
            }
            g.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return w.toString();
    }

    /**
     * {@code ,"audiences":["a","b"]}: a user's audiences, in the order given (the updater's: sorted).
     *
     * @throws IllegalArgumentException if {@code audiences} is null
     */
    public static String audiences(List<String> audiences) {
        if (audiences == null) {
            throw new IllegalArgumentException("audiences must not be null");
        }
        StringBuilder b = new StringBuilder(16 + 16 * audiences.size()).append(",\"audiences\":[");
        for (int i = 0; i < audiences.size(); i++) {
            // names are letters, digits, _ and - (Audiences checks them): nothing to escape
            b.append(i == 0 ? "\"" : ",\"").append(audiences.get(i)).append('"');
        }
        return b.append(']').toString();
    }

    /**
     * {@code ,"audiences":{"a":12,...}}: each audience's size, in the map's order.
     *
     * @throws IllegalArgumentException if {@code sizes} is null
     */
    public static String audienceSizes(Map<String, Long> sizes) {
        if (sizes == null) {
            throw new IllegalArgumentException("sizes must not be null");
        }
        StringBuilder b = new StringBuilder(",\"audiences\":{");
        boolean first = true;
        for (Map.Entry<String, Long> e : sizes.entrySet()) {
            b.append(first ? "\"" : ",\"").append(e.getKey()).append("\":").append(e.getValue());
            first = false;
        }
        return b.append('}').toString();
    }

    /**
     * {@code line} (a JSON object) with {@code members} (each starting with a comma, as this class writes them)
     * added before its closing brace.
     *
     * @throws IllegalArgumentException if {@code line} does not end with a closing brace
     */
    public static String with(String line, String... members) {
        if (line == null || !line.endsWith("}")) {
            throw new IllegalArgumentException("not a JSON object line: " + line);
        }
        StringBuilder b = new StringBuilder(line.length() + 64).append(line, 0, line.length() - 1);
        for (String m : members) {
            b.append(m);
        }
        return b.append('}').toString();
    }
}
