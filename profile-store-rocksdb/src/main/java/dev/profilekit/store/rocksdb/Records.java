package dev.profilekit.store.rocksdb;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The value format of the store: a record holds the user id (so that {@code scan} can give it back) and the
 * value the host wrote. Keys are {@link StoreSecret#hash hashed ids}, so the id is only ever inside a record.
 * <ul>
 *   <li>plain: {@code 0x01 | varint id length | id (UTF-8) | value};</li>
 *   <li>encrypted: {@code 0x02 | AES-GCM(data key, varint id length | id | value)}, bound to the hashed key.
 *       Each put draws a new random data key; it is kept in the key table, sealed under the master key and
 *       bound to the same hashed key. Deleting that entry (crypto-shredding) leaves the record unreadable with
 *       the master key alone.</li>
 * </ul>
 */
final class Records {

    private static final byte PLAIN = 1;
    private static final byte ENCRYPTED = 2;
    static final String RECORD = "profilekit record ";
    private static final String DATA_KEY = "profilekit data key ";

    /** A record and, with encryption, its data key sealed under the master key (else null). */
    record Sealed(byte[] record, byte[] sealedDataKey) {
    }

    /** What a record holds. */
    record Entry(String id, byte[] value) {
    }

    /** A record that cannot be read: damaged, without its data key, or under another key. */
    static final class BadRecordException extends Exception {
        private static final long serialVersionUID = 1L;

        BadRecordException(String message) {
            super(message);
        }
    }

    private final byte[] masterKey;

    /** @param masterKey the master key (16, 24 or 32 bytes), or null for plain records */
    Records(byte[] masterKey) {
        this.masterKey = masterKey == null ? null : masterKey.clone();
    }

    /** True when records are encrypted and data keys are kept in the key table. */
    boolean encrypted() {
        return masterKey != null;
    }

    Sealed seal(byte[] hashedKey, byte[] id, byte[] value) {
        byte[] inner = inner(id, value);
        if (masterKey == null) {
            byte[] out = new byte[1 + inner.length];
            out[0] = PLAIN;
            System.arraycopy(inner, 0, out, 1, inner.length);
            return new Sealed(out, null);
        }
        byte[] dataKey = Aead.newKey();
        byte[] sealed = Aead.seal(dataKey, inner, 0, inner.length, Aead.aad(RECORD, hashedKey));
        byte[] out = new byte[1 + sealed.length];
        out[0] = ENCRYPTED;
        System.arraycopy(sealed, 0, out, 1, sealed.length);
        byte[] sealedKey = Aead.seal(masterKey, dataKey, 0, dataKey.length, Aead.aad(DATA_KEY, hashedKey));
        Arrays.fill(dataKey, (byte) 0);
        Arrays.fill(inner, (byte) 0);
        return new Sealed(out, sealedKey);
    }

    /**
     * The id and value of {@code record}, stored under {@code hashedKey}.
     *
     * @param sealedDataKey the key table's entry for {@code hashedKey} (null when it has none)
     */
    Entry open(byte[] hashedKey, byte[] record, byte[] sealedDataKey) throws BadRecordException {
        if (record.length == 0 || record[0] != (masterKey == null ? PLAIN : ENCRYPTED)) {
            throw new BadRecordException(record.length == 0 ? "an empty record"
                    : "a record of format " + record[0] + " in a store " + (masterKey == null ? "without" : "with")
                    + " encryption");
        }
        if (masterKey == null) {
            return parse(record, 1); // read in place: no copy of the record
        }
        if (sealedDataKey == null) {
            throw new BadRecordException("a record without its data key in the key table");
        }
        byte[] inner;
        byte[] dataKey = null;
        try {
            dataKey = Aead.open(masterKey, sealedDataKey, Aead.aad(DATA_KEY, hashedKey));
            inner = Aead.open(dataKey, Arrays.copyOfRange(record, 1, record.length), Aead.aad(RECORD, hashedKey));
        } catch (Aead.BadTagException e) {
            throw new BadRecordException("a record or data key that does not decrypt (altered, or moved "
                    + "from another key)");
        } finally {
            if (dataKey != null) {
                Arrays.fill(dataKey, (byte) 0);
            }
        }
        return parse(inner, 0);
    }

    private static byte[] inner(byte[] id, byte[] value) {
        int n = id.length;
        int varint = n < 1 << 7 ? 1 : n < 1 << 14 ? 2 : n < 1 << 21 ? 3 : n < 1 << 28 ? 4 : 5;
        byte[] out = new byte[varint + n + value.length];
        int p = 0;
        while (n >= 0x80) {
            out[p++] = (byte) (n & 0x7F | 0x80);
            n >>>= 7;
        }
        out[p++] = (byte) n;
        System.arraycopy(id, 0, out, p, id.length);
        System.arraycopy(value, 0, out, p + id.length, value.length);
        return out;
    }

    /** The id and value in {@code inner} from index {@code from} on. */
    private static Entry parse(byte[] inner, int from) throws BadRecordException {
        int n = 0;
        int p = from;
        for (int shift = 0; ; shift += 7) {
            if (p == inner.length || shift > 28) {
                throw new BadRecordException("a record with a damaged id length");
            }
            byte b = inner[p++];
            n |= (b & 0x7F) << shift;
            if (b >= 0) {
                break;
            }
        }
        if (n < 0 || n > inner.length - p) {
            throw new BadRecordException("a record whose id length " + n + " exceeds its size");
        }
        String id = new String(inner, p, n, StandardCharsets.UTF_8);
        return new Entry(id, Arrays.copyOfRange(inner, p + n, inner.length));
    }
}
