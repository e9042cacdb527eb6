package dev.profilekit.core.privacy;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Replaces user ids with their HMAC-SHA-256 under a secret key, as 64 lowercase hex digits: the same id
 * always gives the same pseudonym, and without the key a pseudonym cannot be linked back to the id (short of
 * guessing ids and the key). Thread-safe.
 */
public final class Pseudonymiser {

    /** Keys shorter than this are refused (RFC 2104 recommends at least the hash's output length). */
    public static final int MIN_KEY_BYTES = 32;

    private final byte[] key;
    private final ThreadLocal<Mac> macs;

    /** @throws IllegalArgumentException if {@code key} is null or shorter than {@link #MIN_KEY_BYTES} */
    public Pseudonymiser(byte[] key) {
        if (key == null || key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("the pseudonymisation key must have at least " + MIN_KEY_BYTES
                    + " bytes, had " + (key == null ? "none" : key.length));
        }
        this.key = key.clone();
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    /** The pseudonym of {@code id}. */
    public String pseudonym(String id) {
        if (id == null) {
            throw new IllegalArgumentException("id must not be null");
        }
        return HexFormat.of().formatHex(mac(id.getBytes(StandardCharsets.UTF_8)));
    }

    /** HMAC-SHA-256 of {@code bytes} under the key: the 32 bytes a pseudonym is the hex of. */
    public byte[] mac(byte[] bytes) {
        if (bytes == null) {
            throw new IllegalArgumentException("bytes must not be null");
        }
        return macs.get().doFinal(bytes);
    }
}
