package dev.profilekit.core.io;

import dev.profilekit.core.engine.Event;
import java.nio.charset.StandardCharsets;

/**
 * The common shape of an event line, parsed straight from its ASCII bytes: one flat object of {@code id},
 * {@code user}, {@code type} (strings without escapes), an integer {@code ts} and an {@code attrs} object of
 * escape-free strings, numbers and booleans. Anything else (escapes, ISO timestamps, unknown fields, duplicate
 * keys, null, nesting, numbers Jackson would read as big integers, an event that fails validation) is not decided
 * here: {@link #tryParse} returns null and the caller uses the full parser, so that the result is always exactly
 * that of {@link EventJson#parse(String)}.
 */
final class FastEventParser {

    /**
     * Recently seen short strings (types, attribute names and values, users), shared by all threads: a slot holds a
     * String whose characters are compared with the bytes before it is used, so a race only costs a miss. Reusing
     * them saves the garbage of a String per field and, as they soon live in the old generation, the young
     * collector's scanning of the long-lived state they are stored into.
     */
    private static final String[] CACHE = new String[1 << 15];
    private static final int CACHED_LENGTH = 32;

    private final byte[] b;
    private final int end;
    private int i;

    private FastEventParser(byte[] b, int from, int end) {
        this.b = b;
        this.i = from;
        this.end = end;
    }

    /** The event of {@code b[from, from + length)} (ASCII bytes only), or null when the full parser must decide. */
    static Event tryParse(byte[] b, int from, int length) {
        try {
            return new FastEventParser(b, from, from + length).event();
        } catch (RuntimeException e) {
            return null; // an invalid event, or a shape this parser leaves to Jackson: the full parser decides
        }
    }

    private Event event() {
        ws();
        if (!take('{')) {
            return null;
        }
        String id = null;
        String user = null;
        String type = null;
        long ts = 0;
        int seen = 0;
        Object[] attrs = null;
        int attrCount = 0;
        ws();
        if (peek() == '}') {
            return null;
        }
        while (true) {
            String key = string();
            if (key == null) {
                return null;
            }
            ws();
            if (!take(':')) {
                return null;
            }
            ws();
            int bit;
            switch (key) {
                case "id" -> {
                    bit = 1;
                    id = string(false);
                }
                case "user" -> {
                    bit = 2;
                    user = string();
                }
                case "type" -> {
                    bit = 4;
                    type = string();
                }
                case "ts" -> {
                    bit = 8;
                    int start = i;
                    if (!integer()) {
                        return null;
                    }
                    ts = parseLong(start, i);
                }
                case "attrs" -> {
                    bit = 16;
                    if (!take('{')) {
                        return null;
                    }
                    attrs = new Object[8];
                    ws();
                    if (peek() == '}') {
                        i++;
                    } else {
                        while (true) {
                            String name = string();
                            if (name == null) {
                                return null;
                            }
                            for (int k = 0; k < attrCount; k++) {
                                if (attrs[2 * k].equals(name)) {
                                    return null; // duplicate: Jackson's error
                                }
                            }
                            ws();
                            if (!take(':')) {
                                return null;
                            }
                            ws();
                            Object v = value();
                            if (v == null) {
                                return null;
                            }
                            if (2 * attrCount + 2 > attrs.length) {
                                attrs = java.util.Arrays.copyOf(attrs, attrs.length * 2);
                            }
                            attrs[2 * attrCount] = name;
                            attrs[2 * attrCount + 1] = v;
                            attrCount++;
                            ws();
                            if (take(',')) {
                                ws();
                            } else if (take('}')) {
                                break;
                            } else {
                                return null;
                            }
                        }
                    }
                }
                default -> {
                    return null; // unknown fields are skipped by the full parser
                }
            }
            if ((seen & bit) != 0) {
                return null; // duplicate key
            }
            seen |= bit;
            if (bit <= 4 && (bit == 1 ? id : bit == 2 ? user : type) == null) {
                return null;
            }
            ws();
            if (take(',')) {
                ws();
            } else if (take('}')) {
                break;
            } else {
                return null;
            }
        }
        ws();
        if (i != end || (seen & 15) != 15) {
            return null;
        }
        Event.Builder e = Event.builder(id, user, type, ts);
        for (int k = 0; k < attrCount; k++) {
            String name = (String) attrs[2 * k];
            Object v = attrs[2 * k + 1];
            if (v instanceof String s) {
                e.attr(name, s);
            } else if (v instanceof Double d) {
                e.attr(name, d.doubleValue());
            } else {
                e.attr(name, ((Boolean) v).booleanValue());
            }
        }
        return e.build();
    }

    /** A string, a finite number or a boolean; null for anything else. */
    private Object value() {
        int c = peek();
        if (c == '"') {
            return string();
        }
        if (c == 't') {
            return word("true") ? Boolean.TRUE : null;
        }
        if (c == 'f') {
            return word("false") ? Boolean.FALSE : null;
        }
        int start = i;
        boolean negative = take('-');
        int digits = digits();
        if (digits == 0 || (digits > 1 && b[start + (negative ? 1 : 0)] == '0')) {
            return null;
        }
        boolean integral = true;
        if (take('.')) {
            integral = false;
            if (digits() == 0) {
                return null;
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            i++;
            integral = false;
            if (!take('+')) {
                take('-');
            }
            if (digits() == 0) {
                return null;
            }
        }
        if (integral) {
            if (digits > 18) {
                return null; // Jackson reads it as a big integer: leave it to Jackson
            }
            return (double) parseLong(start, i);
        }
        double d = Double.parseDouble(new String(b, start, i - start, StandardCharsets.ISO_8859_1));
        return Double.isFinite(d) ? d : null;
    }

    /** An optionally negative integer without leading zeros and at most 18 digits. */
    private boolean integer() {
        int start = i;
        boolean negative = take('-');
        int digits = digits();
        if (digits == 0 || digits > 18 || (digits > 1 && b[start + (negative ? 1 : 0)] == '0')) {
            return false;
        }
        int c = peek();
        return c != '.' && c != 'e' && c != 'E';
    }

    private int digits() {
        int start = i;
        while (i < end && b[i] >= '0' && b[i] <= '9') {
            i++;
        }
        return i - start;
    }

    private boolean word(String w) {
        if (end - i < w.length()) {
            return false;
        }
        for (int k = 0; k < w.length(); k++) {
            if (b[i + k] != w.charAt(k)) {
                return false;
            }
        }
        i += w.length();
        return true;
    }

    /** {@code b[from, to)}: an optionally negative integer of at most 18 digits, already checked. */
    private long parseLong(int from, int to) {
        boolean negative = b[from] == '-';
        long v = 0;
        for (int k = negative ? from + 1 : from; k < to; k++) {
            v = v * 10 + (b[k] - '0');
        }
        return negative ? -v : v;
    }

    private String string() {
        return string(true);
    }

    /** A string of ASCII without escapes or control characters, or null; short ones from the cache if asked. */
    private String string(boolean cached) {
        if (!take('"')) {
            return null;
        }
        int start = i;
        int h = 0;
        while (i < end) {
            byte c = b[i];
            if (c == '"') {
                String s = cached && i - start <= CACHED_LENGTH ? cached(start, i, h)
                        : new String(b, start, i - start, StandardCharsets.ISO_8859_1);
                i++;
                return s;
            }
            h = 31 * h + c;
            if (c == '\\' || c < 0x20) {
                return null;
            }
            i++;
        }
        return null;
    }

    private String cached(int from, int to, int h) {
        int slot = (h ^ (h >>> 15)) & (CACHE.length - 1);
        String s = CACHE[slot];
        if (s != null && s.length() == to - from) {
            boolean same = true;
            for (int k = 0; k < to - from; k++) {
                if (s.charAt(k) != b[from + k]) {
                    same = false;
                    break;
                }
            }
            if (same) {
                return s;
            }
        }
        s = new String(b, from, to - from, StandardCharsets.ISO_8859_1);
        CACHE[slot] = s;
        return s;
    }

    private void ws() {
        while (i < end) {
            byte c = b[i];
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                i++;
            } else {
                return;
            }
        }
    }

    private int peek() {
        return i < end ? b[i] : -1;
    }

    private boolean take(char c) {
        if (i < end && b[i] == c) {
            i++;
            return true;
        }
        return false;
    }
}
