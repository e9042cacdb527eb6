package dev.profilekit.flink;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * Finds the top-level {@code "user"} of a JSON Lines event without parsing the rest: a scan of the line's characters
 * for the common form (a JSON object whose keys have no escapes and whose {@code "user"} is a string without
 * escapes), and a Jackson parser for anything else (escapes, a non-string user, text that is not an object). For
 * every line that {@code EventJson} accepts as an event, the result is the event's user; for other lines it is some
 * fixed value (the same every time), which is all the readers need to agree on which of them takes a line.
 */
final class UserField {

    private static final JsonFactory JSON = new JsonFactory();

    private UserField() {
    }

    /** The text of a JSON object's top-level {@code "user"} value if it is a scalar, else null; the rest unread. */
    static String of(String line) {
        int n = line.length();
        int i = space(line, 0);
        if (i >= n || line.charAt(i) != '{') {
            return parsed(line);
        }
        i = space(line, i + 1);
        if (i < n && line.charAt(i) == '}') {
            return null;
        }
        while (i < n && line.charAt(i) == '"') {
            int keyEnd = plainEnd(line, i + 1);
            if (keyEnd < 0) {
                return parsed(line);
            }
            boolean isUser = keyEnd - i == 5 && line.startsWith("user", i + 1);
            int colon = space(line, keyEnd + 1);
            if (colon >= n || line.charAt(colon) != ':') {
                return parsed(line);
            }
            int value = space(line, colon + 1);
            if (isUser) {
                int end = value < n && line.charAt(value) == '"' ? plainEnd(line, value + 1) : -1;
                return end < 0 ? parsed(line) : line.substring(value + 1, end);
            }
            int after = skipValue(line, value);
            if (after < 0) {
                return parsed(line);
            }
            i = space(line, after);
            if (i < n && line.charAt(i) == '}') {
                return null; // the object ends without a user
            }
            if (i >= n || line.charAt(i) != ',') {
                return parsed(line);
            }
            i = space(line, i + 1);
        }
        return parsed(line);
    }

    /** The same as {@link #of}, read with a Jackson parser (any text). */
    static String parsed(String line) {
        try (JsonParser p = JSON.createParser(line)) {
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
    private static int space(String s, int i) {
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                break;
            }
            i++;
        }
        return i;
    }

    /** The index of the quote that ends a string starting at {@code i}, or -1 if it has an escape or control. */
    private static int plainEnd(String s, int i) {
        for (int n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c == '"') {
                return i;
            }
            if (c == '\\' || c < 0x20) {
                return -1;
            }
        }
        return -1;
    }

    /** The index after the JSON value starting at {@code i} (strings, nesting and scalars), or -1 if unclosed. */
    private static int skipValue(String s, int i) {
        int n = s.length();
        int depth = 0;
        int start = i;
        while (i < n) {
            char c = s.charAt(i);
            if (c == '"') {
                i = stringEnd(s, i + 1);
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
    private static int stringEnd(String s, int i) {
        for (int n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                return i;
            }
        }
        return -1;
    }
}
