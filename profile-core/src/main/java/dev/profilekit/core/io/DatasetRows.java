package dev.profilekit.core.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.profilekit.core.engine.PointInTimeJoin.Label;
import dev.profilekit.core.engine.PointInTimeJoin.RowEncoder;
import dev.profilekit.core.engine.FeatureColumns;
import dev.profilekit.core.engine.Profile;
import dev.profilekit.core.schema.ProfileSchema;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The output formats of training rows ({@link dev.profilekit.core.engine.PointInTimeJoin}).
 * <ul>
 *   <li>{@link #jsonLines()}: {@code {"user":"u1","ts":1767685946878,"label":1,"features":{...}}} per line, the
 *       features exactly as {@link ProfileJson} writes a profile's; {@code ts} in epoch ms; the label a JSON number
 *       when {@link LabelsCsv#isNumber(String)}, else a string.</li>
 *   <li>{@link #csv(ProfileSchema)}: header {@code user,ts,label,<feature columns>}; {@link #csvColumns}
 *       says how structured values are flattened into dotted names; a null value is an empty cell.</li>
 * </ul>
 */
public final class DatasetRows {

    private static final JsonFactory JSON = new JsonFactory();

    private DatasetRows() {
    }

    /** Rows as JSON Lines; no header. */
    public static RowEncoder jsonLines() {
        return new RowEncoder() {
            @Override
            public byte[] header() {
                return new byte[0];
            }

            @Override
            public byte[] encode(Label label, Profile profile) {
                if (label == null || profile == null) {
                    throw new IllegalArgumentException("label and profile must not be null");
                }
                ByteArrayOutputStream buf = new ByteArrayOutputStream(256);
                try (JsonGenerator g = JSON.createGenerator(buf)) {
                    g.writeStartObject();
                    g.writeStringField("user", label.user());
                    g.writeNumberField("ts", label.ts());
                    g.writeFieldName("label");
                    if (LabelsCsv.isNumber(label.label())) {
                        g.writeNumber(label.label()); // as written
                    } else {
                        g.writeString(label.label());
                    }
                    g.writeFieldName("features");
                    ProfileJson.writeFeatures(profile, g);
                    g.writeEndObject();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                buf.write('\n');
                return buf.toByteArray();
            }
        };
    }

    /**
     * The feature columns of {@code schema} in CSV, in schema order, as {@link FeatureColumns} names them: a scalar
     * feature is one column named as the feature; {@code stats} gives {@code name.count}, {@code name.mean},
     * {@code name.std}, {@code name.min}, {@code name.max}; {@code sessions} gives {@code name.count},
     * {@code name.mean_duration_s}; {@code top_k} gives {@code name.1.value}, {@code name.1.weight}, ... up to
     * {@code name.k.weight} (rank order; empty cells past the values the user has).
     */
    public static List<String> csvColumns(ProfileSchema schema) {
        if (schema == null) {
            throw new IllegalArgumentException("schema must not be null");
        }
        return FeatureColumns.of(schema).columns().stream().map(FeatureColumns.Column::name).toList();
    }

    /** Rows as CSV (RFC 4180 quoting, {@code \n} line ends) with the columns of {@link #csvColumns}. */
    public static RowEncoder csv(ProfileSchema schema) {
        FeatureColumns columns = FeatureColumns.of(schema);
        StringBuilder h = new StringBuilder("user,ts,label");
        for (FeatureColumns.Column c : columns.columns()) {
            h.append(',');
            quote(c.name(), h);
        }
        byte[] header = h.append('\n').toString().getBytes(StandardCharsets.UTF_8);
        return new RowEncoder() {
            @Override
            public byte[] header() {
                return header.clone();
            }

            @Override
            public byte[] encode(Label label, Profile profile) {
                if (label == null || profile == null) {
                    throw new IllegalArgumentException("label and profile must not be null");
                }
                StringBuilder b = new StringBuilder(256);
                quote(label.user(), b);
                b.append(',').append(label.ts()).append(',');
                quote(label.label(), b);
                for (Object cell : columns.cells(profile)) {
                    b.append(',');
                    if (cell instanceof String s) {
                        quote(s, b);
                    } else if (cell != null) {
                        b.append(cell);
                    }
                }
                return b.append('\n').toString().getBytes(StandardCharsets.UTF_8);
            }
        };
    }

    /** Appends {@code s}, quoted when it holds a comma, quote, line end or surrounding space, or is empty text. */
    private static void quote(String s, StringBuilder b) {
        boolean needs = s.isEmpty() || !s.strip().equals(s);
        for (int i = 0; i < s.length() && !needs; i++) {
            char c = s.charAt(i);
            needs = c == ',' || c == '"' || c == '\n' || c == '\r';
        }
        if (!needs) {
            b.append(s);
            return;
        }
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                b.append('"');
            }
            b.append(c);
        }
        b.append('"');
    }
}
