package dev.profilekit.cli;

import java.io.PrintStream;
import java.util.function.LongSupplier;

/**
 * Progress of a long command on stderr (never stdout, which carries results): on a terminal one line redrawn at
 * most twice a second with the rate and, when the input size is known, the share done and the time left; otherwise
 * a plain line every {@code every} records (a count, so that a run's output does not depend on timing); nothing
 * when quiet. Own code rather than a progress-bar library: one redrawn line is all it takes, and the shaded jar and
 * the module graph stay as they are.
 */
final class Progress {

    private final String label;
    private final PrintStream err;
    private final boolean quiet;
    private final boolean terminal;
    private final long every;
    private final long totalBytes;
    private final LongSupplier bytesRead;
    private final long started = System.nanoTime();
    private final long startRecords;
    private long nextPlain;
    private long lastDraw = started;
    private boolean drawn;
    private long calls;

    /**
     * @param label      what runs, the start of each line (for example {@code replay})
     * @param err        where progress goes
     * @param quiet      print nothing
     * @param terminal   redraw one line (true) or print plain lines (false)
     * @param every      records between plain lines, >= 1
     * @param totalBytes the input's size in bytes, or -1 if unknown
     * @param bytesRead  bytes of the input read so far (compared with {@code totalBytes})
     * @param startRecords records already done before this run (a resumed replay)
     */
    Progress(String label, PrintStream err, boolean quiet, boolean terminal, long every, long totalBytes,
             LongSupplier bytesRead, long startRecords) {
        if (every < 1) {
            throw new CliSupport.UsageException("--progress-every must be >= 1, was " + every);
        }
        this.label = label;
        this.err = err;
        this.quiet = quiet;
        this.terminal = terminal;
        this.every = every;
        this.totalBytes = totalBytes;
        this.bytesRead = bytesRead;
        this.startRecords = startRecords;
        this.nextPlain = startRecords + every;
    }

    /** Called with the number of records (lines) done so far; cheap enough to call for each record. */
    void update(long records) {
        if (quiet) {
            return;
        }
        if (terminal) {
            if ((++calls & 0x3FFF) == 0) {
                long now = System.nanoTime();
                if (now - lastDraw >= 500_000_000L) {
                    lastDraw = now;
                    drawn = true;
                    err.print("\r" + line(records, now) + "   ");
                    err.flush();
                }
            }
        } else if (records >= nextPlain) {
            nextPlain = records + every;
            err.println(line(records, System.nanoTime()));
        }
    }

    /** Ends the redrawn line, if any. */
    void finish(long records) {
        if (!quiet && terminal && drawn) {
            err.print("\r" + line(records, System.nanoTime()) + "   \n");
            err.flush();
        }
    }

    private String line(long records, long now) {
        double seconds = Math.max(1e-9, (now - started) / 1e9);
        double rate = (records - startRecords) / seconds;
        StringBuilder s = new StringBuilder(String.format("%s: %,d lines, %,.0f events/s", label, records, rate));
        if (totalBytes > 0 && bytesRead != null) {
            long read = Math.min(totalBytes, bytesRead.getAsLong());
            double done = (double) read / totalBytes;
            s.append(String.format(", %.0f%%", 100 * done));
            if (done > 0.001 && done < 1) {
                long left = Math.round(seconds * (1 - done) / done);
                s.append(String.format(", ETA %d:%02d", left / 60, left % 60));
            }
        }
        return s.toString();
    }
}
