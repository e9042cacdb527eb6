package dev.profilekit.core.audience;

import com.fasterxml.jackson.databind.JsonNode;
import dev.profilekit.core.schema.ProfileSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An audiences file: {@code {"audiences":[{"name":"lapsed","rule":"since_seen > P30D"}, ...]}}, each rule
 * type-checked against a schema. Names are unique and made of letters, digits, {@code _} and {@code -}.
 */
public final class Audiences {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_-]{0,63}");

    private Audiences() {
    }

    /**
     * Reads and checks the audiences file {@code file}.
     *
     * @throws IllegalArgumentException one line naming the file and what is wrong (for a rule, the audience, the
     *                                  rule and the column)
     */
    public static List<AudienceRule> read(Path file, ProfileSchema schema) {
        if (file == null || schema == null) {
            throw new IllegalArgumentException("file and schema must not be null");
        }
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the audiences file " + file + ": " + e.getMessage(), e);
        }
        try {
            return parse(text, schema);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** Parses and checks an audiences document (see {@link #read}). */
    public static List<AudienceRule> parse(String json, ProfileSchema schema) {
        if (json == null || schema == null) {
            throw new IllegalArgumentException("json and schema must not be null");
        }
        JsonNode root = dev.profilekit.features.io.JsonCodec.parseObject(json, "the audiences file");
        if (!root.path("audiences").isArray()) {
            throw new IllegalArgumentException("expected an object {\"audiences\": [{\"name\": ..., \"rule\": ...}]}");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("audiences")) {
                throw new IllegalArgumentException("unknown field '" + f + "' (only \"audiences\" is read)");
            }
        }
        List<AudienceRule> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        JsonNode list = root.get("audiences");
        for (int i = 0; i < list.size(); i++) {
            JsonNode a = list.get(i);
            String where = "audiences[" + i + "]";
            if (!a.isObject()) {
                throw new IllegalArgumentException(where + " is not an object with \"name\" and \"rule\"");
            }
            for (Iterator<String> it = a.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!f.equals("name") && !f.equals("rule")) {
                    throw new IllegalArgumentException(where + ": unknown field '" + f + "' (an audience has \"name\""
                            + " and \"rule\")");
                }
            }
            if (!a.path("name").isTextual() || !NAME.matcher(a.get("name").asText()).matches()) {
                throw new IllegalArgumentException(where + ".name must be a string of 1 to 64 letters, digits, _ or -"
                        + (a.has("name") ? ", not " + a.get("name") : ""));
            }
            String name = a.get("name").asText();
            if (!names.add(name)) {
                throw new IllegalArgumentException(where + ": the audience name '" + name + "' is used twice");
            }
            if (!a.path("rule").isTextual()) {
                throw new IllegalArgumentException(where + " ('" + name + "'): \"rule\" must be a string such as "
                        + "\"since_seen > P30D\"");
            }
            out.add(AudienceRule.compile(name, a.get("rule").asText(), schema));
        }
        return List.copyOf(out);
    }
}
