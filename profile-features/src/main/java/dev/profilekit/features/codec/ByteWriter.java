package dev.profilekit.features.codec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte buffer for the binary state codec: unsigned LEB128 varints, zig-zag signed varints,
 * doubles as their 8 raw bytes (little-endian, so NaN payloads and -0.0 survive exactly) and strings as a
 * varint length and UTF-8. Reusable through {@link #reset()}. Not thread-safe.
 */
public final class ByteWriter {

    /** Little-endian longs in a byte[]: the bytes {@link #fixedLong} writes, eight at a time. */
    static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private byte[] buf;
    private int size;

    public ByteWriter() {
        this(256);
    }

    public ByteWriter(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must be >= 0, was " + capacity);
        }
        buf = new byte[Math.max(16, capacity)];
    }

    private void ensure(int more) {
        if (size + more > buf.length) {
            long want = Math.max((long) buf.length * 2, (long) size + more);
            if (want > Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("encoded state larger than 2 GiB");
            }
            buf = Arrays.copyOf(buf, (int) want);
        }
    }

    public ByteWriter reset() {
        size = 0;
        return this;
    }

    public int size() {
        return size;
    }

    public ByteWriter u8(int b) {
        ensure(1);
        buf[size++] = (byte) b;
        return this;
    }

    /** An unsigned varint (LEB128); {@code v} is read as unsigned. */
    public ByteWriter varLong(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[size++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[size++] = (byte) v;
        return this;
    }

    /** A non-negative int as an unsigned varint. */
    public ByteWriter varInt(int v) {
        if (v < 0) {
            throw new IllegalArgumentException("varInt must be >= 0, was " + v);
        }
        return varLong(v);
    }

    /** A signed long, zig-zag encoded (small magnitudes are short). */
    public ByteWriter zigZag(long v) {
        return varLong((v << 1) ^ (v >> 63));
    }

    public ByteWriter fixedLong(long v) {
        ensure(8);
        for (int i = 0; i < 8; i++) {
            buf[size++] = (byte) (v >>> (8 * i));
        }
        return this;
    }

    public ByteWriter fixedInt(int v) {
        ensure(4);
        for (int i = 0; i < 4; i++) {
            buf[size++] = (byte) (v >>> (8 * i));
        }
        return this;
    }

    public ByteWriter f64(double v) {
        return fixedLong(Double.doubleToRawLongBits(v));
    }

    /**
     * {@code n} doubles of {@code a} from {@code from}, each as {@link #f64} writes it (raw bits, little-endian), in one
     * pass with no per-value bounds growth: the bulk copy of a profile's stripe.
     */
    public ByteWriter doubles(double[] a, int from, int n) {
        ensure(8 * n);
        byte[] b = buf;
        int at = size;
        for (int i = 0; i < n; i++, at += 8) {
            LONGS.set(b, at, Double.doubleToRawLongBits(a[from + i]));
        }
        size = at;
        return this;
    }

    public ByteWriter bool(boolean v) {
        return u8(v ? 1 : 0);
    }

    /** A string as varint byte length and UTF-8; null is not allowed (use {@link #nullableString}). */
    public ByteWriter string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        varInt(b.length);
        return bytes(b, 0, b.length);
    }

    /** A string or null: 0 for null, else length + 1 and UTF-8. */
    public ByteWriter nullableString(String s) {
        if (s == null) {
            return u8(0);
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        varInt(b.length + 1);
        return bytes(b, 0, b.length);
    }

    /** Raw bytes, no length. */
    public ByteWriter bytes(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
        return this;
    }

    /** Bytes with a varint length in front. */
    public ByteWriter lengthPrefixed(byte[] b) {
        varInt(b.length);
        return bytes(b, 0, b.length);
    }

    /** The internal buffer (valid up to {@link #size()}); changes with later writes. */
    public byte[] buffer() {
        return buf;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }
}
