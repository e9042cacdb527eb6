package dev.profilekit.core.privacy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * Where the updater records privacy actions ({@code forget}). An entry never holds a raw user id: it holds
 * the subject's digest, the pseudonym when the updater pseudonymises (HMAC-SHA-256 under the secret key) and
 * otherwise the SHA-256 of the id (which someone holding a candidate id can confirm, and no one can invert).
 */
public interface AuditLog {

    /**
     * One action.
     *
     * @param time            wall-clock time of the action
     * @param action          what was done ("forget")
     * @param subject         digest of the user id (see above)
     * @param profileRemoved  whether a profile existed and was removed
     * @param examplesRemoved pending and stored training examples removed
     */
    record Entry(Instant time, String action, String subject, boolean profileRemoved, int examplesRemoved) {
        /** The entry as one JSON object (no raw id: {@code subject} is a digest). */
        public String toJson() {
            return "{\"time\":\"" + time + "\",\"action\":\"" + action + "\",\"subject\":\"" + subject
                    + "\",\"profile_removed\":" + profileRemoved + ",\"examples_removed\":" + examplesRemoved + "}";
        }
    }

    /** Records {@code entry}; must be durable when it returns if the host relies on the log. */
    void record(Entry entry);

    /** A log appending one JSON line per entry to {@code file} (created if absent), forced to disk each time. */
    static AuditLog jsonLines(Path file) {
        if (file == null) {
            throw new IllegalArgumentException("file must not be null");
        }
        return entry -> {
            synchronized (AuditLog.class) {
                try (var ch = java.nio.channels.FileChannel.open(file, StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                    ch.write(java.nio.ByteBuffer.wrap((entry.toJson() + "\n").getBytes(StandardCharsets.UTF_8)));
                    ch.force(true);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot append to the audit log " + file + ": " + e.getMessage(), e);
                }
            }
        };
    }

    /** The SHA-256 of {@code id} as hex: the subject of an entry when ids are not pseudonymised. */
    static String sha256(String id) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(id.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
