package dev.profilekit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.profilekit.core.engine.ProfileUpdater;
import dev.profilekit.core.engine.SnapshotMismatchException;
import dev.profilekit.core.snapshot.SnapshotDirectory;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A replay's snapshot directory, as the CLI uses {@link SnapshotDirectory}: locked for the run; each snapshot's
 * metadata records the input position, the counts, the identity of the input (path, size, and SHA-256 of its first
 * 64 KiB and of the 64 KiB before the position) and every option that changes state or output, so that a resume
 * refuses a snapshot of another input or of other options; and the rejects file being written ({@value #REJECTS}),
 * kept here so that a resume can cut it back to what the snapshot counted.
 */
final class SnapshotDir implements AutoCloseable {

    /** The rejects written so far, copied to --rejects when the run completes. */
    static final String REJECTS = "rejects.partial";
    /** The audience changes written so far, copied to --audience-log when the run completes. */
    static final String AUDIENCE_LOG = "audience-log.partial";
    /** The bytes hashed at each end of the input before a snapshot's position. */
    static final int BLOCK = 64 * 1024;

    private static final String IDENTITY = "identity";
    private static final String INPUT_PATH = "input.path";
    private static final String INPUT_SIZE = "input.size";
    private static final String INPUT_HEAD = "input.head_sha256";
    private static final String INPUT_TAIL = "input.tail_sha256";
    private static final String OPTION = "option ";
    /** Options whose values are secrets: only "none" or a key id is stored, and never shown. */
    private static final Set<String> SECRET = Set.of("--pseudonymise-key", "--encryption-key");

    private final SnapshotDirectory dir;
    private final Path events;
    private final Map<String, String> options;

    private SnapshotDir(SnapshotDirectory dir, Path events, Map<String, String> options) {
        this.dir = dir;
        this.events = events.toAbsolutePath();
        this.options = options;
    }

    /**
     * Opens and locks {@code path} for this run.
     *
     * @param flag    the flag that named it, for messages
     * @param events  the input
     * @param options each option that changes state or output, by flag, with its value as it must match on resume
     *                (secrets as {@link #keyId})
     * @throws CliSupport.UsageException if it is not a writable directory or another run holds it
     */
    static SnapshotDir open(String flag, Path path, Path events, Map<String, String> options) {
        try {
            return new SnapshotDir(SnapshotDirectory.open(path), events, Map.copyOf(options));
        } catch (SnapshotDirectory.InUseException e) {
            throw new CliSupport.UsageException(flag + " " + path + ": the directory is in use by another run (it "
                    + "holds the lock on " + path.resolve(SnapshotDirectory.LOCK) + "); wait for it to end", e);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new CliSupport.UsageException(flag + " " + path + ": " + CliSupport.oneLine(e), e);
        }
    }

    /** Whether the directory holds a snapshot, valid or damaged. */
    boolean holdsSnapshots() {
        return dir.holdsSnapshots();
    }

    /** Where the rejects being written are kept. */
    Path rejects() {
        return dir.directory().resolve(REJECTS);
    }

    /** The audience log being written, cut back on resume to the lines a snapshot counted. */
    Path audienceLog() {
        return dir.directory().resolve(AUDIENCE_LOG);
    }

    /**
     * Restores the newest valid snapshot that matches this run's input and options (see
     * {@link SnapshotDirectory#restoreNewest}).
     *
     * @throws CliSupport.UsageException if it does not match (one line naming the file and what differs; nothing
     *                                   in the directory was changed)
     */
    SnapshotDirectory.Restored restore(Supplier<ProfileUpdater> updaters) {
        try {
            return dir.restoreNewest(updaters, info -> check(info.file(), info.metadata()));
        } catch (SnapshotMismatchException e) {
            throw new CliSupport.UsageException("cannot resume from " + e.file() + ": " + explain(e)
                    + "; nothing was changed", e);
        }
    }

    /** What a mismatching snapshot differs in, as the rest of a sentence starting "cannot resume from F: ". */
    static String explain(SnapshotMismatchException e) {
        return switch (e.kind()) {
            case SCHEMA -> "it was written with another --schema or --models (" + e.difference() + ")";
            case ENCRYPTED -> "it is encrypted, and no --encryption-key was given";
            case NOT_ENCRYPTED -> "it is not encrypted, but --encryption-key was given";
            case WRONG_KEY -> "it was written with another --encryption-key (it is intact, but this key does not "
                    + "decrypt it)";
            default -> SnapshotReader.audiences(e) != null ? SnapshotReader.audiences(e) : "it " + e.difference();
        };
    }

    /** Refuses (with a {@link SnapshotMismatchException}) a snapshot of other options or of another input. */
    private void check(Path file, Map<String, String> meta) {
        if (!"1".equals(meta.get(IDENTITY))) {
            throw new SnapshotMismatchException(file, SnapshotMismatchException.Kind.OPTIONS, "was written by an "
                    + "earlier ProfileKit that did not record its input and options, so it cannot be checked "
                    + "(begin again with --snapshot-dir " + dir.directory() + " --start-over)");
        }
        for (Map.Entry<String, String> o : options.entrySet()) {
            String was = meta.get(OPTION + o.getKey());
            String now = o.getValue();
            if (!now.equals(was)) {
                throw new SnapshotMismatchException(file, SnapshotMismatchException.Kind.OPTIONS,
                        optionDiffers(o.getKey(), was, now));
            }
        }
        String why = inputDiffers(meta);
        if (why != null) {
            throw new SnapshotMismatchException(file, SnapshotMismatchException.Kind.INPUT,
                    "was written for another input: " + why);
        }
    }

    private static String optionDiffers(String option, String was, String now) {
        if (was == null) {
            return "does not record " + option;
        }
        if (SECRET.contains(option)) {
            if ("none".equals(was)) {
                return "was written without " + option;
            }
            return "none".equals(now) ? "was written with " + option + "; give the same key"
                    : "was written with another " + option;
        }
        return "was written with another " + option + " (" + was + "; this run: " + now + ")";
    }

    /** Why the input is not the one the snapshot was written for, or null if it is. */
    private String inputDiffers(Map<String, String> meta) {
        String name = events.getFileName().toString();
        if (!events.toString().equals(meta.get(INPUT_PATH))) {
            return "it was written for " + meta.get(INPUT_PATH) + ", not " + events;
        }
        long offset;
        long size;
        try {
            offset = Long.parseLong(meta.get("offset"));
            size = Long.parseLong(meta.get(INPUT_SIZE));
        } catch (NumberFormatException e) {
            return "its position is not recorded";
        }
        long now;
        try {
            now = Files.size(events);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read --events " + events + ": " + e.getMessage(), e);
        }
        if (now < size) {
            return name + " changed (it is shorter than when the snapshot was written: " + now + " bytes, not "
                    + size + ")";
        }
        String[] hashes = hashes(events, offset);
        if (!hashes[0].equals(meta.get(INPUT_HEAD))) {
            return name + " changed (its first " + kib(Math.min(BLOCK, offset)) + " differ)";
        }
        if (!hashes[1].equals(meta.get(INPUT_TAIL))) {
            return name + " changed (the " + kib(Math.min(BLOCK, offset)) + " before byte " + offset
                    + ", where the snapshot stopped, differ)";
        }
        return null;
    }

    private static String kib(long bytes) {
        return bytes % 1024 == 0 ? bytes / 1024 + " KiB" : bytes + " bytes";
    }

    /** SHA-256 (hex) of the input's first min(64 KiB, offset) bytes and of the 64 KiB (or less) ending at offset. */
    private static String[] hashes(Path file, long offset) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return new String[] {sha256(ch, 0, Math.min(BLOCK, offset)),
                    sha256(ch, Math.max(0, offset - BLOCK), offset)};
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read --events " + file + ": " + e.getMessage(), e);
        }
    }

    private static String sha256(FileChannel ch, long from, long to) throws IOException {
        MessageDigest md = sha256();
        ByteBuffer b = ByteBuffer.allocate((int) (to - from));
        while (b.hasRemaining()) {
            if (ch.read(b, from + b.position()) < 0) {
                break; // shorter than the position: the hash then differs from the recorded one
            }
        }
        b.flip();
        md.update(b);
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    /**
     * A snapshot's metadata: the position ({@code line} read, next {@code offset}), the counts the updater does not
     * keep, the rejects lines written, the input's identity and the options.
     */
    Map<String, String> metadata(long line, long offset, long rejected, long rejectsLines, long forgottenEvents) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("line", Long.toString(line));
        m.put("offset", Long.toString(offset));
        m.put("rejected", Long.toString(rejected));
        m.put("rejects_lines", Long.toString(rejectsLines));
        m.put("forgotten_events", Long.toString(forgottenEvents));
        m.put(IDENTITY, "1");
        m.put(INPUT_PATH, events.toString());
        try {
            m.put(INPUT_SIZE, Long.toString(Files.size(events)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read --events " + events + ": " + e.getMessage(), e);
        }
        String[] hashes = hashes(events, offset);
        m.put(INPUT_HEAD, hashes[0]);
        m.put(INPUT_TAIL, hashes[1]);
        options.forEach((k, v) -> m.put(OPTION + k, v));
        return m;
    }

    /** Writes a snapshot as the newest; keeps the newest two. */
    void write(ProfileUpdater updater, Map<String, String> metadata) {
        dir.write(updater, metadata);
    }

    /** Forgets {@code users} in the updater and in the directory (see {@link SnapshotDirectory#forget}). */
    void forget(ProfileUpdater updater, Collection<String> users, Map<String, String> metadata) {
        dir.forget(updater, users, metadata);
    }

    /** Releases the lock. */
    @Override
    public void close() {
        dir.close();
    }

    /** A key's id: the first 8 bytes of HMAC-SHA-256(key, "profilekit key id"), hex; never the key. */
    static String keyId(byte[] key) {
        return new dev.profilekit.core.privacy.Pseudonymiser(key).pseudonym("profilekit key id").substring(0, 16);
    }

    /**
     * Cuts {@code file} back to its first {@code lines} lines, rewriting (through a temporary file renamed over it)
     * the lines whose text is a {@code forgotten} user's (see {@link ForgottenIds#inLine}) without their message and
     * text.
     *
     * @throws CliSupport.UsageException if it holds fewer lines
     */
    static void keepLines(Path file, long lines, ForgottenIds forgotten) throws IOException {
        if (!Files.exists(file)) {
            if (lines == 0) {
                Files.createFile(file);
                return;
            }
            throw new CliSupport.UsageException("cannot resume: " + file + " is missing, but the snapshot counted "
                    + lines + (file.getFileName().toString().equals(REJECTS) ? " rejected" : "")
                    + " lines in it; begin again with --start-over");
        }
        long kept = 0;
        long bytes = 0;
        boolean scrubbed = false;
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        ObjectMapper json = new ObjectMapper();
        // lenient decoding: a run killed mid-line may leave a broken character after the lines kept
        try (BufferedReader r = new BufferedReader(new java.io.InputStreamReader(Files.newInputStream(file),
                StandardCharsets.UTF_8));
             BufferedWriter w = forgotten.isEmpty() ? null : Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            String line;
            while (kept < lines && (line = r.readLine()) != null) {
                kept++;
                bytes += line.getBytes(StandardCharsets.UTF_8).length + 1;
                if (w != null) {
                    ObjectNode n = (ObjectNode) json.readTree(line);
                    if (n.hasNonNull("text") && forgotten.inLine(n.get("text").asText())) {
                        n.remove("message");
                        n.remove("text");
                        line = json.writeValueAsString(n);
                        scrubbed = true;
                    }
                    w.write(line);
                    w.write('\n');
                }
            }
        }
        if (kept < lines) {
            Files.deleteIfExists(tmp);
            throw new CliSupport.UsageException("cannot resume: " + file + " holds " + kept + " rejected lines, but the "
                    + "snapshot counted " + lines + "; begin again with --start-over");
        }
        if (scrubbed) {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } else {
            Files.deleteIfExists(tmp);
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(bytes); // what the killed run wrote after its snapshot goes
            }
        }
    }
}
