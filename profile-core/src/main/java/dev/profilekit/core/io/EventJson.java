package dev.profilekit.core.io;

import dev.profilekit.core.engine.Event;
import dev.profilekit.core.spi.InvalidEventException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads events from the JSON Lines format of the profile specification, strictly: a value that
 * breaks any rule raises {@link InvalidEventException} with a reason and a message naming the field.
 * Unknown top-level fields are ignored. Thread-safe.
 */
public final class EventJson {

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** ISO-8601 instant with seconds, at most millisecond precision, and an explicit offset. */
    private static final Pattern ISO_INSTANT =
            Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,3})?(Z|[+-]\\d{2}:\\d{2})");

    private EventJson() {
    }

    /**
     * Parses one line. Blank lines are the caller's to skip (they are not events).
     *
     * @throws InvalidEventException if the line is not a valid event
     */
    public static Event parse(String line) {
        if (line == null) {
            throw new IllegalArgumentException("line must not be null");
        }
        try {
            return parse(FACTORY.createParser(line));
        } catch (IOException e) {
            throw invalid(InvalidEventException.Reason.NOT_JSON, "not valid JSON: " + e.getMessage());
        }
    }

    /**
     * Parses one line given as UTF-8 bytes, without making a {@code String} of the line: the same event, or the
     * same {@link InvalidEventException} (reason and message), as {@link #parse(String)} of the decoded line.
     * A line that is not valid UTF-8 is rejected as {@code NOT_UTF8}.
     *
     * @param utf8   the bytes (not modified)
     * @param offset where the line starts in {@code utf8}
     * @param length the line's length in bytes, without its line end
     * @throws InvalidEventException if the line is not a valid event
     */
    public static Event parse(byte[] utf8, int offset, int length) {
        if (utf8 == null) {
            throw new IllegalArgumentException("utf8 must not be null");
        }
        if (offset < 0 || length < 0 || offset > utf8.length - length) {
            throw new IllegalArgumentException("offset " + offset + " and length " + length
                    + " must lie within the " + utf8.length + " bytes given");
        }
        for (int i = offset, end = offset + length; i < end; i++) {
            if (utf8[i] < 0) {
                // not ASCII: the strict decoder decides, then the String parser (rare in practice)
                String text;
                try {
                    text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(utf8, offset, length)).toString();
                } catch (CharacterCodingException e) {
                    throw invalid(InvalidEventException.Reason.NOT_UTF8, "not valid UTF-8");
                }
                return parse(text);
            }
        }
        Event fast = FastEventParser.tryParse(utf8, offset, length);
        if (fast != null) {
            return fast;
        }
        try {
            return parse(FACTORY.createParser(utf8, offset, length));
        } catch (InvalidEventException e) {
            if (e.reason() == InvalidEventException.Reason.NOT_JSON) {
                // Jackson's byte and char parsers may word a syntax error differently: report it as the String
                // parser does (errors are rare, so the second parse costs nothing that matters)
                return parse(new String(utf8, offset, length, StandardCharsets.ISO_8859_1));
            }
            throw e;
        } catch (IOException e) {
            return parse(new String(utf8, offset, length, StandardCharsets.ISO_8859_1));
        }
    }

    private static Event parse(JsonParser parser) throws IOException {
        try (JsonParser p = parser) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw invalid(InvalidEventException.Reason.NOT_JSON, "empty input");
            }
            if (first != JsonToken.START_OBJECT) {
                p.skipChildren();
                ensureEnd(p);
                throw invalid(InvalidEventException.Reason.NOT_OBJECT,
                        "an event must be a JSON object, was " + describe(first));
            }
            String id = null;
            String user = null;
            String type = null;
            Long ts = null;
            Map<String, Object> attrs = null;
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "id" -> id = text(p, v, "id");
                    case "user" -> user = text(p, v, "user");
                    case "type" -> type = text(p, v, "type");
                    case "ts" -> ts = timestamp(p, v);
                    case "attrs" -> attrs = attrs(p, v);
                    default -> p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT) {
                throw invalid(InvalidEventException.Reason.NOT_JSON, "malformed object");
            }
            ensureEnd(p);
            if (ts == null) {
                throw invalid(InvalidEventException.Reason.MISSING_FIELD, "field 'ts' is missing");
            }
            Event.Builder b = Event.builder(id, user, type, ts);
            if (attrs != null) {
                b.attrs(attrs);
            }
            return b.build();
        } catch (JsonParseException e) {
            throw invalid(InvalidEventException.Reason.NOT_JSON, "not valid JSON: "
                    + dev.profilekit.features.io.JsonCodec.problem(e, false));
        } catch (IOException e) {
            throw invalid(InvalidEventException.Reason.NOT_JSON, "not valid JSON: " + e.getMessage());
        }
    }

    private static void ensureEnd(JsonParser p) throws IOException {
        if (p.nextToken() != null) {
            throw invalid(InvalidEventException.Reason.NOT_JSON, "unexpected text after the JSON value");
        }
    }

    private static String text(JsonParser p, JsonToken v, String field) throws IOException {
        if (v == JsonToken.VALUE_NULL) {
            return null; // reported as missing by Event
        }
        if (v != JsonToken.VALUE_STRING) {
            p.skipChildren();
            throw invalid(InvalidEventException.Reason.WRONG_TYPE,
                    "field '" + field + "' must be a string, was " + describe(v));
        }
        return p.getText();
    }

    private static Long timestamp(JsonParser p, JsonToken v) throws IOException {
        if (v == JsonToken.VALUE_NUMBER_INT) {
            if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                throw invalid(InvalidEventException.Reason.BAD_TIMESTAMP,
                        "field 'ts' is out of range, was " + p.getText());
            }
            return p.getLongValue();
        }
        if (v == JsonToken.VALUE_STRING) {
            return isoTimestamp(p.getText());
        }
        if (v == JsonToken.VALUE_NULL) {
            return null;
        }
        p.skipChildren();
        throw invalid(InvalidEventException.Reason.BAD_TIMESTAMP,
                "field 'ts' must be integer epoch ms or an ISO-8601 string, was " + describe(v));
    }

    /** An ISO-8601 {@code ts} as epoch ms, checked exactly as in the JSON format (shared with the CSV reader). */
    static long isoTimestamp(String s) {
        if (!ISO_INSTANT.matcher(s).matches()) {
            throw invalid(InvalidEventException.Reason.BAD_TIMESTAMP, "field 'ts' must be integer epoch ms or an "
                    + "ISO-8601 instant with seconds and an explicit offset (Z or +hh:mm), was \"" + s + "\"");
        }
        try {
            return OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            throw invalid(InvalidEventException.Reason.BAD_TIMESTAMP,
                    "field 'ts' is not a valid date-time, was \"" + s + "\"");
        }
    }

    private static Map<String, Object> attrs(JsonParser p, JsonToken v) throws IOException {
        if (v == JsonToken.VALUE_NULL) {
            return null;
        }
        if (v != JsonToken.START_OBJECT) {
            p.skipChildren();
            throw invalid(InvalidEventException.Reason.WRONG_TYPE,
                    "field 'attrs' must be an object or null, was " + describe(v));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (t) {
                case VALUE_STRING -> out.put(name, p.getText());
                case VALUE_TRUE -> out.put(name, Boolean.TRUE);
                case VALUE_FALSE -> out.put(name, Boolean.FALSE);
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                    double d = p.getDoubleValue();
                    if (!Double.isFinite(d)) {
                        throw invalid(InvalidEventException.Reason.BAD_ATTRIBUTE,
                                "attribute '" + name + "' must be a finite number, was " + p.getText());
                    }
                    out.put(name, d);
                }
                default -> {
                    p.skipChildren();
                    throw invalid(InvalidEventException.Reason.BAD_ATTRIBUTE, "attribute '" + name
                            + "' must be a string, a finite number or a boolean, was " + describe(t));
                }
            }
        }
        return out;
    }

    private static String describe(JsonToken t) {
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT -> "an integer";
            case VALUE_NUMBER_FLOAT -> "a decimal number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.toString();
        };
    }

    private static InvalidEventException invalid(InvalidEventException.Reason reason, String message) {
        return new InvalidEventException(reason, message);
    }
}
