package dev.profilekit.core.io;

import dev.profilekit.core.engine.EventLimits;
import dev.profilekit.core.spi.InvalidEventException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads a JSON Lines stream line by line, as bytes, so that no input can stop or exhaust a replay:
 * <ul>
 *   <li>a UTF-8 byte-order mark at the very start is skipped;</li>
 *   <li>lines end at {@code \n}; a {@code \r} before it is dropped;</li>
 *   <li>a line longer than {@link EventLimits#maxLineBytes()} is skipped up to its end without being held in
 *       memory and comes back as an error ({@code LINE_TOO_LONG});</li>
 *   <li>each line is decoded as strict UTF-8 on its own: an undecodable line comes back as an error
 *       ({@code NOT_UTF8}, with the byte offset), and reading goes on with the next line.</li>
 * </ul>
 * Line numbers are 1-based and count every line, blank or not. Memory is bounded by the longest line
 * allowed. Not thread-safe.
 */
public final class EventLines implements Closeable {

    private static final int BUFFER = 1 << 16;

    private final InputStream in;
    private final int maxLineBytes;
    private final byte[] buf = new byte[BUFFER];
    private int pos;
    private int end;
    private boolean eof;
    private boolean started;
    private byte[] line = new byte[256];
    private long number;
    /** Offset in the stream of {@code buf[0]}. */
    private long base;
    /** Bytes of the current line held so far. */
    private int appended;
    /** Length of the line {@link #nextRaw()} read last, -1 if none. */
    int rawLength = -1;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);

    /**
     * One line: its 1-based number, and either its text or why it cannot be read.
     *
     * @param number 1-based line number
     * @param text   the decoded line (no line end), or null when {@code error} is set
     * @param error  why the line was rejected, or null
     * @param raw    for a rejected line, its text as far as it could be shown (invalid bytes replaced by U+FFFD,
     *               cut to 1,024 characters); null otherwise
     */
    public record Line(long number, String text, InvalidEventException error, String raw) {
    }

    /**
     * @param in           the stream (closed by {@link #close()})
     * @param maxLineBytes longest line accepted, in bytes without the line end
     */
    public EventLines(InputStream in, int maxLineBytes) {
        if (in == null) {
            throw new IllegalArgumentException("in must not be null");
        }
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("maxLineBytes must be >= 1, was " + maxLineBytes);
        }
        this.in = in;
        this.maxLineBytes = maxLineBytes;
    }

    /**
     * Lines of a stream positioned at byte {@code offset} of its file, where line {@code linesBefore + 1} starts
     * (an {@link #offset()} of an earlier reader): for resuming a replay. The caller has already skipped the
     * bytes before {@code offset}.
     */
    public static EventLines resume(InputStream in, int maxLineBytes, long offset, long linesBefore) {
        if (offset < 0 || linesBefore < 0) {
            throw new IllegalArgumentException("offset and linesBefore must be >= 0, were " + offset + " and "
                    + linesBefore);
        }
        EventLines lines = new EventLines(in, maxLineBytes);
        lines.started = offset > 0; // the byte order mark can only be at the start
        lines.base = offset;
        lines.number = linesBefore;
        return lines;
    }

    /** The byte offset in the stream where the next line starts (after the last line returned). */
    public long offset() {
        return base + pos;
    }

    /** The next line, or null at the end of the stream. */
    public Line next() throws IOException {
        Line tooLong = nextRaw();
        if (tooLong != null || rawLength < 0) {
            return tooLong;
        }
        return decode(rawLength);
    }

    /**
     * Reads the next line without decoding it, for a reader that looks at a line's bytes before deciding whether to
     * decode it ({@link JsonLinesReader}): returns the {@code LINE_TOO_LONG} line, or null with {@link #rawLength()}
     * set to the line's length in {@link #rawBytes()} (-1 at the end); {@link #decode} then gives what
     * {@link #next()} would have.
     */
    public Line nextRaw() throws IOException {
        rawLength = -1;
        if (!started) {
            started = true;
            skipByteOrderMark();
        }
        if (pos >= end && !fill()) {
            return null;
        }
        number++;
        appended = 0;
        int length = 0;
        long total = 0;
        boolean tooLong = false;
        while (true) {
            if (pos >= end && !fill()) {
                break; // last line without a line end
            }
            int nl = indexOf(buf, pos, end, (byte) '\n');
            int stop = nl < 0 ? end : nl;
            int n = stop - pos;
            total += n;
            if (!tooLong) {
                if (total > maxLineBytes + 1L) { // + 1: a '\r' before the '\n' does not count
                    tooLong = true;
                    int keep = Math.min(n, Math.max(0, 1024 - length));
                    append(pos, keep);
                    length += keep;
                } else {
                    append(pos, n);
                    length += n;
                }
            }
            pos = stop;
            if (nl >= 0) {
                pos++; // past '\n'
                break;
            }
        }
        if (!tooLong && length > 0 && line[length - 1] == '\r') {
            length--;
            total--;
        }
        if (tooLong || total > maxLineBytes) {
            return new Line(number, null, new InvalidEventException(InvalidEventException.Reason.LINE_TOO_LONG,
                    "line " + number + " has " + total + " bytes; the limit is " + maxLineBytes),
                    lenient(Math.min(length, 1024)));
        }
        rawLength = length;
        return null;
    }

    /**
     * The bytes of the line {@link #nextRaw()} read last, valid up to {@link #rawLength()} (a buffer reused by the
     * next read: not to be kept or modified).
     */
    public byte[] rawBytes() {
        return line;
    }

    /** The length in {@link #rawBytes()} of the line {@link #nextRaw()} read last, -1 at the end or if too long. */
    public int rawLength() {
        return rawLength;
    }

    /** The number of the line read last. */
    long lineNumber() {
        return number;
    }

    /**
     * The first {@code length} bytes of the line {@link #nextRaw()} read last (its {@link #rawLength()}), decoded as
     * strict UTF-8 (or its {@code NOT_UTF8} error).
     */
    public Line decode(int length) {
        if (length < 0 || length > rawLength) {
            throw new IllegalArgumentException("decode(" + length + "): the line read last by nextRaw() has "
                    + (rawLength < 0 ? "no bytes (none was read, or it was too long)" : rawLength + " bytes"));
        }
        try {
            String text = decoder.reset().decode(ByteBuffer.wrap(line, 0, length)).toString();
            return new Line(number, text, null, null);
        } catch (CharacterCodingException e) {
            return new Line(number, null, new InvalidEventException(InvalidEventException.Reason.NOT_UTF8,
                    "line " + number + " is not valid UTF-8 at byte " + (firstInvalid(length) + 1)),
                    lenient(Math.min(length, 1024)));
        }
    }

    /** Position of the first undecodable byte of the current line. */
    private int firstInvalid(int length) {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer b = ByteBuffer.wrap(line, 0, length);
        CharBuffer out = CharBuffer.allocate(length + 1);
        d.decode(b, out, true);
        return b.position();
    }

    /** The first {@code length} bytes of the line decoded with replacement (for showing a rejected line). */
    private String lenient(int length) {
        // invalid bytes and a cut in the middle of a character become U+FFFD: never a lone surrogate
        return new String(line, 0, length, StandardCharsets.UTF_8);
    }

    /** Appends {@code n} buffered bytes to the current line (at most maxLineBytes + 1 are ever held). */
    private void append(int from, int n) {
        if (appended + n > line.length) {
            line = Arrays.copyOf(line, Math.max(line.length * 2, appended + n));
        }
        System.arraycopy(buf, from, line, appended, n);
        appended += n;
    }

    private static int indexOf(byte[] b, int from, int to, byte x) {
        for (int i = from; i < to; i++) {
            if (b[i] == x) {
                return i;
            }
        }
        return -1;
    }

    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        base += end;
        pos = end = 0;
        int n = in.read(buf, 0, buf.length);
        while (n == 0) {
            n = in.read(buf, 0, buf.length);
        }
        if (n < 0) {
            eof = true;
            pos = end = 0;
            return false;
        }
        pos = 0;
        end = n;
        return true;
    }

    private void skipByteOrderMark() throws IOException {
        // read until at least 3 bytes are buffered or the stream ends
        int have = 0;
        while (have < 3) {
            int n = in.read(buf, have, buf.length - have);
            if (n < 0) {
                break; // fill() will see the end again
            }
            have += n;
        }
        pos = 0;
        end = have;
        if (have >= 3 && (buf[0] & 0xFF) == 0xEF && (buf[1] & 0xFF) == 0xBB && (buf[2] & 0xFF) == 0xBF) {
            pos = 3;
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
