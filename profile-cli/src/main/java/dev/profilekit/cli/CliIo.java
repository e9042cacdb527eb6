package dev.profilekit.cli;

import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Inputs and outputs of the commands, named as on the command line: {@code -} is standard input or output, a name
 * ending in {@code .gz} is read or written gzip-compressed, anything else is a plain file. Problems are
 * {@link CliSupport.UsageException}s (one line, exit code 2) naming the option and the path.
 */
final class CliIo {

    /** The name meaning standard input or output. */
    static final String STD = "-";

    private static final int BUFFER = 1 << 16;

    private CliIo() {
    }

    /** Whether {@code name} means standard input or output. */
    static boolean isStd(String name) {
        return STD.equals(name);
    }

    /** Whether {@code name} is read or written gzip-compressed (it ends in {@code .gz}, any case). */
    static boolean isGzip(String name) {
        return name != null && name.toLowerCase(java.util.Locale.ROOT).endsWith(".gz");
    }

    /**
     * Opens an input for reading: {@code -} is standard input (not closed by closing the stream), {@code .gz} is
     * decompressed.
     *
     * @throws CliSupport.UsageException if {@code name} is null, missing or unreadable
     */
    static InputStream openInput(String name) {
        return openInput("input", name, null);
    }

    /**
     * As {@link #openInput(String)}, naming {@code option} in errors and counting the bytes read from the file (or
     * standard input) itself, before decompression, in {@code bytesRead} (for progress; may be null).
     */
    static InputStream openInput(String option, String name, AtomicLong bytesRead) {
        if (name == null || name.isEmpty()) {
            throw new CliSupport.UsageException(option + ": a path or - (standard input) is required");
        }
        InputStream raw;
        if (isStd(name)) {
            raw = new FilterInputStream(System.in) {
                @Override
                public void close() {
                    // standard input stays open
                }
            };
        } else {
            Path p = path(option, name);
            if (Files.isDirectory(p)) {
                throw new CliSupport.UsageException(option + " " + name + " is a directory, not a file");
            }
            if (!Files.isRegularFile(p)) {
                throw new CliSupport.UsageException(option + " file not found: " + name);
            }
            if (!Files.isReadable(p)) {
                throw new CliSupport.UsageException(option + " file is not readable: " + name);
            }
            try {
                raw = Files.newInputStream(p);
            } catch (IOException e) {
                throw new CliSupport.UsageException("cannot open " + option + " file " + name + ": " + e.getMessage(), e);
            }
        }
        if (bytesRead != null) {
            raw = new Counting(raw, bytesRead);
        }
        if (!isGzip(name)) {
            return raw;
        }
        try {
            return new GZIPInputStream(raw, BUFFER);
        } catch (IOException e) {
            try {
                raw.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new CliSupport.UsageException(option + " " + name + " is not gzip data: " + e.getMessage(), e);
        }
    }

    /**
     * Creates an output: {@code -} is standard output (flushed, not closed), anything else a temporary file beside
     * {@code name} that {@link Output#commit()} renames into place once complete (so a reader, or a second writer of
     * the same name, sees the old file or a complete new one, never a part or a mix); {@code .gz} is compressed.
     * Closing an output that was not committed deletes the temporary file and leaves the old file as it was.
     *
     * @param option the option naming the output, for messages (for example {@code --out})
     * @throws CliSupport.UsageException if {@code name} is null or cannot be written
     */
    static Output create(String option, String name) {
        if (name == null || name.isEmpty()) {
            throw new CliSupport.UsageException(option + ": a path or - (standard output) is required");
        }
        if (isStd(name)) {
            OutputStream stdout = new FilterOutputStream(System.out) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    flush(); // standard output stays open
                }
            };
            try {
                return new Output(option, name, null, null, null, stdout);
            } catch (IOException e) {
                throw new CliSupport.UsageException("cannot write " + option + " to standard output: "
                        + e.getMessage(), e);
            }
        }
        checkWritable(option, name);
        Path target = path(option, name).toAbsolutePath();
        Path tmp = null;
        java.nio.channels.FileChannel file = null;
        try {
            for (int i = 0; file == null; i++) {
                tmp = target.resolveSibling("." + target.getFileName() + "."
                        + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong()) + ".tmp");
                try {
                    // a new file with the default permissions, as the target itself would get
                    file = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE,
                            java.nio.file.StandardOpenOption.CREATE_NEW);
                } catch (java.nio.file.FileAlreadyExistsException e) {
                    if (i > 100) {
                        throw e;
                    }
                }
            }
            return new Output(option, name, target, tmp, file);
        } catch (IOException e) {
            try {
                if (file != null) {
                    file.close();
                }
                if (tmp != null) {
                    Files.deleteIfExists(tmp);
                }
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new CliSupport.UsageException("cannot write " + option + " " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * An output being written (see {@link #create}): {@link #stream()} or {@link #writer()}, then
     * {@link #commit()}; {@link #close()} without a commit discards it.
     */
    static final class Output implements AutoCloseable {
        private final String option;
        private final String name;
        private final Path target;
        private final Path tmp;
        private final java.nio.channels.FileChannel channel;
        private final OutputStream raw;
        private final GZIPOutputStream gzip;
        private final OutputStream stream;
        private java.io.BufferedWriter writer;
        private boolean done;

        private Output(String option, String name, Path target, Path tmp, java.nio.channels.FileChannel channel)
                throws IOException {
            this(option, name, target, tmp, channel, java.nio.channels.Channels.newOutputStream(channel));
        }

        private Output(String option, String name, Path target, Path tmp, java.nio.channels.FileChannel channel,
                       OutputStream raw) throws IOException {
            this.option = option;
            this.name = name;
            this.target = target;
            this.tmp = tmp;
            this.channel = channel;
            this.raw = raw;
            this.gzip = isGzip(name) ? new GZIPOutputStream(raw, BUFFER) : null;
            this.stream = new BufferedOutputStream(gzip != null ? gzip : raw, BUFFER);
        }

        /** The bytes of the output (buffered; compressed for {@code .gz}). */
        OutputStream stream() {
            return stream;
        }

        /** A UTF-8 writer over {@link #stream()}, the same one each call. */
        java.io.BufferedWriter writer() {
            if (writer == null) {
                writer = new java.io.BufferedWriter(new java.io.OutputStreamWriter(stream,
                        java.nio.charset.StandardCharsets.UTF_8), BUFFER);
            }
            return writer;
        }

        /** Ends the output: flushes it, forces a file to disk and renames it over its target. */
        void commit() throws IOException {
            if (done) {
                throw new IllegalStateException(option + " " + name + " was already committed or discarded");
            }
            if (writer != null) {
                writer.flush();
            }
            stream.flush();
            if (gzip != null) {
                gzip.finish();
            }
            raw.flush();
            if (channel != null) {
                channel.force(true);
            }
            done = true;
            stream.close();
            if (tmp != null) {
                try {
                    Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException e) {
                    Files.deleteIfExists(tmp);
                    throw new IOException("cannot move " + option + " " + name + " into place: " + e.getMessage(), e);
                }
            }
        }

        /** Discards the output unless it was committed: the temporary file is deleted, the old file stays. */
        @Override
        public void close() throws IOException {
            if (done) {
                return;
            }
            done = true;
            try {
                stream.close();
            } catch (IOException e) {
                // discarded anyway
            } finally {
                if (tmp != null) {
                    Files.deleteIfExists(tmp);
                }
            }
        }
    }

    /** Writes {@code text} (UTF-8) to the output {@code name} as {@link #create} does: complete or not at all. */
    static void writeString(String option, String name, String text) throws IOException {
        try (Output o = create(option, name)) {
            o.writer().write(text);
            o.commit();
        }
    }

    /**
     * Checks, without creating or changing anything, that {@code name} can be written: {@code -} always can; a
     * file can if it is a writable regular file or does not exist, and its directory exists and is writable (a
     * file is written beside its target and renamed into place).
     *
     * @param option the option naming the output, for the message (for example {@code --out})
     * @throws CliSupport.UsageException (one line naming {@code option}, the path and why) if it cannot
     */
    static void checkWritable(String option, String name) {
        if (name == null || name.isEmpty()) {
            throw new CliSupport.UsageException(option + ": a path or - (standard output) is required");
        }
        if (isStd(name)) {
            return;
        }
        Path p = path(option, name);
        if (Files.isDirectory(p)) {
            throw new CliSupport.UsageException(option + " " + name + " is not writable: it is a directory");
        }
        if (Files.exists(p)) {
            if (!Files.isRegularFile(p)) {
                throw new CliSupport.UsageException(option + " " + name + " is not writable: not a regular file");
            }
            if (!Files.isWritable(p)) {
                throw new CliSupport.UsageException(option + " " + name + " is not writable: permission denied");
            }
        }
        // the output is written beside its target and renamed into place: its directory must be writable
        Path dir = p.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new CliSupport.UsageException(option + " " + name + " is not writable: directory " + dir
                    + " does not exist");
        }
        if (!Files.isWritable(dir)) {
            throw new CliSupport.UsageException(option + " " + name + " is not writable: directory " + dir
                    + " is not writable");
        }
    }

    /** The size in bytes of a plain input file, or -1 for standard input or when unknown. */
    static long size(String name) {
        if (name == null || isStd(name)) {
            return -1;
        }
        try {
            return Files.size(Path.of(name));
        } catch (IOException | InvalidPathException e) {
            return -1;
        }
    }

    private static Path path(String option, String name) {
        try {
            return Path.of(name);
        } catch (InvalidPathException e) {
            throw new CliSupport.UsageException(option + " " + name + " is not a valid path: " + e.getReason(), e);
        }
    }

    /** Counts the bytes read through it. */
    private static final class Counting extends FilterInputStream {
        private final AtomicLong count;

        Counting(InputStream in, AtomicLong count) {
            super(in);
            this.count = count;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count.lazySet(count.get() + 1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                count.lazySet(count.get() + n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = in.skip(n);
            count.lazySet(count.get() + s);
            return s;
        }
    }
}
