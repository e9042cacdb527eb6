package dev.profilekit.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The snapshots of a replay in one directory: {@code snapshot-<line>.pks}, newest first; the last two are kept. */
final class SnapshotDir {

    private static final Pattern NAME = Pattern.compile("snapshot-(\\d{12})\\.pks");
    static final int KEEP = 2;

    private final Path dir;

    SnapshotDir(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
    }

    Path fileFor(long line) {
        return dir.resolve(String.format("snapshot-%012d.pks", line));
    }

    /** The snapshots present, newest (highest line) first. */
    List<Path> newestFirst() throws IOException {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(f -> NAME.matcher(f.getFileName().toString()).matches()).forEach(out::add);
        }
        out.sort(Comparator.comparingLong(SnapshotDir::line).reversed());
        return out;
    }

    static long line(Path f) {
        Matcher m = NAME.matcher(f.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    /** Deletes all but the newest {@link #KEEP} snapshots. */
    void prune() throws IOException {
        List<Path> all = newestFirst();
        for (int i = KEEP; i < all.size(); i++) {
            Files.deleteIfExists(all.get(i));
        }
    }
}
