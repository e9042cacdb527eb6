package dev.profilekit.core.io;

import dev.profilekit.core.engine.Event;
import dev.profilekit.core.spi.InvalidEventException;
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
 * numbers are the 1-based number of the physical line a row starts on; blank lines are skipped. Not thread-safe.
 *
 * <p><b>An unclosed quote cannot swallow the rows after it.</b> A quoted cell may go on over line ends, but a row
 * whose quoted cell is still open at the end of a physical line ends there, and is rejected alone as
 * {@code BAD_CSV}, when the next physical line is on its own a complete row (the header's number of cells, and an
 * id, user, type and ts an event accepts); that line is then read as the next row. The line that closes a quoted
 * cell holds an odd number of quotes and so never counts as a complete row: only a cell holding a line that is
 * itself a valid row is cut. A row still open after {@code maxLineBytes} characters in all is rejected as
 * {@code LINE_TOO_LONG}, and one still open at the end of the input as {@code BAD_CSV}. Every such reject says
 * how many physical lines it covered, and reading goes on at the line after them.
 */
public final class CsvEventReader implements EventReader {

    /** The columns every CSV event input starts with, in this order. */
    public static final List<String> FIXED_COLUMNS = List.of("id", "user", "type", "ts");

    private static final Pattern EPOCH_MS = Pattern.compile("-?\\d+");
    private static final Pattern JSON_NUMBER = Pattern.compile("-?(0|[1-9]\\d*)(\\.\\d+)?([eE][+-]?\\d+)?");

    private final EventLines lines;
    private final int maxRecordChars;
    private List<String> columns;
    /** A line read ahead (it ended an open quoted cell's row) and not yet returned. */
    private EventLines.Line pending;

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
        if (columns == null && !readHeader()) {
            throw noHeader();
        }
        return columns;
    }

    /**
     * Whether {@code line} (after a byte-order mark, if any) starts with the header cells this reader needs,
     * {@code id,user,type,ts}: for a caller that read CSV as another format and wants to say so.
     */
    public static boolean looksLikeHeader(String line) {
        if (line == null) {
            return false;
        }
        Splitter header = new Splitter(FIXED_COLUMNS.size());
        if (header.first(line.startsWith("\uFEFF") ? line.substring(1) : line) != null
                || header.cells.size() < FIXED_COLUMNS.size()) {
            return false;
        }
        return header.cells.subList(0, FIXED_COLUMNS.size()).stream().map(String::strip).toList()
                .equals(FIXED_COLUMNS);
    }

    private static IllegalArgumentException noHeader() {
        return new IllegalArgumentException("the CSV input is empty: it needs a header line starting with "
                + String.join(",", FIXED_COLUMNS));
    }

    /** Reads the header; false when the input holds no line at all (no header and no rows: no events). */
    private boolean readHeader() throws IOException {
        EventLines.Line first;
        do {
            first = lines.next();
            if (first == null) {
                if (lines.lineNumber() == 0) {
                    return false;
                }
                throw noHeader();
            }
        } while (first.error() == null && first.text().isBlank());
        if (first.error() != null) {
            throw new IllegalArgumentException("the CSV header (line " + first.number() + ") cannot be read: "
                    + first.error().getMessage());
        }
        Splitter header = new Splitter(FIXED_COLUMNS.size());
        String problem = header.first(first.text());
        List<String> cells = header.cells;
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
        return true;
    }

    @Override
    public ParsedEvent next() throws IOException {
        if (columns == null && !readHeader()) {
            return null; // an empty input holds no events
        }
        while (true) {
            EventLines.Line line = pending != null ? pending : lines.next();
            pending = null;
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
            Splitter row = new Splitter(columns.size());
            String problem = row.first(text);
            if (!"open".equals(problem)) {
                return parsed(number, lines.offset(), row.cells, problem, text);
            }
            // a quoted cell goes on past the line end: RFC 4180 line breaks in cells, up to the bounds of the class
            StringBuilder record = new StringBuilder(text);
            long last = number;
            while (true) {
                long before = lines.offset();
                EventLines.Line more = lines.next();
                if (more == null) {
                    return badCsv(number, lines.offset(), "a quoted cell is not closed before the end of the input",
                            last, record);
                }
                if (more.error() != null) {
                    InvalidEventException e = more.error();
                    return new ParsedEvent(number, lines.offset(), null, new InvalidEventException(e.reason(),
                            "row of line " + number + " (" + span(number, more.number()) + "): " + e.getMessage()),
                            abbreviate(record.toString()));
                }
                if (startsRow(more.text())) {
                    pending = more; // read again as the next row
                    return badCsv(number, before, "a quoted cell is still open at the end of line " + last
                            + " and line " + more.number() + " is a complete row of its own, so the row ends there",
                            last, record);
                }
                last = more.number();
                record.append('\n').append(more.text());
                if (record.length() > maxRecordChars) {
                    return new ParsedEvent(number, lines.offset(), null, new InvalidEventException(
                            InvalidEventException.Reason.LINE_TOO_LONG, "the row of line " + number
                            + " is longer than " + maxRecordChars + " characters with a quoted cell still open ("
                            + span(number, last) + "); reading goes on at line " + (last + 1)),
                            abbreviate(record.toString()));
                }
                problem = row.more(more.text());
                if (!"open".equals(problem)) {
                    return parsed(number, lines.offset(), row.cells, problem, record.toString());
                }
            }
        }
    }

    /** The record read as an event, or rejected for {@code problem} or its cell count. */
    private ParsedEvent parsed(long number, long offset, List<String> cells, String problem, String text) {
        if (problem == null && cells.size() != columns.size()) {
            problem = "the row has " + cells.size() + " cells, the header " + columns.size();
        }
        if (problem != null) {
            return new ParsedEvent(number, offset, null,
                    new InvalidEventException(InvalidEventException.Reason.BAD_CSV, "line " + number + ": " + problem),
                    text);
        }
        try {
            return new ParsedEvent(number, offset, toEvent(cells), null, null);
        } catch (InvalidEventException e) {
            return new ParsedEvent(number, offset, null, e, text);
        }
    }

    /** A {@code BAD_CSV} reject of the record of lines {@code number..last}, saying how many lines it covered. */
    private static ParsedEvent badCsv(long number, long offset, String problem, long last, CharSequence record) {
        return new ParsedEvent(number, offset, null, new InvalidEventException(InvalidEventException.Reason.BAD_CSV,
                "line " + number + ": " + problem + "; the row is rejected alone (" + span(number, last) + ")"),
                abbreviate(record.toString()));
    }

    private static String span(long first, long last) {
        long n = last - first + 1;
        return n == 1 ? "1 physical line" : n + " physical lines, " + first + "-" + last;
    }

    /**
     * Whether a physical line is, on its own, a complete row: the header's number of cells and an id, user, type
     * and ts an event accepts. Such a line always starts a row, even inside an open quoted cell. The line that
     * closes a quoted cell holds an odd number of quotes and so is never a complete row.
     */
    private boolean startsRow(String text) {
        if (text.isBlank()) {
            return false;
        }
        Splitter s = new Splitter(columns.size());
        if (s.first(text) != null || s.cells.size() != columns.size()) {
            return false;
        }
        try {
            toEvent(s.cells);
            return true;
        } catch (InvalidEventException e) {
            return false;
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
     * Splits a record fed line by line: {@link #first} its first line, then {@link #more} each further line while
     * a quoted cell is open (each line is scanned once, so a long record costs linear time).
     */
    private static final class Splitter {
        final List<String> cells;
        private final StringBuilder cell = new StringBuilder();

        Splitter(int columns) {
            cells = new ArrayList<>(columns);
        }

        /** Null if the line is a well-formed record, "open" if a quoted cell is open at its end, else the problem. */
        String first(String text) {
            return scan(text, false);
        }

        /** The next line of a record whose quoted cell was open: the cell holds a line break, then the line. */
        String more(String text) {
            cell.append('\n');
            return scan(text, true);
        }

        private String scan(String text, boolean quoted) {
            int i = 0;
            int n = text.length();
            while (true) {
                if (!quoted) {
                    cell.setLength(0);
                    if (i < n && text.charAt(i) == '"') {
                        quoted = true;
                        i++;
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
                }
                if (quoted) {
                    while (true) {
                        if (i >= n) {
                            return "open";
                        }
                        char c = text.charAt(i++);
                        if (c != '"') {
                            cell.append(c);
                        } else if (i < n && text.charAt(i) == '"') {
                            cell.append('"');
                            i++;
                        } else {
                            break;
                        }
                    }
                    quoted = false;
                    if (i < n && text.charAt(i) != ',') {
                        return "text after the closing quote of cell " + (cells.size() + 1);
                    }
                }
                cells.add(cell.toString());
                if (i >= n) {
                    return null;
                }
                i++; // past ','
            }
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
