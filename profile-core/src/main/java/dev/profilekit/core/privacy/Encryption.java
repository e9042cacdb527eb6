package dev.profilekit.core.privacy;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-GCM encryption at rest under a key the host provides (16, 24 or 32 bytes). Each sealed value is
 * {@code nonce (12 bytes) | ciphertext | tag (16 bytes)} with a fresh random nonce; associated data binds a
 * value to where it belongs (the user of a stored state, the position of a snapshot chunk), so values cannot
 * be swapped unnoticed. A wrong key or altered bytes fail with {@link WrongKeyException}, never with
 * garbage. Random 96-bit nonces are safe for up to about 2^32 values per key (NIST SP 800-38D); rotate keys
 * before that. Thread-safe.
 */
public final class Encryption {

    static final int NONCE = 12;
    static final int TAG_BITS = 128;

    /** Decryption failed: the key is not the one the data was encrypted with, or the data was altered. */
    public static final class WrongKeyException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        WrongKeyException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();
    private final ThreadLocal<Cipher> ciphers = ThreadLocal.withInitial(Encryption::newCipher);

    /** @throws IllegalArgumentException unless {@code key} has 16, 24 or 32 bytes */
    public Encryption(byte[] key) {
        if (key == null || (key.length != 16 && key.length != 24 && key.length != 32)) {
            throw new IllegalArgumentException("an AES key has 16, 24 or 32 bytes, this one has "
                    + (key == null ? "none" : key.length));
        }
        this.key = new SecretKeySpec(key.clone(), "AES");
    }

    private static Cipher newCipher() {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM is not available in this JVM", e);
        }
    }

    /** Encrypts {@code plain[off, off + len)} bound to {@code aad}. */
    public byte[] seal(byte[] plain, int off, int len, byte[] aad) {
        byte[] nonce = new byte[NONCE];
        random.nextBytes(nonce);
        try {
            Cipher c = ciphers.get();
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(aad);
            byte[] out = new byte[NONCE + c.getOutputSize(len)];
            System.arraycopy(nonce, 0, out, 0, NONCE);
            c.doFinal(plain, off, len, out, NONCE);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    /**
     * Decrypts what {@link #seal} made with the same {@code aad}.
     *
     * @throws WrongKeyException if the key is wrong or the bytes were altered; {@code what} names the data
     */
    public byte[] open(byte[] sealed, int off, int len, byte[] aad, String what) {
        if (len < NONCE + TAG_BITS / 8) {
            throw new WrongKeyException(what + " is too short to be encrypted data (" + len + " bytes)", null);
        }
        try {
            Cipher c = ciphers.get();
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, off, NONCE));
            c.updateAAD(aad);
            return c.doFinal(sealed, off + NONCE, len - NONCE);
        } catch (AEADBadTagException e) {
            throw new WrongKeyException("cannot decrypt " + what + ": wrong key, or the data was altered", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM decryption failed for " + what, e);
        }
    }

    /** Associated data of a numbered piece: the label's bytes and the number. */
    public static byte[] aad(String label, long number) {
        byte[] l = label.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return ByteBuffer.allocate(l.length + 8).put(l).putLong(number).array();
    }
}
