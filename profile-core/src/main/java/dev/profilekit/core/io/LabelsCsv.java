package dev.profilekit.core.io;

import dev.profilekit.core.engine.Event;
import dev.profilekit.core.engine.PointInTimeJoin.Label;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads a labels file for {@link dev.profilekit.core.engine.PointInTimeJoin}: CSV (UTF-8, a byte-order mark is
 * skipped) with the header line {@code user,ts,label}, then one row per label. Fields may be quoted with double
 * quotes ({@code ""} inside a quoted field is one quote); a row is one line. Blank lines are skipped.
 * <ul>
 *   <li>{@code user}: non-blank;</li>
 *   <li>{@code ts}: integer epoch milliseconds, or an ISO-8601 instant with an explicit offset ({@code Z} or
 *       {@code +hh:mm}) and at most millisecond precision, between years 1 and 9999;</li>
 *   <li>{@code label}: any non-empty token, kept exactly as written (see {@link #isNumber(String)} for when it is
 *       written as a number).</li>
 * </ul>
 * A row that breaks a rule fails the whole read with a {@link LabelFormatException} naming the file and line:
 * a training set with silently missing rows would no longer line up with its source.
 */
public final class LabelsCsv {

    private static final Pattern EPOCH_MS = Pattern.compile("-?\\d{1,19}");
    private static final Pattern ISO_INSTANT =
            Pattern.compile("-?\\d{4,}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,3})?(Z|z|[+-]\\d{2}:\\d{2})");
    private static final Pattern JSON_NUMBER = Pattern.compile("-?(0|[1-9]\\d*)(\\.\\d+)?([eE][+-]?\\d+)?");

    private LabelsCsv() {
    }

    /** A bad labels file: the message names the file and the 1-based line. */
    public static final class LabelFormatException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final long line;

        LabelFormatException(String source, long line, String message) {
            super(source + " line " + line + ": " + message);
            this.line = line;
        }

        /** The 1-based line number of the problem. */
        public long line() {
            return line;
        }
    }

    /**
     * Reads every label of {@code file}.
     *
     * @throws LabelFormatException if the header or a row is invalid, or the file is not UTF-8
     * @throws UncheckedIOException if the file cannot be read
     */
    public static List<Label> read(Path file) {
        if (file == null) {
            throw new IllegalArgumentException("labels file must not be null");
        }
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(r, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read labels file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads every label from {@code in}; {@code source} names it in error messages.
     *
     * @throws LabelFormatException if the header or a row is invalid, or the input is not UTF-8
     * @throws IOException          if the input cannot be read
     */
    public static List<Label> read(Reader in, String source) throws IOException {
        if (in == null || source == null) {
            throw new IllegalArgumentException("reader and source must not be null");
        }
        BufferedReader r = in instanceof BufferedReader b ? b : new BufferedReader(in);
        List<Label> labels = new ArrayList<>();
        long lineNo = 0;
        boolean header = false;
        String line;
        while (true) {
            try {
                line = r.readLine();
            } catch (CharacterCodingException e) {
                throw new LabelFormatException(source, lineNo + 1, "not valid UTF-8");
            }
            if (line == null) {
                break;
            }
            lineNo++;
            if (lineNo == 1 && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            if (line.isBlank()) {
                continue;
            }
            List<String> fields = split(line, source, lineNo);
            if (!header) {
                if (fields.size() != 3 || !fields.get(0).strip().equalsIgnoreCase("user")
                        || !fields.get(1).strip().equalsIgnoreCase("ts")
                        || !fields.get(2).strip().equalsIgnoreCase("label")) {
                    throw new LabelFormatException(source, lineNo, "the header must be user,ts,label, was \""
                            + shorten(line) + "\"");
                }
                header = true;
                continue;
            }
            if (fields.size() != 3) {
                throw new LabelFormatException(source, lineNo, "a row must have 3 fields (user,ts,label), had "
                        + fields.size() + ": \"" + shorten(line) + "\"");
            }
            String user = fields.get(0);
            if (user.isBlank()) {
                throw new LabelFormatException(source, lineNo, "user must not be blank");
            }
            long ts;
            try {
                ts = parseTimestamp(fields.get(1));
            } catch (IllegalArgumentException e) {
                throw new LabelFormatException(source, lineNo, e.getMessage());
            }
            String label = fields.get(2);
            if (label.isEmpty()) {
                throw new LabelFormatException(source, lineNo, "label must not be empty");
            }
            labels.add(new Label(user, ts, label));
        }
        if (!header) {
            throw new LabelFormatException(source, Math.max(1, lineNo), "no header line user,ts,label (empty file)");
        }
        return labels;
    }

    /**
     * A label time: integer epoch milliseconds, or an ISO-8601 instant with seconds, an explicit offset and at
     * most millisecond precision ({@code 2026-03-01T10:15:00.250+08:00}), within years 1..9999 as event times.
     *
     * @throws IllegalArgumentException with a message saying what was wrong
     */
    public static long parseTimestamp(String text) {
        if (text == null) {
            throw new IllegalArgumentException("ts must not be null");
        }
        String s = text.strip();
        long ms;
        if (EPOCH_MS.matcher(s).matches()) {
            try {
                ms = Long.parseLong(s);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("ts is out of range, was \"" + shorten(text) + "\"");
            }
        } else if (ISO_INSTANT.matcher(s).matches()) {
            try {
                Instant i = OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
                ms = i.toEpochMilli();
            } catch (DateTimeException | ArithmeticException e) {
                throw new IllegalArgumentException("ts is not a valid date-time, was \"" + shorten(text) + "\"");
            }
        } else {
            throw new IllegalArgumentException("ts must be integer epoch ms or an ISO-8601 instant with seconds and an "
                    + "explicit offset (Z or +hh:mm), was \"" + shorten(text) + "\"");
        }
        if (ms < Event.MIN_TIMESTAMP || ms > Event.MAX_TIMESTAMP) {
            throw new IllegalArgumentException("ts must lie between years 1 and 9999 (" + Event.MIN_TIMESTAMP + ".."
                    + Event.MAX_TIMESTAMP + " ms), was " + ms);
        }
        return ms;
    }

    /**
     * Whether a label token is written as a JSON number: exactly when it follows the JSON number grammar
     * ({@code 1}, {@code -0.5}, {@code 2e3}); anything else ({@code 01}, {@code +1}, {@code .5}, {@code NaN},
     * {@code yes}) is written as a string.
     */
    public static boolean isNumber(String label) {
        return label != null && JSON_NUMBER.matcher(label).matches();
    }

    /** Splits one CSV line; quoted fields may hold commas and doubled quotes. */
    private static List<String> split(String line, String source, long lineNo) {
        List<String> out = new ArrayList<>(3);
        StringBuilder f = new StringBuilder();
        int i = 0;
        int n = line.length();
        while (true) {
            f.setLength(0);
            if (i < n && line.charAt(i) == '"') {
                i++;
                while (true) {
                    if (i >= n) {
                        throw new LabelFormatException(source, lineNo, "a quoted field is not closed");
                    }
                    char c = line.charAt(i++);
                    if (c == '"') {
                        if (i < n && line.charAt(i) == '"') {
                            f.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        f.append(c);
                    }
                }
                if (i < n && line.charAt(i) != ',') {
                    throw new LabelFormatException(source, lineNo, "text after a closing quote at column " + (i + 1));
                }
            } else {
                while (i < n && line.charAt(i) != ',') {
                    char c = line.charAt(i++);
                    if (c == '"') {
                        throw new LabelFormatException(source, lineNo, "a quote inside an unquoted field at column " + i);
                    }
                    f.append(c);
                }
            }
            out.add(f.toString());
            if (i >= n) {
                return out;
            }
            i++; // the comma
        }
    }

    private static String shorten(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
