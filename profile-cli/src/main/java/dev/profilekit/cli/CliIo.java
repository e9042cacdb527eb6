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
     * Opens an output for writing (created or truncated): {@code -} is standard output (flushed, not closed, by
     * closing the stream), {@code .gz} is compressed. Buffered.
     *
     * @throws CliSupport.UsageException if {@code name} is null or cannot be written
     */
    static OutputStream openOutput(String name) {
        return openOutput("output", name);
    }

    /** As {@link #openOutput(String)}, naming {@code option} in errors. */
    static OutputStream openOutput(String option, String name) {
        if (name == null || name.isEmpty()) {
            throw new CliSupport.UsageException(option + ": a path or - (standard output) is required");
        }
        OutputStream raw;
        if (isStd(name)) {
            raw = new FilterOutputStream(System.out) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    flush(); // standard output stays open
                }
            };
        } else {
            checkWritable(option, name);
            try {
                raw = Files.newOutputStream(path(option, name));
            } catch (IOException e) {
                throw new CliSupport.UsageException("cannot write " + option + " " + name + ": " + e.getMessage(), e);
            }
        }
        if (!isGzip(name)) {
            return new BufferedOutputStream(raw, BUFFER);
        }
        try {
            return new BufferedOutputStream(new GZIPOutputStream(raw, BUFFER), BUFFER);
        } catch (IOException e) {
            throw new CliSupport.UsageException("cannot write " + option + " " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Checks, without creating or changing anything, that {@code name} can be written: {@code -} always can; a
     * file can if it is a writable regular file, or does not exist and its directory exists and is writable.
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
            return;
        }
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
