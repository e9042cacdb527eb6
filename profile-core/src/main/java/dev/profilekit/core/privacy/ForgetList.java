package dev.profilekit.core.privacy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A list of user ids to forget (the {@code --forget} file), read by one exact rule:
 * <ul>
 *   <li>UTF-8; a byte-order mark at the very start is skipped; a line that is not valid UTF-8 is an error;</li>
 *   <li>lines end at {@code \n}, and a {@code \r} at the end of a line (before {@code \n} or the end of the file)
 *       belongs to the line end; the last line needs no line end;</li>
 *   <li>every other line is one user id, byte for byte: nothing is trimmed ({@code " pad"} forgets
 *       {@code " pad"}, not {@code "pad"});</li>
 *   <li>a line that is empty or only white space is skipped: a user id must not be blank (the profile
 *       specification), so it names no one;</li>
 *   <li>a line that starts with {@code "} is a JSON string literal holding (nothing but white space may follow it) the id, for ids that
 *       cannot be written on a line as they are: {@code "a\nb"}, {@code "pad "} (against editors that strip
 *       trailing blanks), {@code "\"quoted\""} (an id that itself starts with a quote). It must not decode to a
 *       blank id or hold a lone surrogate.</li>
 * </ul>
 * Errors name the 1-based line number. Memory holds the ids, not the file.
 */
public final class ForgetList {

    private static final JsonFactory JSON = new JsonFactory();

    private ForgetList() {
    }

    /**
     * The ids listed in {@code file}.
     *
     * @throws IOException              if the file cannot be read
     * @throws IllegalArgumentException for a line that breaks the rule, with a one-line message naming the line
     */
    public static Set<String> read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in);
        }
    }

    /** As {@link #read(Path)}, from a stream (not closed). */
    public static Set<String> read(InputStream stream) throws IOException {
        InputStream in = new BufferedInputStream(stream, 1 << 16);
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        Set<String> users = new LinkedHashSet<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        long number = 0;
        boolean first = true;
        int b;
        boolean more = true;
        while (more) {
            line.reset();
            while ((b = in.read()) >= 0 && b != '\n') {
                line.write(b);
            }
            more = b >= 0;
            if (!more && line.size() == 0) {
                break; // the file ended with a line end
            }
            number++;
            byte[] bytes = line.toByteArray();
            int from = 0;
            if (first && bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB
                    && (bytes[2] & 0xFF) == 0xBF) {
                from = 3;
            }
            first = false;
            int to = bytes.length > from && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
            String text;
            try {
                text = utf8.reset().decode(ByteBuffer.wrap(bytes, from, to - from)).toString();
            } catch (CharacterCodingException e) {
                throw new IllegalArgumentException("line " + number + " is not valid UTF-8 (the file must be UTF-8)");
            }
            if (text.isBlank()) {
                continue;
            }
            users.add(text.charAt(0) == '"' ? jsonString(text, number) : text);
        }
        return users;
    }

    /** The id a line written as a JSON string literal holds. */
    private static String jsonString(String text, long number) {
        String id;
        try (JsonParser p = JSON.createParser(text)) {
            if (p.nextToken() != JsonToken.VALUE_STRING) {
                throw new IOException("not a string");
            }
            id = p.getText();
            if (p.nextToken() != null) {
                throw new IOException("text after the string");
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("line " + number + " starts with '\"' but is not one JSON string "
                    + "literal (a line starting with a quote must be, e.g. \"a\\nb\"): " + abbreviate(text));
        }
        if (id.isBlank()) {
            throw new IllegalArgumentException("line " + number + " is a JSON string of a blank id; a user id must "
                    + "not be blank");
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < id.length() && Character.isLowSurrogate(id.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException("line " + number + " holds a lone UTF-16 surrogate, which no "
                        + "user id can hold");
            }
        }
        return id;
    }

    private static String abbreviate(String s) {
        return s.codePointCount(0, s.length()) <= 80 ? s : s.substring(0, s.offsetByCodePoints(0, 80)) + "...";
    }
}
