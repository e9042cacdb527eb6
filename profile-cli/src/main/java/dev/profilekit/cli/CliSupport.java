package dev.profilekit.cli;

import dev.profilekit.core.engine.Event;
import dev.profilekit.core.schema.Durations;
import picocli.CommandLine;

/** Shared picocli wiring: one-line errors and exit code 2 for usage and input problems. */
final class CliSupport {

    static final int EXIT_USAGE = 2;

    /** How key files are read ({@link dev.profilekit.core.privacy.KeyFile}), for the help of every key flag. */
    static final String KEY_FILE_RULE = "A key file is either hex text (only hex digits and white space, as "
            + "openssl rand -hex 32 or xxd -p write it: decoded two digits a byte) or raw bytes (any other file, "
            + "taken as it is).";

    private CliSupport() {
    }

    static CommandLine newCommandLine(Object command) {
        CommandLine cl = new CommandLine(command);
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine.ParameterException shown = ex;
            java.util.List<String> unmatched = ex.getCommandLine().getUnmatchedArguments();
            if (!(ex instanceof CommandLine.UnmatchedArgumentException) && !unmatched.isEmpty()) {
                // a mistyped option also leaves a required one missing: the mistyped one is the news
                shown = new CommandLine.UnmatchedArgumentException(ex.getCommandLine(), unmatched);
            }
            String message = oneLine(shown);
            if (shown instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()
                    && !u.getCommandLine().getSubcommands().isEmpty() && !u.getUnmatched().get(0).startsWith("-")) {
                message = "unknown command '" + u.getUnmatched().get(0) + "'";
            }
            ex.getCommandLine().getErr().println("profilekit: " + message + suggestion(shown));
            return EXIT_USAGE;
        });
        setVersion(cl);
        HelpLayout.apply(cl);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof StepFailed f) {
                return f.exitCode; // the step has printed its own one-line error
            }
            commandLine.getErr().println("profilekit: " + oneLine(ex));
            return ex instanceof UsageException || ex instanceof IllegalArgumentException
                    || ex instanceof java.io.UncheckedIOException ? EXIT_USAGE : 1;
        });
        return cl;
    }

    /** Every subcommand answers {@code --version} as the top-level command does. */
    private static void setVersion(CommandLine cl) {
        if (cl.getCommandSpec().version().length == 0) {
            cl.getCommandSpec().versionProvider(new ProfileKitCli.Version());
        }
        for (CommandLine sub : cl.getSubcommands().values()) {
            setVersion(sub);
        }
    }

    /**
     * For an unknown command or option, the nearest ones picocli finds among those of the command (" (did you
     * mean 'replay'?)"), with where to look for the rest; otherwise where to find the command's help.
     */
    static String suggestion(CommandLine.ParameterException ex) {
        CommandLine cl = ex.getCommandLine();
        String where = cl.getParent() == null ? "profilekit --help" : "profilekit help " + cl.getCommandName();
        if (ex instanceof CommandLine.UnmatchedArgumentException u) {
            java.util.List<String> near = nearest(cl, u.getUnmatched());
            if (!near.isEmpty()) {
                java.util.List<String> quoted = new java.util.ArrayList<>();
                for (String n : near.subList(0, Math.min(3, near.size()))) {
                    quoted.add("'" + n + "'");
                }
                return " (did you mean " + String.join(" or ", quoted) + "? see '" + where + "')";
            }
        }
        return " (see '" + where + "')";
    }

    /**
     * The names nearest to the first unknown word (an option when it starts with '-', else a subcommand), by
     * edit distance (insertions, deletions, substitutions and swaps of neighbours), within a third of its length
     * and at least 2; closest first.
     */
    static java.util.List<String> nearest(CommandLine cl, java.util.List<String> unmatched) {
        if (unmatched.isEmpty()) {
            return java.util.List.of();
        }
        String word = unmatched.get(0);
        java.util.Collection<String> names;
        if (word.startsWith("-")) {
            int eq = word.indexOf('=');
            if (eq > 0) {
                word = word.substring(0, eq);
            }
            names = new java.util.ArrayList<>();
            for (CommandLine.Model.OptionSpec o : cl.getCommandSpec().options()) {
                names.addAll(java.util.Arrays.asList(o.names()));
            }
        } else {
            names = cl.getSubcommands().keySet();
        }
        int limit = Math.max(2, word.length() / 3);
        java.util.TreeMap<Integer, java.util.List<String>> byDistance = new java.util.TreeMap<>();
        for (String n : names) {
            int d = editDistance(word, n);
            if (d <= limit) {
                byDistance.computeIfAbsent(d, k -> new java.util.ArrayList<>()).add(n);
            }
        }
        java.util.List<String> out = new java.util.ArrayList<>();
        byDistance.values().forEach(out::addAll);
        return out;
    }

    /** Optimal string alignment distance: the fewest insertions, deletions, substitutions and adjacent swaps. */
    static int editDistance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int v = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    v = Math.min(v, d[i - 2][j - 2] + 1);
                }
                d[i][j] = v;
            }
        }
        return d[a.length()][b.length()];
    }

    static String oneLine(Throwable ex) {
        String msg = ex.getMessage();
        if (msg == null || msg.isBlank()) {
            msg = ex.getClass().getSimpleName();
        }
        return msg.replace('\n', ' ');
    }

    /** {@code s} with every lone UTF-16 surrogate replaced by U+FFFD, so that it can be written as UTF-8. */
    static String validUnicode(String s) {
        if (s == null) {
            return null;
        }
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1));
            if (pair) {
                if (out != null) {
                    out.append(c).append(s.charAt(i + 1));
                }
                i++;
            } else if (Character.isSurrogate(c)) {
                if (out == null) {
                    out = new StringBuilder(s.length()).append(s, 0, i);
                }
                out.append('\uFFFD');
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? s : out.toString();
    }

    /** Fails with a one-line usage error unless {@code file} is a readable regular file (not a directory). */
    static void requireReadable(java.nio.file.Path file, String what) {
        if (java.nio.file.Files.isDirectory(file)) {
            throw new UsageException(what + " " + file + " is a directory, not a file");
        }
        if (!java.nio.file.Files.isRegularFile(file)) {
            throw new UsageException(what + " file not found: " + file);
        }
        if (!java.nio.file.Files.isReadable(file)) {
            throw new UsageException(what + " file is not readable: " + file);
        }
    }

    /**
     * A time given on the command line: epoch milliseconds ({@code 1767225600000}) or an ISO-8601 instant
     * ({@code 2026-01-01T00:00:00Z}, {@code 2026-01-01T01:00:00+01:00}; finer than a millisecond is truncated),
     * within the times an event may have: years 1 to 9999 ({@link Event#MIN_TIMESTAMP} to
     * {@link Event#MAX_TIMESTAMP}).
     *
     * @throws UsageException naming {@code option}, the value and the range, if the text is not such a time
     */
    static long parseTime(String text, String option) {
        String t = text.strip();
        long ms;
        try {
            if (t.matches("[-+]?\\d+")) {
                ms = new java.math.BigInteger(t).max(java.math.BigInteger.valueOf(Long.MIN_VALUE))
                        .min(java.math.BigInteger.valueOf(Long.MAX_VALUE)).longValueExact();
            } else {
                ms = java.time.OffsetDateTime.parse(t).toInstant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS)
                        .toEpochMilli();
            }
        } catch (RuntimeException e) {
            throw new UsageException(option + " must be epoch milliseconds or an ISO-8601 time such as "
                    + "2026-01-01T00:00:00Z, was '" + text + "'");
        }
        if (ms < Event.MIN_TIMESTAMP || ms > Event.MAX_TIMESTAMP) {
            throw new UsageException(option + " must lie between years 1 and 9999 (" + Event.MIN_TIMESTAMP + " to "
                    + Event.MAX_TIMESTAMP + " epoch ms, 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z), was '"
                    + text + "'");
        }
        return ms;
    }

    /**
     * A duration given on the command line, as schemas take them (ISO-8601 days, hours, minutes, seconds:
     * {@code P90D}, {@code PT12H}; see {@link Durations}).
     *
     * @throws UsageException naming {@code option} and the value and showing the accepted form
     */
    static java.time.Duration parseDuration(String text, String option) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            java.util.regex.Matcher m = SHORTHAND.matcher(text.strip());
            String hint = "";
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                String unit = m.group(2).toLowerCase(java.util.Locale.ROOT);
                hint = " (for " + text.strip() + " write " + switch (unit) {
                    case "w" -> "P" + 7 * n + "D";
                    case "d" -> "P" + n + "D";
                    default -> "PT" + n + unit.toUpperCase(java.util.Locale.ROOT);
                } + ")";
            }
            throw new UsageException(option + " " + e.getMessage() + hint, e);
        }
    }

    /**
     * A duration as people abbreviate it: {@code 90d}, {@code 12h}, {@code 30m}, {@code 45s}, {@code 2w} (not
     * {@code M}, which may mean months).
     */
    private static final java.util.regex.Pattern SHORTHAND =
            java.util.regex.Pattern.compile("(\\d{1,9}) ?([wdhmsWDHS])");

    /** A step of a composite command (demo) failed after printing its error: the command ends with its exit code. */
    static final class StepFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int exitCode;

        StepFailed(String step, int exitCode) {
            super(step + " failed with exit code " + exitCode);
            this.exitCode = exitCode;
        }
    }

    /** A problem with the user's input (missing file, unreadable schema): exit code 2. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }

        UsageException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
