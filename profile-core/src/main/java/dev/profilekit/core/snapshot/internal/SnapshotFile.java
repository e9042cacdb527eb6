package dev.profilekit.core.snapshot.internal;

import dev.profilekit.core.engine.SnapshotMismatchException;
import dev.profilekit.core.privacy.Encryption;
import dev.profilekit.features.codec.ByteReader;
import dev.profilekit.features.codec.ByteWriter;
import dev.profilekit.features.codec.StateFormatException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The snapshot file: a header, records grouped into chunks, and a checksum.
 *
 * <pre>
 * header  8 bytes "PKSNAP\r\n", u8 format version (3; 2 encoded only a user's non-zero doubles, 1 kept event ids as
 *         strings), u8 flags (bit 0: encrypted), fixed64 fingerprint
 * chunk   u8 kind (1: more follow, 2: last), fixed32 length, payload
 *         (payload: records, or their AES-GCM seal bound to the chunk's index and kind)
 * trailer fixed32 CRC32C of every byte before it
 * record  u8 type (1 metadata, 2 counts, 3 models, 4 user, 5 audiences), varint length, bytes
 * </pre>
 * A record never spans chunks; a chunk holds about 1 MiB of records. A file is written to a temporary file in
 * the same directory, forced to disk and renamed over the target, so a reader sees the old file or the new
 * one, never a part.
 */
public final class SnapshotFile {

    public static final byte[] MAGIC = "PKSNAP\r\n".getBytes(StandardCharsets.US_ASCII);
    public static final int VERSION = 3;
    public static final int HEADER = MAGIC.length + 2 + 8;
    public static final int CHUNK_TARGET = 1 << 20;
    public static final int MAX_CHUNK = 1 << 30;
    public static final int META = 1;
    public static final int COUNTS = 2;
    public static final int MODELS = 3;
    public static final int USER = 4;
    /** The audiences' definitions and clock (an updater with audiences). */
    public static final int AUDIENCES = 5;

    private SnapshotFile() {
    }

    /** Writes records into a snapshot file. */
    public static final class Writer implements AutoCloseable {
        private final Path target;
        private final Path tmp;
        private final FileChannel channel;
        private final OutputStream out;
        private final CRC32C crc = new CRC32C();
        private final Encryption encryption;
        private final ByteWriter chunk = new ByteWriter(CHUNK_TARGET + 1024);
        private final ByteWriter scratch = new ByteWriter(16);
        private long chunkIndex;
        private boolean done;

        public Writer(Path target, long fingerprint, Encryption encryption) throws IOException {
            this.target = target.toAbsolutePath();
            Path dir = this.target.getParent();
            Files.createDirectories(dir);
            this.tmp = Files.createTempFile(dir, this.target.getFileName() + ".", ".tmp");
            this.channel = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            this.out = new BufferedOutputStream(java.nio.channels.Channels.newOutputStream(channel), 1 << 16);
            this.encryption = encryption;
            ByteWriter h = new ByteWriter(HEADER);
            h.bytes(MAGIC, 0, MAGIC.length).u8(VERSION).u8(encryption == null ? 0 : 1).fixedLong(fingerprint);
            write(h.buffer(), h.size());
        }

        private void write(byte[] b, int n) throws IOException {
            crc.update(b, 0, n);
            out.write(b, 0, n);
        }

        public void record(int type, byte[] b, int len) throws IOException {
            if (chunk.size() > 0 && chunk.size() + len + 6 > CHUNK_TARGET) {
                emit(1);
            }
            chunk.u8(type).varInt(len).bytes(b, 0, len);
        }

        private void emit(int kind) throws IOException {
            byte[] payload = chunk.buffer();
            int n = chunk.size();
            if (encryption != null) {
                payload = encryption.seal(payload, 0, n, Encryption.aad("profilekit-snapshot-" + kind, chunkIndex));
                n = payload.length;
            }
            scratch.reset().u8(kind).fixedInt(n);
            write(scratch.buffer(), scratch.size());
            write(payload, n);
            chunk.reset();
            chunkIndex++;
        }

        /** Ends the file, forces it to disk and renames it over the target. */
        public void commit() throws IOException {
            emit(2);
            scratch.reset().fixedInt((int) crc.getValue());
            out.write(scratch.buffer(), 0, scratch.size());
            out.flush();
            channel.force(true);
            out.close();
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel d = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
                d.force(true); // the rename itself survives a crash
            } catch (IOException ignored) {
                // some file systems cannot open a directory; the rename is still atomic
            }
            done = true;
        }

        @Override
        public void close() throws IOException {
            if (!done) {
                try {
                    out.close();
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
        }
    }

    /** Receives the records of a snapshot being read. */
    public interface RecordSink {
        void record(int type, ByteReader r);
    }

    /**
     * Checks the whole file (magic, version, fingerprint, checksum) and then hands every record to {@code sink}.
     * The checksum is checked first, so that what fails after it is a mismatch, not damage.
     *
     * @throws StateFormatException naming the file and what is wrong with it (damage)
     * @throws SnapshotMismatchException if the intact file is of another fingerprint, encryption or key
     */
    public static void read(Path file, long fingerprint, Encryption encryption, RecordSink sink) throws IOException {
        String what = "snapshot " + file;
        long size = Files.size(file);
        if (size < HEADER + 4) {
            throw new StateFormatException(what + " is truncated: " + size + " bytes, not even a header and checksum");
        }
        // pass 1: the checksum over everything before the trailer
        CRC32C crc = new CRC32C();
        byte[] buf = new byte[1 << 16];
        int stored;
        try (InputStream in = Files.newInputStream(file)) {
            long left = size - 4;
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    throw new StateFormatException(what + " changed while it was read");
                }
                crc.update(buf, 0, n);
                left -= n;
            }
            byte[] t = in.readNBytes(4);
            stored = new ByteReader(t, what).fixedInt();
        }
        byte[] head = new byte[HEADER];
        try (InputStream in = Files.newInputStream(file)) {
            if (in.readNBytes(head, 0, HEADER) != HEADER) {
                throw new StateFormatException(what + " is truncated in its header");
            }
        }
        if (!Arrays.equals(Arrays.copyOf(head, MAGIC.length), MAGIC)) {
            throw new StateFormatException(what + " is not a ProfileKit snapshot (no PKSNAP header)");
        }
        ByteReader h = new ByteReader(head, MAGIC.length, HEADER - MAGIC.length, what);
        int version = h.u8();
        int flags = h.u8();
        long fp = h.fixedLong();
        if (version != VERSION) {
            String difference = "has format version " + version + "; this library reads only version " + VERSION
                    + (version < VERSION ? " (the file was written by an older ProfileKit: replay its events into a new "
                    + "snapshot)" : "");
            if ((int) crc.getValue() == stored) {
                // intact: a mismatch (keep the file), not damage
                throw new SnapshotMismatchException(file, SnapshotMismatchException.Kind.SCHEMA, difference);
            }
            throw new StateFormatException(what + " " + difference);
        }
        if ((int) crc.getValue() != stored) {
            throw new StateFormatException(what + " is corrupted or truncated: checksum "
                    + Integer.toHexString((int) crc.getValue()) + " does not match the stored "
                    + Integer.toHexString(stored));
        }
        // the checksum holds: from here on a difference is a mismatch (keep the file), not damage
        if (fp != fingerprint) {
            throw new SnapshotMismatchException(file, SnapshotMismatchException.Kind.SCHEMA,
                    "was written under another schema or models configuration (fingerprint " + Long.toHexString(fp)
                            + ", this updater's is " + Long.toHexString(fingerprint) + ")");
        }
        boolean encrypted = (flags & 1) != 0;
        if (encrypted && encryption == null) {
            throw new SnapshotMismatchException(file, SnapshotMismatchException.Kind.ENCRYPTED,
                    "is encrypted; configure the key it was written with");
        }
        if (!encrypted && encryption != null) {
            throw new SnapshotMismatchException(file, SnapshotMismatchException.Kind.NOT_ENCRYPTED,
                    "is not encrypted, but this updater requires encryption at rest");
        }
        // pass 2: the chunks
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            in.skipNBytes(HEADER);
            long index = 0;
            long pos = HEADER;
            while (true) {
                int kind = in.readUnsignedByte();
                int len = Integer.reverseBytes(in.readInt());
                pos += 5;
                if ((kind != 1 && kind != 2) || len < 0 || len > MAX_CHUNK || pos + len > size - 4) {
                    throw new StateFormatException(what + ": bad chunk header at byte " + (pos - 5));
                }
                byte[] payload = in.readNBytes(len);
                pos += len;
                if (encrypted) {
                    try {
                        payload = encryption.open(payload, 0, payload.length,
                                Encryption.aad("profilekit-snapshot-" + kind, index), what + " chunk " + index);
                    } catch (Encryption.WrongKeyException e) {
                        // the checksum over the sealed bytes held, so they are as written: the key is wrong
                        throw new SnapshotMismatchException(file, SnapshotMismatchException.Kind.WRONG_KEY,
                                "cannot be decrypted with this key (wrong key): its checksum holds, so it is intact", e);
                    }
                }
                ByteReader r = new ByteReader(payload, what + " chunk " + index);
                while (!r.atEnd()) {
                    int type = r.u8();
                    int n = r.varInt(r.remaining());
                    int start = r.position();
                    ByteReader rec = new ByteReader(payload, start, n, what + " chunk " + index + " record");
                    sink.record(type, rec);
                    r.skip(n);
                }
                index++;
                if (kind == 2) {
                    break;
                }
            }
            if (pos != size - 4) {
                throw new StateFormatException(what + ": " + (size - 4 - pos) + " bytes after the last chunk");
            }
        } catch (EOFException e) {
            throw new StateFormatException(what + " is truncated", e);
        }
    }
}
