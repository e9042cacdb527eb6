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
    private final LongSupplier clock;
    private final long started;
    private final long startRecords;
    private final long startBytes;
    private long nextPlain;
    private long lastDraw;
    private boolean drawn;
    private long calls;

    /**
     * @param label      what runs, the start of each line (for example {@code replay})
     * @param err        where progress goes
     * @param quiet      print nothing
     * @param terminal   redraw one line (true) or print plain lines (false)
     * @param every      records between plain lines, >= 1
     * @param totalBytes the input's size in bytes, or -1 if unknown
     * @param bytesRead  bytes of the input read (or skipped) so far, counted from its start, compared with
     *                   {@code totalBytes}
     * @param startRecords records already done before this run (a resumed replay): counted in the lines done, not
     *                   in the rate
     * @param startBytes bytes already done before this run (a resumed replay's position): counted in the share
     *                   done, not in the rate from which the time left is estimated
     */
    Progress(String label, PrintStream err, boolean quiet, boolean terminal, long every, long totalBytes,
             LongSupplier bytesRead, long startRecords, long startBytes) {
        this(label, err, quiet, terminal, every, totalBytes, bytesRead, startRecords, startBytes, System::nanoTime);
    }

    /** As above, with the clock (nanoseconds) to measure rates with. */
    Progress(String label, PrintStream err, boolean quiet, boolean terminal, long every, long totalBytes,
             LongSupplier bytesRead, long startRecords, long startBytes, LongSupplier clock) {
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
        this.startBytes = startBytes;
        this.clock = clock;
        this.started = clock.getAsLong();
        this.lastDraw = started;
        this.nextPlain = startRecords + every;
    }

    /** Called with the number of records (lines) done so far; cheap enough to call for each record. */
    void update(long records) {
        if (quiet) {
            return;
        }
        if (terminal) {
            if ((++calls & 0x3FFF) == 0) {
                long now = clock.getAsLong();
                if (now - lastDraw >= 500_000_000L) {
                    lastDraw = now;
                    drawn = true;
                    err.print("\r" + line(records, now) + "   ");
                    err.flush();
                }
            }
        } else if (records >= nextPlain) {
            nextPlain = records + every;
            err.println(line(records, clock.getAsLong()));
        }
    }

    /** Ends the redrawn line, if any. */
    void finish(long records) {
        if (!quiet && terminal && drawn) {
            err.print("\r" + line(records, clock.getAsLong()) + "   \n");
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
            long thisRun = read - startBytes; // the rate of this run, not of the run before a resume
            if (done < 1 && thisRun > 0.001 * totalBytes) {
                long left = Math.round(seconds * (totalBytes - read) / thisRun);
                s.append(String.format(", ETA %d:%02d", left / 60, left % 60));
            }
        }
        return s.toString();
    }
}
