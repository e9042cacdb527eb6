package dev.profilekit.kafka;

import dev.profilekit.core.io.CsvEventReader;
import dev.profilekit.core.io.EventJson;
import dev.profilekit.core.io.ParsedEvent;
import dev.profilekit.core.spi.InvalidEventException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * How a record's value holds an event: one JSON object as a line of the event log ({@link #jsonLines()}), or one
 * CSV row under a header given here ({@link #csv(String)}), read by the same parsers as {@code replay} reads files
 * ({@link EventJson}, {@link CsvEventReader}). The record's key is the user id (for partitioning: one partition
 * carries all of a user's events, in order); the event's own {@code user} field is what the engine uses.
 */
public abstract sealed class RecordFormat {

    private RecordFormat() {
    }

    /**
     * Each value is one event in the JSON Lines form of the profile specification (UTF-8, no line end needed); a
     * blank value is skipped, as a blank line of a file is.
     */
    public static RecordFormat jsonLines() {
        return JsonLines.INSTANCE;
    }

    /**
     * Each value is one CSV row (RFC 4180 quoting) under {@code header}, which starts with {@code id,user,type,ts}
     * and then names the attributes, as {@code replay --format csv} reads files.
     *
     * @throws IllegalArgumentException if the header is malformed or does not start with {@code id,user,type,ts}
     */
    public static RecordFormat csv(String header) {
        return new Csv(header);
    }

    /**
     * Parses one record's value as {@link KafkaProfileRunner} does (for readers that see records one at a time, such
     * as a Flink Kafka source): the events it holds, none for a blank value, or one rejected result.
     *
     * @param value        the record's value (null, a tombstone, is rejected as not an event)
     * @param maxLineBytes the longest value read, in bytes
     */
    public List<ParsedEvent> parse(byte[] value, int maxLineBytes) {
        return parse(java.util.Collections.singletonList(value == null ? null : ByteBuffer.wrap(value)),
                maxLineBytes);
    }

    /**
     * Parses the values of one partition's records, in order: one result per event read (a value holding no row,
     * such as a blank CSV value, gives none). Each value is read from its buffer's position to its limit, in place
     * when the buffer has an array (the consumer's own buffers: no copy per record); the buffers are not changed.
     *
     * @param values the records' values (a null value, a tombstone, is rejected as not an event)
     * @param maxLineBytes the longest value read, in bytes
     */
    abstract List<ParsedEvent> parse(List<ByteBuffer> values, int maxLineBytes);

    /** The {@link ParsedEvent#line()} of the first value's event (a CSV header takes line 1). */
    abstract long firstLine();

    private static final class JsonLines extends RecordFormat {
        static final JsonLines INSTANCE = new JsonLines();

        @Override
        List<ParsedEvent> parse(List<ByteBuffer> values, int maxLineBytes) {
            List<ParsedEvent> out = new ArrayList<>(values.size());
            long n = 0;
            for (ByteBuffer v : values) {
                n++;
                if (v == null) {
                    out.add(rejected(n, InvalidEventException.Reason.NOT_JSON,
                            "the record has no value (a tombstone), not an event"));
                    continue;
                }
                byte[] a = array(v);
                int off = offset(v);
                int len = v.remaining();
                if (blank(a, off, len)) {
                    continue; // as a blank line of a file: not an event, not a reject
                }
                try {
                    if (len > maxLineBytes) {
                        throw new InvalidEventException(
                                InvalidEventException.Reason.LINE_TOO_LONG,
                                "the value has " + len + " bytes, more than the limit of " + maxLineBytes);
                    }
                    out.add(new ParsedEvent(n, 0, EventJson.parse(a, off, len), null, null));
                } catch (InvalidEventException e) {
                    out.add(new ParsedEvent(n, 0, null, e, new String(a, off, len, StandardCharsets.UTF_8)));
                }
            }
            return out;
        }

        @Override
        long firstLine() {
            return 1;
        }

        private static boolean blank(byte[] v, int off, int len) {
            for (int i = off, end = off + len; i < end; i++) {
                byte c = v[i];
                if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                    return false;
                }
            }
            return true;
        }

        @Override
        public String toString() {
            return "jsonl";
        }
    }

    private static final class Csv extends RecordFormat {
        private final byte[] header;
        private final String text;

        Csv(String header) {
            if (header == null || header.isBlank()) {
                throw new IllegalArgumentException("the CSV header must not be empty: it starts with "
                        + String.join(",", CsvEventReader.FIXED_COLUMNS));
            }
            this.text = header.strip();
            this.header = (text + "\n").getBytes(StandardCharsets.UTF_8);
            try (CsvEventReader r = new CsvEventReader(new ByteArrayInputStream(this.header), 1 << 20)) {
                r.columns(); // checks the header now
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The rows of one partition's values read as one CSV stream under the header, one value per line. */
        @Override
        List<ParsedEvent> parse(List<ByteBuffer> values, int maxLineBytes) {
            ByteArrayOutputStream b = new ByteArrayOutputStream(header.length + values.size() * 64);
            b.writeBytes(header);
            for (ByteBuffer v : values) {
                if (v != null) {
                    byte[] a = array(v);
                    int off = offset(v);
                    int end = off + v.remaining();
                    while (end > off && (a[end - 1] == '\n' || a[end - 1] == '\r')) {
                        end--;
                    }
                    b.write(a, off, end - off);
                }
                b.write('\n');
            }
            List<ParsedEvent> out = new ArrayList<>(values.size());
            try (CsvEventReader r = new CsvEventReader(new ByteArrayInputStream(b.toByteArray()), maxLineBytes)) {
                ParsedEvent e;
                while ((e = r.next()) != null) {
                    out.add(e);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e); // a byte array does not fail
            }
            return out;
        }

        @Override
        long firstLine() {
            return 2;
        }

        @Override
        public String toString() {
            return "csv:" + text;
        }
    }

    /** The array holding {@code v}'s bytes: its own when it has one, else a copy of them. */
    private static byte[] array(ByteBuffer v) {
        if (v.hasArray()) {
            return v.array();
        }
        byte[] copy = new byte[v.remaining()];
        v.duplicate().get(copy);
        return copy;
    }

    /** Where {@code v}'s bytes start in {@link #array(ByteBuffer) array(v)}. */
    private static int offset(ByteBuffer v) {
        return v.hasArray() ? v.arrayOffset() + v.position() : 0;
    }

    private static ParsedEvent rejected(long n, InvalidEventException.Reason reason,
                                        String message) {
        return new ParsedEvent(n, 0, null, new InvalidEventException(reason, message), "");
    }
}
