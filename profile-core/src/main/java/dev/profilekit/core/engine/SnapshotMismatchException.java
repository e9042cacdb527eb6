package dev.profilekit.core.engine;

import java.nio.file.Path;

/**
 * A snapshot that is intact but cannot be restored here: it was written under another schema or models
 * configuration, with or without encryption where this updater differs, under another encryption key, or (as a
 * host's own check decides) with other options or for another input. Unlike damage (a
 * {@link dev.profilekit.features.codec.StateFormatException}: truncated, corrupted, not a snapshot), a mismatch
 * says nothing is wrong with the file: it must be kept, and the run that wanted it should stop rather than
 * start afresh. An {@link IllegalArgumentException}: the file given does not fit the updater it was given to.
 */
public final class SnapshotMismatchException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** What differs. */
    public enum Kind {
        /** Another schema or models configuration (the header's fingerprint differs). */
        SCHEMA,
        /** The snapshot is encrypted and no key was configured. */
        ENCRYPTED,
        /** The snapshot is plain and an encryption key was configured. */
        NOT_ENCRYPTED,
        /** The snapshot is intact (its checksum holds) but does not decrypt under the configured key. */
        WRONG_KEY,
        /** Written with other options (a host's check of the snapshot's metadata). */
        OPTIONS,
        /** Written for another input (a host's check of the snapshot's metadata). */
        INPUT
    }

    private final transient Path file;
    private final Kind kind;
    private final String difference;

    /**
     * @param file       the snapshot
     * @param kind       what differs
     * @param difference what differs, as a clause after "it": for example
     *                   {@code "was written with another --ttl (P30D, this run: P90D)"}
     */
    public SnapshotMismatchException(Path file, Kind kind, String difference) {
        this(file, kind, difference, null);
    }

    /** As {@link #SnapshotMismatchException(Path, Kind, String)}, with the failure that revealed it. */
    public SnapshotMismatchException(Path file, Kind kind, String difference, Throwable cause) {
        super("snapshot " + file + ": it " + difference, cause);
        this.file = file;
        this.kind = kind;
        this.difference = difference;
    }

    /** The snapshot file. */
    public Path file() {
        return file;
    }

    /** What differs. */
    public Kind kind() {
        return kind;
    }

    /** What differs, as a clause after "it" (see the constructor). */
    public String difference() {
        return difference;
    }
}
