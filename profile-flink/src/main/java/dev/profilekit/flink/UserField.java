package dev.profilekit.flink;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Finds the top-level {@code "user"} of a JSON Lines event without parsing the rest: a scan of the line's UTF-8 bytes
 * for the common form (a JSON object whose keys have no escapes and whose {@code "user"} is a string without
 * escapes), and a Jackson parser for anything else (escapes, a non-string user, text that is not an object). For
 * every line that {@code EventJson} accepts as an event, the result is the event's user; for other lines it is some
 * fixed value (the same every time), which is all the readers need to agree on which of them takes a line. The scan
 * works on bytes because every byte of a multi-byte UTF-8 character is above ASCII: none is taken for a quote, a
 * brace or a comma.
 */
final class UserField {

    private static final JsonFactory JSON = new JsonFactory();

    private UserField() {
    }

    /** The text of a JSON object's top-level {@code "user"} value if it is a scalar, else null; the rest unread. */
    static String of(String line) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        return of(b, b.length);
    }

    /** {@link #span}: the line is an object without a top-level {@code "user"} ({@link #of} is null). */
    static final long NONE = -1;
    /** {@link #span}: the scan cannot tell (escapes, a user that is not a plain string, not an object). */
    static final long PARSE = -2;

    /**
     * The same as {@link #of(String)} for a line given as its UTF-8 bytes {@code b[0, n)} (for bytes that are not
     * UTF-8, some fixed answer).
     */
    static String of(byte[] b, int n) {
        return of(b, n, span(b, n));
    }

    /** {@link #of(byte[], int)} for a line whose {@link #span} is already known. */
    static String of(byte[] b, int n, long span) {
        if (span == NONE) {
            return null;
        }
        if (span == PARSE) {
            return parsed(b, n);
        }
        int start = (int) (span >>> 32);
        return new String(b, start, (int) span - start, StandardCharsets.UTF_8);
    }

    /**
     * Where the top-level {@code "user"} string of {@code b[0, n)} lies, without decoding it: its first byte's index
     * in the high 32 bits and the index after its last byte in the low 32 bits; or {@link #NONE} or {@link #PARSE}.
     */
    static long span(byte[] b, int n) {
        int i = space(b, 0, n);
        if (i >= n || b[i] != '{') {
            return PARSE;
        }
        i = space(b, i + 1, n);
        if (i < n && b[i] == '}') {
            return NONE;
        }
        while (i < n && b[i] == '"') {
            int keyEnd = plainEnd(b, i + 1, n);
            if (keyEnd < 0) {
                return PARSE;
            }
            boolean isUser = keyEnd - i == 5 && b[i + 1] == 'u' && b[i + 2] == 's' && b[i + 3] == 'e'
                    && b[i + 4] == 'r';
            int colon = space(b, keyEnd + 1, n);
            if (colon >= n || b[colon] != ':') {
                return PARSE;
            }
            int value = space(b, colon + 1, n);
            if (isUser) {
                int end = value < n && b[value] == '"' ? plainEnd(b, value + 1, n) : -1;
                return end < 0 ? PARSE : (long) (value + 1) << 32 | end;
            }
            int after = skipValue(b, value, n);
            if (after < 0) {
                return PARSE;
            }
            i = space(b, after, n);
            if (i < n && b[i] == '}') {
                return NONE; // the object ends without a user
            }
            if (i >= n || b[i] != ',') {
                return PARSE;
            }
            i = space(b, i + 1, n);
        }
        return PARSE;
    }

    /** {@link #asciiHash}: the bytes are not all ASCII. */
    static final long NOT_ASCII = Long.MIN_VALUE;

    /**
     * The {@link String#hashCode} of the text of {@code b[start, end)} if those bytes are ASCII (without making the
     * String), else {@link #NOT_ASCII}.
     */
    static long asciiHash(byte[] b, int start, int end) {
        int h = 0;
        for (int i = start; i < end; i++) {
            byte c = b[i];
            if (c < 0) {
                return NOT_ASCII;
            }
            h = 31 * h + c;
        }
        return h;
    }

    /** The same as {@link #of(String)}, read with a Jackson parser (any text). */
    static String parsed(String line) {
        try {
            return parsed(JSON.createParser(line));
        } catch (IOException e) {
            return null; // not JSON: the parse rejects it
        }
    }

    /** The same as {@link #of(byte[], int)}, read with a Jackson parser (any bytes). */
    static String parsed(byte[] b, int n) {
        try {
            return parsed(JSON.createParser(b, 0, n));
        } catch (IOException e) {
            return null; // not JSON: the parse rejects it
        }
    }

    private static String parsed(JsonParser parser) {
        try (JsonParser p = parser) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                boolean isUser = "user".equals(p.currentName());
                JsonToken value = p.nextToken();
                if (isUser) {
                    return value != null && value.isScalarValue() ? p.getText() : null;
                }
                p.skipChildren();
            }
            return null;
        } catch (IOException e) {
            return null; // not JSON: the parse rejects it
        }
    }

    /** The first index at or after {@code i} that is not JSON white space. */
    private static int space(byte[] b, int i, int n) {
        while (i < n) {
            byte c = b[i];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                break;
            }
            i++;
        }
        return i;
    }

    /** The index of the quote that ends a string starting at {@code i}, or -1 if it has an escape or control. */
    private static int plainEnd(byte[] b, int i, int n) {
        for (; i < n; i++) {
            byte c = b[i];
            if (c == '"') {
                return i;
            }
            if (c == '\\' || c >= 0 && c < 0x20) {
                return -1;
            }
        }
        return -1;
    }

    /** The index after the JSON value starting at {@code i} (strings, nesting and scalars), or -1 if unclosed. */
    private static int skipValue(byte[] b, int i, int n) {
        int depth = 0;
        int start = i;
        while (i < n) {
            byte c = b[i];
            if (c == '"') {
                i = stringEnd(b, i + 1, n);
                if (i < 0) {
                    return -1;
                }
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                if (depth == 0) {
                    return i == start ? -1 : i;
                }
                depth--;
            } else if (depth == 0 && (c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r')) {
                return i == start ? -1 : i;
            }
            i++;
            if (depth == 0 && (c == '"' || c == '}' || c == ']')) {
                return i; // a string or a nested value ends here
            }
        }
        return depth == 0 && i > start ? i : -1;
    }

    /** The index of the quote that ends a string starting at {@code i}, escapes skipped, or -1 if unterminated. */
    private static int stringEnd(byte[] b, int i, int n) {
        for (; i < n; i++) {
            byte c = b[i];
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                return i;
            }
        }
        return -1;
    }
}
