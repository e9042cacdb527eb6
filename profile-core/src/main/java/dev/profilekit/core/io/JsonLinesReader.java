package dev.profilekit.core.io;

import dev.profilekit.core.engine.Event;
import dev.profilekit.core.spi.InvalidEventException;
import java.io.IOException;
import java.io.InputStream;

/**
 * The events of a JSON Lines stream: {@link EventLines} (byte-order mark, line ends, {@code LINE_TOO_LONG},
 * {@code NOT_UTF8} per line) and {@link EventJson}. A line of ASCII bytes, the common case, is parsed from its
 * bytes without a {@code String} of the line; any other line is decoded strictly and parsed as text. Either way
 * the events, reasons and messages are those of {@code EventJson.parse(line.text())}. Not thread-safe.
 */
public final class JsonLinesReader implements EventReader {

    private final EventLines lines;

    /**
     * @param in           the stream (closed by {@link #close()})
     * @param maxLineBytes longest line accepted, in bytes without the line end
     * @throws IllegalArgumentException if {@code in} is null or {@code maxLineBytes < 1}
     */
    public JsonLinesReader(InputStream in, int maxLineBytes) {
        this(new EventLines(in, maxLineBytes));
    }

    /**
     * Reads the lines of {@code lines} (for example an {@link EventLines#resume} reader); closing this closes it.
     *
     * @throws IllegalArgumentException if {@code lines} is null
     */
    public JsonLinesReader(EventLines lines) {
        if (lines == null) {
            throw new IllegalArgumentException("lines must not be null");
        }
        this.lines = lines;
    }

    @Override
    public ParsedEvent next() throws IOException {
        while (true) {
            EventLines.Line tooLong = lines.nextRaw();
            long number = lines.lineNumber();
            if (tooLong != null) {
                return new ParsedEvent(number, lines.offset(), null, tooLong.error(), tooLong.raw());
            }
            int length = lines.rawLength;
            if (length < 0) {
                return null;
            }
            byte[] b = lines.rawBytes();
            boolean ascii = true;
            boolean blank = true;
            for (int i = 0; i < length; i++) {
                byte c = b[i];
                if (c < 0) {
                    ascii = false;
                    break;
                }
                if (c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != '\f' && c != 0x0B
                        && (c > 0x1F || c < 0x1C)) {
                    blank = false;
                }
            }
            if (ascii) {
                if (blank) {
                    continue; // String.isBlank: white space only
                }
                try {
                    return new ParsedEvent(number, lines.offset(), EventJson.parse(b, 0, length), null, null);
                } catch (InvalidEventException e) {
                    return new ParsedEvent(number, lines.offset(), null, e,
                            new String(b, 0, length, java.nio.charset.StandardCharsets.ISO_8859_1));
                }
            }
            EventLines.Line line = lines.decode(length);
            if (line.error() != null) {
                return new ParsedEvent(number, lines.offset(), null, line.error(), line.raw());
            }
            if (line.text().isBlank()) {
                continue;
            }
            try {
                Event e = EventJson.parse(line.text());
                return new ParsedEvent(number, lines.offset(), e, null, null);
            } catch (InvalidEventException e) {
                return new ParsedEvent(number, lines.offset(), null, e, line.text());
            }
        }
    }

    /** The byte offset in the stream where the next line starts. */
    public long offset() {
        return lines.offset();
    }

    @Override
    public void close() throws IOException {
        lines.close();
    }
}
