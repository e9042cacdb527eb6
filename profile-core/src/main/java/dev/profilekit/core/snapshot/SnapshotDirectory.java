package dev.profilekit.core.snapshot;

import dev.profilekit.core.engine.ProfileUpdater;
import dev.profilekit.core.engine.SnapshotMismatchException;
import dev.profilekit.features.codec.StateFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A directory of snapshots ({@link ProfileUpdater#snapshot}) owned by one writer at a time.
 *
 * <ul>
 * <li><b>One writer.</b> {@link #open} takes an exclusive lock on the file {@value #LOCK} in the directory
 * ({@link FileChannel#tryLock()}) and holds it until {@link #close}; a second opener, in this process or another,
 * gets an {@link InUseException} at once. The operating system releases the lock when the process dies. The lock
 * file itself stays.</li>
 * <li><b>Write order.</b> Snapshots are named {@code snapshot-<sequence>.pks} (12 digits), each one more than the
 * highest present, so the newest is the last written whatever position of the input it covers (the position
 * belongs in the snapshot's metadata). After each write the newest {@value #KEEP} are kept.</li>
 * <li><b>Damage kept aside.</b> A snapshot that fails its checks as damaged (truncated, corrupted, not a snapshot,
 * a bad record) is renamed to {@code snapshot-<sequence>.pks.damaged} and kept until a newer valid snapshot has
 * been written; then the next write removes it. Leftover temporary files of writes cut short by a crash are
 * deleted by {@link #open}.</li>
 * <li><b>Mismatch touches nothing.</b> A snapshot that is intact but does not fit (another schema or models
 * configuration, encryption on or off, another key, or whatever the caller's check refuses) stops
 * {@link #restoreNewest} with a {@link SnapshotMismatchException} before any file is renamed or removed.</li>
 * </ul>
 *
 * Not thread-safe: one thread of one process uses an open directory.
 */
public final class SnapshotDirectory implements AutoCloseable {

    /** The lock file's name. */
    public static final String LOCK = ".lock";
    /** Valid snapshots kept after a write. */
    public static final int KEEP = 2;
    /** The suffix of a damaged snapshot set aside. */
    public static final String DAMAGED = ".damaged";

    private static final Pattern SNAPSHOT = Pattern.compile("snapshot-(\\d{12})\\.pks");
    private static final Pattern SET_ASIDE = Pattern.compile("snapshot-(\\d{12})\\.pks\\.damaged");
    /** What {@code SnapshotFile.Writer} leaves behind when a crash cuts a write short. */
    private static final Pattern TEMPORARY = Pattern.compile("snapshot-\\d{12}\\.pks\\..*\\.tmp");

    /** The directory is locked by another run (in this process or another). */
    public static final class InUseException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        InUseException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A damaged snapshot set aside: its new name and what was wrong with it. */
    public record Damaged(Path file, String reason) {
    }

    /**
     * What {@link #restoreNewest} found.
     *
     * @param updater  the restored updater, or a fresh one when no valid snapshot was found
     * @param snapshot what the restored snapshot holds, or empty when there was none
     * @param damaged  the damaged snapshots newer than the restored one, now set aside
     */
    public record Restored(ProfileUpdater updater, Optional<ProfileUpdater.SnapshotInfo> snapshot,
                           List<Damaged> damaged) {
    }

    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private long nextSequence;

    private SnapshotDirectory(Path dir, FileChannel lockChannel, FileLock lock) throws IOException {
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.lock = lock;
        long max = 0;
        for (Path f : list()) {
            String name = f.getFileName().toString();
            if (TEMPORARY.matcher(name).matches()) {
                Files.deleteIfExists(f); // a write cut short by a crash; only this process may write here now
            } else {
                max = Math.max(max, sequence(f));
            }
        }
        this.nextSequence = max + 1;
    }

    /**
     * Opens {@code dir}, creating it if needed, locks it for this writer and removes leftovers of crashed writes.
     *
     * @throws IllegalArgumentException if {@code dir} is not a directory, cannot be created or is not writable
     * @throws InUseException if another writer holds the directory
     * @throws UncheckedIOException if the directory cannot be read or the lock file cannot be opened
     */
    public static SnapshotDirectory open(Path dir) {
        if (dir == null) {
            throw new IllegalArgumentException("dir must not be null");
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("snapshot directory " + dir + " is not a directory");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalArgumentException("snapshot directory " + dir + " cannot be created: " + e, e);
        }
        if (!Files.isWritable(dir)) {
            throw new IllegalArgumentException("snapshot directory " + dir + " is not writable");
        }
        FileChannel ch;
        try {
            ch = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new IllegalArgumentException("snapshot directory " + dir + " is not writable: cannot open its lock file "
                    + LOCK + " (" + e + ")", e);
        }
        try {
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null;
            }
            if (l == null) {
                throw new InUseException("snapshot directory " + dir + " is in use by another run (it holds the lock on "
                        + dir.resolve(LOCK) + ")", null);
            }
            return new SnapshotDirectory(dir, ch, l);
        } catch (IOException e) {
            closeQuietly(ch);
            throw new UncheckedIOException("cannot lock snapshot directory " + dir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    /**
     * Whether {@code dir} is a directory holding a snapshot, valid or set aside as damaged. Creates, locks and
     * changes nothing (so a caller can refuse a missing or empty directory without touching it).
     */
    public static boolean holdsSnapshots(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(SnapshotDirectory::isSnapshotName);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list snapshot directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The directory. */
    public Path directory() {
        return dir;
    }

    /** Whether the directory holds a snapshot, valid or set aside as damaged. */
    public boolean holdsSnapshots() {
        return holdsSnapshots(dir);
    }

    /** The snapshots not set aside, newest (last written) first. */
    public List<Path> snapshots() {
        return matching(SNAPSHOT);
    }

    /** The damaged snapshots set aside, newest first. */
    public List<Path> damaged() {
        return matching(SET_ASIDE);
    }

    /**
     * Restores the newest snapshot that is not damaged and passes {@code check}, trying older ones past damaged
     * ones. Each try uses a new updater from {@code updaters} (a failed one is closed). A damaged snapshot newer
     * than the one restored is renamed aside (never deleted here); a {@link SnapshotMismatchException}, from the
     * updater's checks or from {@code check}, stops everything before any file is renamed or removed.
     *
     * @param updaters makes an empty updater configured as the snapshots must have been written
     * @param check    the caller's own checks of the restored snapshot's metadata (options, input); throws a
     *                 {@link SnapshotMismatchException} to refuse the snapshot
     * @return the restored updater, or a fresh one from {@code updaters} when every snapshot is damaged or there is
     *         none; and what was set aside
     * @throws SnapshotMismatchException if the newest snapshot that is not damaged does not fit
     * @throws UncheckedIOException if a snapshot cannot be read or set aside
     */
    public Restored restoreNewest(Supplier<ProfileUpdater> updaters, Consumer<ProfileUpdater.SnapshotInfo> check) {
        List<Path> bad = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        for (Path f : snapshots()) {
            ProfileUpdater u = updaters.get();
            try {
                ProfileUpdater.SnapshotInfo info = u.restore(f);
                check.accept(info);
                return new Restored(u, Optional.of(info), setAside(bad, reasons));
            } catch (StateFormatException e) {
                u.close();
                bad.add(f);
                reasons.add(e.getMessage());
            } catch (RuntimeException e) {
                u.close();
                throw e;
            }
        }
        return new Restored(updaters.get(), Optional.empty(), setAside(bad, reasons));
    }

    private List<Damaged> setAside(List<Path> bad, List<String> reasons) {
        List<Damaged> out = new ArrayList<>();
        for (int i = 0; i < bad.size(); i++) {
            Path f = bad.get(i);
            Path aside = f.resolveSibling(f.getFileName() + DAMAGED);
            try {
                Files.move(f, aside, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot set damaged snapshot " + f + " aside: " + e.getMessage(), e);
            }
            out.add(new Damaged(aside, reasons.get(i)));
        }
        syncDirectory();
        return out;
    }

    /**
     * Writes a snapshot of {@code updater} with {@code metadata} as the newest, then removes all but the newest
     * {@value #KEEP} and every damaged snapshot set aside (all older than the new one).
     *
     * @return what the snapshot holds
     * @throws UncheckedIOException if it cannot be written (the directory then holds what it held)
     */
    public ProfileUpdater.SnapshotInfo write(ProfileUpdater updater, Map<String, String> metadata) {
        return write(updater, metadata, KEEP);
    }

    /**
     * Writes a snapshot of {@code updater} with {@code metadata} as the newest, then removes every older snapshot,
     * valid or damaged: once it returns the directory holds the new snapshot alone.
     *
     * @throws UncheckedIOException if it cannot be written (the directory then holds what it held)
     */
    public ProfileUpdater.SnapshotInfo writeAlone(ProfileUpdater updater, Map<String, String> metadata) {
        return write(updater, metadata, 1);
    }

    /**
     * As {@link #write}, with the profiles encoded and the file written on {@code executor}
     * ({@link ProfileUpdater#snapshotAsync}): the cut is taken before this returns, so {@code metadata} can name the
     * input position reached, and the updater takes events meanwhile. The future completes once the file is durable
     * and the older snapshots are removed as {@code write} removes them, or exceptionally with the
     * {@link UncheckedIOException} {@code write} would throw. Write the next snapshot once the future has completed.
     */
    public java.util.concurrent.CompletableFuture<ProfileUpdater.SnapshotInfo> writeAsync(
            ProfileUpdater updater, Map<String, String> metadata, java.util.concurrent.Executor executor) {
        requireUpdater(updater);
        return updater.snapshotAsync(nextFile(), metadata, executor).thenApply(info -> {
            prune(KEEP);
            return info;
        });
    }

    /** Writes the newest snapshot, then keeps the newest {@code keep} valid ones (the new one first) and no damaged one. */
    private ProfileUpdater.SnapshotInfo write(ProfileUpdater updater, Map<String, String> metadata, int keep) {
        requireUpdater(updater);
        ProfileUpdater.SnapshotInfo info = updater.snapshot(nextFile(), metadata);
        prune(keep);
        return info;
    }

    private static void requireUpdater(ProfileUpdater updater) {
        if (updater == null) {
            throw new IllegalArgumentException("updater must not be null");
        }
    }

    /** Keeps the newest {@code keep} valid snapshots and no damaged one. */
    private void prune(int keep) {
        List<Path> valid = snapshots(); // newest first: the new file has the highest sequence
        List<Path> drop = new ArrayList<>(valid.subList(Math.min(keep, valid.size()), valid.size()));
        drop.addAll(damaged());
        delete(drop);
    }

    /**
     * Forgets {@code users} in {@code updater} ({@link ProfileUpdater#forget}, raw ids) and makes the directory
     * forget them too: writes a fresh snapshot at once and deletes every older snapshot in the directory, valid or
     * damaged. Once it returns, no snapshot in this directory holds the users' profiles (the lock keeps other
     * writers of ProfileKit out meanwhile). Limits: copies made outside this directory (the host's backups, file
     * system snapshots, copies of the files elsewhere) are the host's to erase; deleted files may persist on the
     * storage medium until overwritten (encrypt snapshots, {@link ProfileUpdater.Builder#encryptionKey}, and
     * destroy the key to erase those too); outputs derived from earlier snapshots are not reached.
     *
     * @param metadata the new snapshot's metadata (for example the input position the updater has reached)
     * @return what the new snapshot holds
     * @throws UncheckedIOException if the snapshot cannot be written (then older snapshots are all still there)
     */
    public ProfileUpdater.SnapshotInfo forget(ProfileUpdater updater, Collection<String> users,
                                              Map<String, String> metadata) {
        for (String user : users) {
            updater.forget(user);
        }
        return writeAlone(updater, metadata);
    }

    /** Releases the lock. */
    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it too
        } finally {
            closeQuietly(lockChannel);
        }
    }

    private Path nextFile() {
        return dir.resolve(String.format("snapshot-%012d.pks", nextSequence++));
    }

    private void delete(List<Path> files) {
        try {
            for (Path f : files) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove an old snapshot in " + dir + ": " + e.getMessage(), e);
        }
        syncDirectory();
    }

    private void syncDirectory() {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException ignored) {
            // some file systems cannot open a directory; renames and deletes are still atomic
        }
    }

    private List<Path> list() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        }
    }

    private List<Path> matching(Pattern p) {
        List<Path> out = new ArrayList<>();
        try {
            for (Path f : list()) {
                if (p.matcher(f.getFileName().toString()).matches()) {
                    out.add(f);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list snapshot directory " + dir + ": " + e.getMessage(), e);
        }
        out.sort(Comparator.comparingLong(SnapshotDirectory::sequence).reversed());
        return out;
    }

    private static boolean isSnapshotName(Path f) {
        String name = f.getFileName().toString();
        return SNAPSHOT.matcher(name).matches() || SET_ASIDE.matcher(name).matches();
    }

    /** The sequence number of a snapshot's or damaged snapshot's name, or 0 for other files. */
    private static long sequence(Path f) {
        String name = f.getFileName().toString();
        Matcher m = SNAPSHOT.matcher(name);
        if (!m.matches()) {
            m = SET_ASIDE.matcher(name);
            if (!m.matches()) {
                return 0;
            }
        }
        return Long.parseLong(m.group(1));
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
