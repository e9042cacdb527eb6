package dev.profilekit.cli;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The user ids of {@code --forget}, and whether a rejected line belongs to one of them, so that its text (which
 * holds the raw id and the user's values) is not written: by the line's {@code "user"} when it is a JSON object that
 * has one, else (a line that is not JSON, or has no user) when any form of a forgotten id appears in it: raw,
 * JSON-escaped (once or twice, as in a reject's text) or with every non-ASCII character as a {@code \}{@code uXXXX}
 * escape.
 */
final class ForgottenIds {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Set<String> ids;
    private final List<String> forms;

    ForgottenIds(Set<String> ids) {
        this.ids = Set.copyOf(ids);
        JsonStringEncoder enc = JsonStringEncoder.getInstance();
        Set<String> f = new LinkedHashSet<>();
        for (String id : ids) {
            if (id.isEmpty()) {
                continue;
            }
            for (String form : List.of(id, asciiEscaped(id, false), asciiEscaped(id, true))) {
                String once = new String(enc.quoteAsString(form));
                f.add(form);
                f.add(once);
                f.add(new String(enc.quoteAsString(once)));
            }
        }
        this.forms = List.copyOf(f);
    }

    /** The ids. */
    Set<String> ids() {
        return ids;
    }

    /** Whether no id is forgotten. */
    boolean isEmpty() {
        return ids.isEmpty();
    }

    /** Whether {@code user} (a parsed event's user) is forgotten. */
    boolean contains(String user) {
        return ids.contains(user);
    }

    /** Whether the line of input {@code text} (of an unknown user) is, or may be, a forgotten user's. */
    boolean inLine(String text) {
        if (ids.isEmpty() || text == null) {
            return false;
        }
        if (text.startsWith("{")) {
            try {
                JsonNode user = JSON.readTree(text).get("user");
                if (user != null && user.isTextual()) {
                    return ids.contains(user.asText());
                }
            } catch (java.io.IOException e) {
                // not JSON: look for the ids' forms
            }
        }
        for (String form : forms) {
            if (text.contains(form)) {
                return true;
            }
        }
        return false;
    }

    private static String asciiEscaped(String id, boolean upper) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c < 0x80) {
                b.append(c);
            } else {
                String hex = String.format("%04x", (int) c);
                b.append("\\u").append(upper ? hex.toUpperCase(java.util.Locale.ROOT) : hex);
            }
        }
        return b.toString();
    }
}
