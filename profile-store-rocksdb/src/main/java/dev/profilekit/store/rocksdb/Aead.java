package dev.profilekit.store.rocksdb;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-GCM with a key per call: the store seals each user's record under that user's own data key, and the data
 * keys and the store's secret under the master key. Sealed bytes are {@code nonce (12) | ciphertext | tag (16)};
 * associated data binds them to their label and key. Thread-safe.
 */
final class Aead {

    /** Bytes of a data key (AES-256). */
    static final int KEY_BYTES = 32;
    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;
    /** Bytes {@link #seal} adds to its input. */
    static final int OVERHEAD = NONCE + TAG_BITS / 8;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ThreadLocal<Cipher> CIPHERS = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM is not available in this JVM", e);
        }
    });

    /** Decryption failed: wrong key, or the bytes were altered. */
    static final class BadTagException extends Exception {
        private static final long serialVersionUID = 1L;

        BadTagException(Throwable cause) {
            super(cause);
        }
    }

    private Aead() {
    }

    /** A new random data key. */
    static byte[] newKey() {
        byte[] k = new byte[KEY_BYTES];
        RANDOM.nextBytes(k);
        return k;
    }

    /** {@code label} (UTF-8) followed by {@code key}: what a sealed value is bound to. */
    static byte[] aad(String label, byte[] key) {
        byte[] l = label.getBytes(StandardCharsets.UTF_8);
        byte[] out = Arrays.copyOf(l, l.length + key.length);
        System.arraycopy(key, 0, out, l.length, key.length);
        return out;
    }

    /** Seals {@code plain[off, off + len)} under {@code key} (16, 24 or 32 bytes) bound to {@code aad}. */
    static byte[] seal(byte[] key, byte[] plain, int off, int len, byte[] aad) {
        byte[] out = new byte[NONCE + len + TAG_BITS / 8];
        byte[] nonce = new byte[NONCE];
        RANDOM.nextBytes(nonce);
        System.arraycopy(nonce, 0, out, 0, NONCE);
        try {
            Cipher c = CIPHERS.get();
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(aad);
            c.doFinal(plain, off, len, out, NONCE);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    /** Opens what {@link #seal} made under {@code key} with the same {@code aad}. */
    static byte[] open(byte[] key, byte[] sealed, byte[] aad) throws BadTagException {
        if (sealed.length < OVERHEAD) {
            throw new BadTagException(null);
        }
        try {
            Cipher c = CIPHERS.get();
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE));
            c.updateAAD(aad);
            return c.doFinal(sealed, NONCE, sealed.length - NONCE);
        } catch (AEADBadTagException e) {
            throw new BadTagException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM decryption failed", e);
        }
    }
}
