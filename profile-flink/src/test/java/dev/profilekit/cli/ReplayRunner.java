package dev.profilekit.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Test access to {@code profilekit replay}'s code path (the CLI's package-private entry point). */
public final class ReplayRunner {

    private ReplayRunner() {
    }

    /** Runs {@code profilekit <args>} and returns its stdout; fails on a non-zero exit code. */
    public static synchronized String run(String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code;
        try (PrintStream capture = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            code = ProfileKitCli.execute(args);
        } finally {
            System.setOut(saved);
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        if (code != 0) {
            throw new AssertionError("profilekit " + String.join(" ", args) + " exited with " + code + ": " + out);
        }
        return out;
    }
}
