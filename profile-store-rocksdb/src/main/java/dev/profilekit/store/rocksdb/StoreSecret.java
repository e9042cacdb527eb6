package dev.profilekit.store.rocksdb;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * The store's key-hashing secret and the keyed hash of user ids: the database never holds a user id (or a
 * pseudonym) as a key, only {@code HMAC-SHA-256(secret, UTF-8 of the id)}, so that the key bytes the LSM tree
 * copies into places no delete reaches at once (table file indexes and boundaries in the MANIFEST, the info
 * log) never spell the id.
 *
 * <p>Where the secret lives: a random 32-byte secret per store, in the file {@value #FILE} of the store's
 * directory, created with the store. It belongs to the directory because the hashed keys mean nothing without
 * it: a copy of the directory opens as a whole, and a host has no second secret to keep or lose. With an
 * encryption key the file holds the secret sealed under that key, so a reader of the directory without the key
 * can neither read the ids (they are inside the sealed records) nor test a guessed id against the keys. Without
 * one, the records hold the ids in the clear anyway, and the secret only keeps ids out of the key bytes.
 */
final class StoreSecret {

    /** The secret's file in the store directory. */
    static final String FILE = "PROFILEKIT-SECRET";
    private static final byte[] MAGIC = "PKSECRET1".getBytes(StandardCharsets.US_ASCII);
    private static final byte PLAIN = 0;
    private static final byte SEALED = 1;
    private static final byte[] AAD = "profilekit rocksdb store secret".getBytes(StandardCharsets.UTF_8);

    private final dev.profilekit.core.privacy.Pseudonymiser hmac;

    private StoreSecret(byte[] secret) {
        this.hmac = new dev.profilekit.core.privacy.Pseudonymiser(secret); // HMAC-SHA-256 under the 32-byte secret
    }

    /** The database key of user id {@code id}: 32 bytes of HMAC-SHA-256. */
    byte[] hash(byte[] id) {
        return hmac.mac(id);
    }

    /** True when {@code dir} holds a secret file. */
    static boolean exists(Path dir) {
        return Files.exists(dir.resolve(FILE));
    }

    /**
     * Creates a new random secret in {@code dir} (sealed under {@code masterKey} when non-null), written
     * atomically and synced, before the database is created.
     */
    static StoreSecret create(Path dir, byte[] masterKey) throws IOException {
        byte[] secret = Aead.newKey();
        byte[] body = masterKey == null ? secret : Aead.seal(masterKey, secret, 0, secret.length, AAD);
        ByteBuffer out = ByteBuffer.allocate(MAGIC.length + 1 + body.length)
                .put(MAGIC).put(masterKey == null ? PLAIN : SEALED).put(body);
        Path tmp = dir.resolve(FILE + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ch.write(out.flip());
            ch.force(true);
        }
        Files.move(tmp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE);
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true); // the rename reaches the disk before the database that depends on it
        } catch (IOException e) {
            // some platforms cannot sync a directory; the rename is still atomic
        }
        return new StoreSecret(secret);
    }

    /**
     * Reads the secret of the store in {@code dir}.
     *
     * @throws IOException naming the directory when the file is damaged, when it is sealed and no key (or the
     *                     wrong key) was given, or when it is not sealed but a key was given
     */
    static StoreSecret read(Path dir, byte[] masterKey) throws IOException {
        Path file = dir.resolve(FILE);
        byte[] all = Files.readAllBytes(file);
        String where = "Cannot open the RocksDB profile store in " + dir + ": ";
        if (all.length <= MAGIC.length || !Arrays.equals(all, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new IOException(where + "its " + FILE + " file is damaged (" + all.length + " bytes)");
        }
        byte mode = all[MAGIC.length];
        byte[] body = Arrays.copyOfRange(all, MAGIC.length + 1, all.length);
        if (mode == PLAIN && body.length == Aead.KEY_BYTES) {
            if (masterKey != null) {
                throw new IOException(where + "the store was created without an encryption key and cannot be "
                        + "opened with one (its records are not encrypted)");
            }
            return new StoreSecret(body);
        }
        if (mode == SEALED && body.length == Aead.KEY_BYTES + Aead.OVERHEAD) {
            if (masterKey == null) {
                throw new IOException(where + "the store is encrypted; open it with its encryption key");
            }
            try {
                return new StoreSecret(Aead.open(masterKey, body, AAD));
            } catch (Aead.BadTagException e) {
                throw new IOException(where + "wrong encryption key (the store's " + FILE
                        + " file does not open with it)", e);
            }
        }
        throw new IOException(where + "its " + FILE + " file is damaged (mode " + mode + ", " + all.length
                + " bytes)");
    }
}
