package dev.profilekit.core.privacy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * Reads a secret key from a file, by one documented rule:
 * <ul>
 *   <li>a file made only of hex digits ({@code 0-9 a-f A-F}) and white space (spaces, tabs, line ends: anywhere,
 *       so that {@code openssl rand -hex 32} and {@code xxd -p} output both work), with at least one digit, is
 *       <em>hex text</em>: the white space is dropped and the digits are decoded, two digits per byte (an odd
 *       number of digits is an error);</li>
 *   <li>any other file is the key as it is, byte for byte (raw).</li>
 * </ul>
 * A key of the wrong length is refused with a message giving the file's raw and decoded lengths and what is needed,
 * e.g. "--pseudonymise-key secret.key holds 48 hex digits = 24 bytes; at least 32 bytes (64 hex digits) are
 * needed".
 */
public final class KeyFile {

    /** What a key is for, and so which lengths it may have. */
    public enum Use {
        /** HMAC-SHA-256 pseudonyms: at least {@link Pseudonymiser#MIN_KEY_BYTES} bytes. */
        PSEUDONYMISATION,
        /** AES-GCM ({@link Encryption}): 16, 24 or 32 bytes. */
        AES;

        boolean accepts(int bytes) {
            return this == PSEUDONYMISATION ? bytes >= Pseudonymiser.MIN_KEY_BYTES
                    : bytes == 16 || bytes == 24 || bytes == 32;
        }

        String needed() {
            return this == PSEUDONYMISATION
                    ? "at least " + Pseudonymiser.MIN_KEY_BYTES + " bytes (" + 2 * Pseudonymiser.MIN_KEY_BYTES
                            + " hex digits) are needed"
                    : "16, 24 or 32 bytes (32, 48 or 64 hex digits) are needed";
        }
    }

    private KeyFile() {
    }

    /**
     * The key held by {@code file}.
     *
     * @param file the key file
     * @param what how errors name it, e.g. the option {@code "--pseudonymise-key"}
     * @param use  what the key is for (its allowed lengths)
     * @throws IllegalArgumentException with a one-line message naming {@code what} and the file, if the file is
     *                                  missing, a directory, unreadable, odd hex text or a key of the wrong length
     */
    public static byte[] read(Path file, String what, Use use) {
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException(what + " " + file + " is a directory, not a key file");
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(what + " key file not found: " + file);
        }
        byte[] raw;
        try {
            raw = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + what + " key file " + file + ": " + e.getMessage(), e);
        }
        return decode(raw, what + " " + file, use);
    }

    /**
     * The key in a key file's bytes, by the rule above.
     *
     * @param where how errors name the file, e.g. "--pseudonymise-key secret.key"
     * @throws IllegalArgumentException if the key is odd hex text or has the wrong length for {@code use}
     */
    public static byte[] decode(byte[] raw, String where, Use use) {
        String digits = hexDigits(raw);
        if (digits == null) {
            if (!use.accepts(raw.length)) {
                throw new IllegalArgumentException(where + " holds " + raw.length + " bytes"
                        + (raw.length == 0 ? "" : " (raw: not hex text)") + "; " + use.needed());
            }
            return raw;
        }
        if (digits.length() % 2 != 0) {
            throw new IllegalArgumentException(where + " holds " + digits.length()
                    + " hex digits, an odd number: hex text needs two digits per byte");
        }
        byte[] key = HexFormat.of().parseHex(digits);
        if (!use.accepts(key.length)) {
            throw new IllegalArgumentException(where + " holds " + digits.length() + " hex digits = " + key.length
                    + " bytes; " + use.needed());
        }
        return key;
    }

    /** The hex digits of {@code raw} if it is hex text (only hex digits and white space, one digit at least). */
    private static String hexDigits(byte[] raw) {
        StringBuilder digits = new StringBuilder(raw.length);
        for (byte b : raw) {
            char c = (char) (b & 0xFF);
            if (Character.digit(c, 16) >= 0 && c < 128) {
                digits.append(c);
            } else if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f') {
                return null;
            }
        }
        return digits.length() == 0 ? null : digits.toString();
    }
}
