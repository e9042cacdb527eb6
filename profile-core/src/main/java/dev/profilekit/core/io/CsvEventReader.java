package dev.profilekit.core.io;

import dev.profilekit.core.engine.Event;
import dev.profilekit.core.engine.InvalidEventException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The events of a CSV stream (RFC 4180: comma separated, a cell in double quotes may hold commas, line ends and
 * doubled quotes {@code ""}). The first line is a header: {@code id,user,type,ts}, then one column per attribute.
 * A row becomes the event its JSON Lines form would be:
 * <ul>
 *   <li>{@code ts}: integer epoch ms or an ISO-8601 instant as in JSON ({@code BAD_TIMESTAMP} otherwise);</li>
 *   <li>an empty cell means the field or attribute is absent (an empty id, user, type or ts: {@code MISSING_FIELD});</li>
 *   <li>an attribute cell is a number when it is a JSON number with a finite value, a string otherwise.</li>
 * </ul>
 * Lines are read as {@link EventLines} reads them (byte-order mark, {@code LINE_TOO_LONG}, {@code NOT_UTF8} per
 * line); a row with more or fewer cells than the header, or broken quoting, is rejected as {@code BAD_CSV}. Row
 * numbers are the 1-based number of the line a row starts on; blank lines are skipped. Not thread-safe.
 */
public final class CsvEventReader implements EventReader {

    /** The columns every CSV event input starts with, in this order. */
    public static final List<String> FIXED_COLUMNS = List.of("id", "user", "type", "ts");

    private static final Pattern EPOCH_MS = Pattern.compile("-?\\d+");
    private static final Pattern JSON_NUMBER = Pattern.compile("-?(0|[1-9]\\d*)(\\.\\d+)?([eE][+-]?\\d+)?");

    private final EventLines lines;
    private final int maxRecordChars;
    private List<String> columns;

    /**
     * @param in           the stream (closed by {@link #close()})
     * @param maxLineBytes longest line accepted, in bytes without the line end (a quoted row spanning lines may
     *                     hold at most this many characters in all)
     * @throws IllegalArgumentException if {@code in} is null or {@code maxLineBytes < 1}
     */
    public CsvEventReader(InputStream in, int maxLineBytes) {
        this.lines = new EventLines(in, maxLineBytes);
        this.maxRecordChars = maxLineBytes;
    }

    /**
     * The header's columns (reads it if no row was read yet).
     *
     * @throws IOException              if the input cannot be read
     * @throws IllegalArgumentException if the input has no valid header
     */
    public List<String> columns() throws IOException {
        if (columns == null) {
            readHeader();
        }
        return columns;
    }

    private void readHeader() throws IOException {
        EventLines.Line first;
        do {
            first = lines.next();
            if (first == null) {
                throw new IllegalArgumentException("the CSV input is empty: it needs a header line starting with "
                        + String.join(",", FIXED_COLUMNS));
            }
        } while (first.error() == null && first.text().isBlank());
        if (first.error() != null) {
            throw new IllegalArgumentException("the CSV header (line " + first.number() + ") cannot be read: "
                    + first.error().getMessage());
        }
        List<String> cells = new ArrayList<>();
        String problem = split(first.text(), cells);
        if (problem != null) {
            throw new IllegalArgumentException("the CSV header (line " + first.number() + ") is malformed: " + problem);
        }
        List<String> names = cells.stream().map(String::strip).toList();
        if (names.size() < FIXED_COLUMNS.size() || !names.subList(0, FIXED_COLUMNS.size()).equals(FIXED_COLUMNS)) {
            throw new IllegalArgumentException("the CSV header (line " + first.number() + ") must start with "
                    + String.join(",", FIXED_COLUMNS) + ", was " + abbreviate(first.text()));
        }
        Set<String> seen = new HashSet<>();
        for (String n : names) {
            if (n.isEmpty() || !seen.add(n)) {
                throw new IllegalArgumentException("the CSV header (line " + first.number() + ") has "
                        + (n.isEmpty() ? "an empty" : "a repeated") + " column name '" + n + "'");
            }
        }
        columns = names;
    }

    @Override
    public ParsedEvent next() throws IOException {
        if (columns == null) {
            readHeader();
        }
        while (true) {
            EventLines.Line line = lines.next();
            if (line == null) {
                return null;
            }
            long number = line.number();
            if (line.error() != null) {
                return new ParsedEvent(number, lines.offset(), null, line.error(), line.raw());
            }
            String text = line.text();
            if (text.isBlank()) {
                continue;
            }
            List<String> cells = new ArrayList<>(columns.size());
            String problem = split(text, cells);
            // a quoted cell that goes on past the line end: join the next lines (RFC 4180 line breaks in cells)
            while ("open".equals(problem)) {
                EventLines.Line more = lines.next();
                if (more == null) {
                    problem = "a quoted cell is not closed before the end of the input";
                    break;
                }
                if (more.error() != null) {
                    InvalidEventException e = more.error();
                    return new ParsedEvent(number, lines.offset(), null, new InvalidEventException(e.reason(),
                            "row of line " + number + ": " + e.getMessage()), abbreviate(text));
                }
                text = text + "\n" + more.text();
                if (text.length() > maxRecordChars) {
                    return new ParsedEvent(number, lines.offset(), null, new InvalidEventException(
                            InvalidEventException.Reason.LINE_TOO_LONG, "the row of line " + number
                            + " is longer than " + maxRecordChars + " characters"), abbreviate(text));
                }
                cells.clear();
                problem = split(text, cells);
            }
            if (problem == null && cells.size() != columns.size()) {
                problem = "the row has " + cells.size() + " cells, the header " + columns.size();
            }
            if (problem != null) {
                return new ParsedEvent(number, lines.offset(), null,
                        new InvalidEventException(InvalidEventException.Reason.BAD_CSV, "line " + number + ": "
                                + problem), text);
            }
            try {
                return new ParsedEvent(number, lines.offset(), toEvent(cells), null, null);
            } catch (InvalidEventException e) {
                return new ParsedEvent(number, lines.offset(), null, e, text);
            }
        }
    }

    private Event toEvent(List<String> cells) {
        String ts = cells.get(3);
        long t;
        if (ts.isEmpty()) {
            throw new InvalidEventException(InvalidEventException.Reason.MISSING_FIELD, "field 'ts' is missing");
        } else if (EPOCH_MS.matcher(ts).matches()) {
            try {
                t = Long.parseLong(ts);
            } catch (NumberFormatException e) {
                throw new InvalidEventException(InvalidEventException.Reason.BAD_TIMESTAMP,
                        "field 'ts' is out of range, was " + ts);
            }
        } else {
            t = EventJson.isoTimestamp(ts);
        }
        Event.Builder b = Event.builder(nullIfEmpty(cells.get(0)), nullIfEmpty(cells.get(1)),
                nullIfEmpty(cells.get(2)), t);
        for (int i = FIXED_COLUMNS.size(); i < cells.size(); i++) {
            String v = cells.get(i);
            if (v.isEmpty()) {
                continue;
            }
            String name = columns.get(i);
            if (JSON_NUMBER.matcher(v).matches()) {
                double d = Double.parseDouble(v);
                if (Double.isFinite(d)) {
                    b.attr(name, d);
                    continue;
                }
            }
            b.attr(name, v);
        }
        return b.build();
    }

    private static String nullIfEmpty(String s) {
        return s.isEmpty() ? null : s;
    }

    /**
     * Splits one record into {@code cells}: null if well formed, "open" if a quoted cell is still open at the
     * end, otherwise what is wrong.
     */
    static String split(String text, List<String> cells) {
        StringBuilder cell = new StringBuilder();
        int i = 0;
        int n = text.length();
        while (true) {
            cell.setLength(0);
            if (i < n && text.charAt(i) == '"') {
                i++;
                while (true) {
                    if (i >= n) {
                        return "open";
                    }
                    char c = text.charAt(i++);
                    if (c == '"') {
                        if (i < n && text.charAt(i) == '"') {
                            cell.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        cell.append(c);
                    }
                }
                if (i < n && text.charAt(i) != ',') {
                    return "text after the closing quote of cell " + (cells.size() + 1);
                }
            } else {
                int start = i;
                while (i < n && text.charAt(i) != ',') {
                    if (text.charAt(i) == '"') {
                        return "a quote inside the unquoted cell " + (cells.size() + 1);
                    }
                    i++;
                }
                cell.append(text, start, i);
            }
            cells.add(cell.toString());
            if (i >= n) {
                return null;
            }
            i++; // past ','
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }

    @Override
    public void close() throws IOException {
        lines.close();
    }
}
