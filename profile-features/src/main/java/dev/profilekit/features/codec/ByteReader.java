package dev.profilekit.features.codec;

import java.nio.charset.StandardCharsets;

/**
 * Reads what {@link ByteWriter} wrote, checking every read against the end of the input: a truncated or
 * corrupted encoding fails with a {@link StateFormatException} naming the offset, never with an
 * {@link ArrayIndexOutOfBoundsException} or a huge allocation. Not thread-safe.
 */
public final class ByteReader {

    private final byte[] buf;
    private final int end;
    private int pos;
    private final String what;

    /** Reads {@code buf[off, off + len)}; {@code what} names the input in error messages. */
    public ByteReader(byte[] buf, int off, int len, String what) {
        if (buf == null) {
            throw new IllegalArgumentException("buf must not be null");
        }
        if (off < 0 || len < 0 || off > buf.length - len) {
            throw new IllegalArgumentException("range [" + off + ", " + off + " + " + len + ") outside an array of "
                    + buf.length);
        }
        this.buf = buf;
        this.pos = off;
        this.end = off + len;
        this.what = what == null ? "state" : what;
    }

    public ByteReader(byte[] buf, String what) {
        this(buf, 0, buf == null ? 0 : buf.length, what);
    }

    public int position() {
        return pos;
    }

    public int remaining() {
        return end - pos;
    }

    public boolean atEnd() {
        return pos == end;
    }

    public StateFormatException error(String message) {
        return new StateFormatException(what + ": " + message + " at byte " + pos);
    }

    private void need(int n) {
        if (n < 0 || end - pos < n) {
            throw error("truncated: " + n + " more bytes needed, " + (end - pos) + " left");
        }
    }

    public int u8() {
        need(1);
        return buf[pos++] & 0xFF;
    }

    public long varLong() {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = u8();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw error("varint longer than 10 bytes");
    }

    /** A varint that must be an int in [0, max]. */
    public int varInt(int max) {
        long v = varLong();
        if (v < 0 || v > max) {
            throw error("value " + Long.toUnsignedString(v) + " outside [0, " + max + "]");
        }
        return (int) v;
    }

    public long zigZag() {
        long v = varLong();
        return (v >>> 1) ^ -(v & 1);
    }

    public long fixedLong() {
        need(8);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v |= (long) (buf[pos++] & 0xFF) << (8 * i);
        }
        return v;
    }

    public int fixedInt() {
        need(4);
        int v = 0;
        for (int i = 0; i < 4; i++) {
            v |= (buf[pos++] & 0xFF) << (8 * i);
        }
        return v;
    }

    public double f64() {
        return Double.longBitsToDouble(fixedLong());
    }

    /** Reads {@code n} doubles as {@link ByteWriter#doubles} wrote them into {@code a} from {@code from}. */
    public void doubles(double[] a, int from, int n) {
        if (n < 0 || n > remaining() / 8) {
            throw error("truncated: " + n + " doubles (" + 8L * n + " bytes) needed, " + remaining() + " left");
        }
        byte[] b = buf;
        int at = pos;
        for (int i = 0; i < n; i++, at += 8) {
            a[from + i] = Double.longBitsToDouble((long) ByteWriter.LONGS.get(b, at));
        }
        pos = at;
    }

    public boolean bool() {
        int b = u8();
        if (b > 1) {
            throw error("boolean byte " + b);
        }
        return b == 1;
    }

    public String string() {
        int n = varInt(remaining());
        return utf8(n);
    }

    public String nullableString() {
        int n = varInt(remaining() + 1);
        return n == 0 ? null : utf8(n - 1);
    }

    private String utf8(int n) {
        need(n);
        String s = new String(buf, pos, n, StandardCharsets.UTF_8);
        // malformed input decodes to U+FFFD: only then check strictly (a real U+FFFD re-encodes to the same bytes)
        if (s.indexOf('\uFFFD') >= 0 && !java.util.Arrays.equals(s.getBytes(StandardCharsets.UTF_8), 0,
                s.getBytes(StandardCharsets.UTF_8).length, buf, pos, pos + n)) {
            throw error("malformed UTF-8 in a string of " + n + " bytes");
        }
        pos += n;
        return s;
    }

    public byte[] bytes(int n) {
        need(n);
        byte[] b = new byte[n];
        System.arraycopy(buf, pos, b, 0, n);
        pos += n;
        return b;
    }

    /** Skips {@code n} bytes. */
    public void skip(int n) {
        need(n);
        pos += n;
    }

    public byte[] lengthPrefixed() {
        return bytes(varInt(remaining()));
    }

    /** A count of elements each at least {@code minBytes} long: bounded by what is left, so no huge allocation. */
    public int count(int minBytes) {
        return varInt(remaining() / Math.max(1, minBytes));
    }

    /** Fails unless the input was read to its end. */
    public void expectEnd() {
        if (pos != end) {
            throw error((end - pos) + " unexpected trailing bytes");
        }
    }
}
