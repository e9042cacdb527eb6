package dev.profilekit.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/**
 * The message and text of a rejected line, bounded so that no input can make a rejects file much larger than
 * itself: the text keeps its first {@link #MAX_CODE_POINTS} code points (Unicode characters; a surrogate pair is
 * never split) and the message at most as many. A cut text is followed by {@code "text_truncated":true} and
 * {@code "text_bytes":B}, the whole text's length in UTF-8 bytes; a cut message ends in "...".
 *
 * <p>The bound: JSON escaping writes one code point in at most 6 bytes ({@code \u0000}), and a code point comes
 * from at least one input byte, so a reject's text takes at most 6 times the bytes of its line and at most 6,144
 * bytes; its message at most 6,147; line number, reason, keys and {@code text_bytes} at most 160. A rejects line
 * is therefore at most 6 x (the rejected line's bytes) + 6,400 bytes, and never more than 12,600 bytes: a rejects
 * file is at most 6 x the (decompressed) input's size plus 6,400 bytes per rejected line.
 */
final class RejectText {

    /** Most code points of a reject's text, and of its message, that are written. */
    static final int MAX_CODE_POINTS = 1024;

    private RejectText() {
    }

    /** Writes the fields {@code message} and {@code text} (and the cut marker if the text was cut) to {@code g}. */
    static void write(JsonGenerator g, String message, String text) throws IOException {
        String m = cut(message);
        g.writeStringField("message", m == null || m.length() == message.length() ? m : m + "...");
        String t = cut(text);
        g.writeStringField("text", t);
        if (t != null && t.length() != text.length()) {
            g.writeBooleanField("text_truncated", true);
            g.writeNumberField("text_bytes", utf8Length(text));
        }
    }

    /** The first {@link #MAX_CODE_POINTS} code points of {@code s}, lone surrogates as U+FFFD; null for null. */
    static String cut(String s) {
        if (s == null) {
            return null;
        }
        int end = s.length() <= MAX_CODE_POINTS || s.codePointCount(0, s.length()) <= MAX_CODE_POINTS ? s.length()
                : s.offsetByCodePoints(0, MAX_CODE_POINTS);
        // validUnicode keeps the length (one U+FFFD per lone surrogate), so the caller still sees a cut
        return CliSupport.validUnicode(end == s.length() ? s : s.substring(0, end));
    }

    /** Bytes of {@code s} in UTF-8, a lone surrogate counting as the 3 of U+FFFD. */
    static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }
}
