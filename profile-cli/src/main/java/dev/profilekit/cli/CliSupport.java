package dev.profilekit.cli;

import picocli.CommandLine;

/** Shared picocli wiring: one-line errors and exit code 2 for usage and input problems. */
final class CliSupport {

    static final int EXIT_USAGE = 2;

    private CliSupport() {
    }

    static CommandLine newCommandLine(Object command) {
        CommandLine cl = new CommandLine(command);
        cl.setParameterExceptionHandler((ex, args) -> {
            ex.getCommandLine().getErr().println("profilekit: " + ex.getMessage());
            return EXIT_USAGE;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println("profilekit: " + oneLine(ex));
            return ex instanceof UsageException || ex instanceof IllegalArgumentException
                    || ex instanceof java.io.UncheckedIOException ? EXIT_USAGE : 1;
        });
        return cl;
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
