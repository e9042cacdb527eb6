package dev.profilekit.core.launch;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The launcher inside {@code java -jar profilekit.jar} and {@code java -jar profilekit-flink.jar}: a bulk run (the
 * CLI's {@code replay}, {@code demo} and {@code dataset}; the local Flink job) started with no JVM options at all runs
 * in a second JVM with settings that suit it, the way launcher scripts of batch tools do. Why: with the default G1 collector a replay spends much of its time scanning
 * the old generation's dirty cards (every event stores young objects, its id and values, into long-lived profiles),
 * which the parallel collector with a fixed young generation does far more cheaply (JFR: 10 young collections,
 * 0.8 s of pauses for 4.1M events; BENCHMARKS.md, "End-to-end replay"). The maximum heap stays the JVM's default.
 *
 * <p>It never applies when the JVM was given any option (then the user chose), when not started with {@code -jar},
 * when {@code PROFILEKIT_RELAUNCH=0}, or when the default heap is under 1 GiB. The second JVM inherits standard
 * output and error (and input when the command reads it), is stopped when this one is stopped by a signal (this one
 * then exits with its status), and halts at once if this one dies, also by {@code kill -9} ({@link #launch}).
 *
 * <p>Not part of the API: the package is exported to the CLI only (the Flink job's jar is not a named module).
 */
public final class Relaunch {

    /** The system property that marks the second JVM. */
    public static final String MARK = "profilekit.relaunched";
    private static final long MIB = 1L << 20;
    /** The first JVM's pid, given to the second. */
    static final String LAUNCHER = "profilekit.launcher";
    /** Set when the second JVM's standard input is the pipe from the first that is never written. */
    static final String LAUNCHER_PIPE = "profilekit.launcher.pipe";
    /** How long the first JVM, stopped by a signal, waits for the second to stop before killing it. */
    static final long GRACE_MS = 3_000;
    /** How often the second JVM checks its parent when standard input is the command's. */
    static final long POLL_MS = 10;
    /** The second JVM's exit status when it halts because the first is gone (as if killed by SIGTERM). */
    private static final int LAUNCHER_GONE = 143;

    private Relaunch() {
    }

    /**
     * The options of the second JVM for this one's default maximum heap, or an empty list when none is wanted.
     *
     * @param bulk         whether the run is a bulk one (only those are relaunched)
     * @param jvmArguments this JVM's options (any option: the user chose, no relaunch)
     * @param javaCommand  the {@code sun.java.command} property (relaunch only when it starts with a jar)
     * @param env          the {@code PROFILEKIT_RELAUNCH} variable ({@code 0}: never), or null
     * @param maxHeap      this JVM's default maximum heap, in bytes
     */
    public static List<String> options(boolean bulk, List<String> jvmArguments, String javaCommand, String env,
            long maxHeap) {
        if (!bulk || jvmArguments == null || !jvmArguments.isEmpty() || "0".equals(env)
                || javaCommand == null || !javaCommand.split(" ", 2)[0].endsWith(".jar") || maxHeap < 1024 * MIB) {
            return List.of();
        }
        long maxMib = maxHeap / MIB;
        long young = Math.min(512, maxMib / 4);
        long initial = Math.min(1024, maxMib / 2);
        return List.of("-XX:+UseParallelGC", "-Xmx" + maxMib + "m", "-Xms" + initial + "m", "-Xmn" + young + "m",
                "-D" + MARK + "=true");
    }

    /**
     * Runs {@code main} with {@code args} in a second JVM when {@link #options} asks for it (in the second JVM:
     * watches the first, see {@link #launch}); returns its exit code, or -1 when the run is to go on in this JVM.
     *
     * @param bulk whether the run is a bulk one
     * @param main the class whose {@code main} the second JVM runs, from the jar this one was started with
     * @param args the arguments
     * @throws IllegalArgumentException if {@code main} or {@code args} is null
     */
    public static int runIfWanted(boolean bulk, Class<?> main, String[] args) {
        if (main == null || args == null) {
            throw new IllegalArgumentException("main and args must not be null");
        }
        if (System.getProperty(MARK) != null) {
            watchLauncher();
            return -1;
        }
        List<String> jvm = ManagementFactory.getRuntimeMXBean().getInputArguments();
        List<String> opts = options(bulk, jvm, System.getProperty("sun.java.command"),
                System.getenv("PROFILEKIT_RELAUNCH"), Runtime.getRuntime().maxMemory());
        if (opts.isEmpty()) {
            return -1;
        }
        String jar;
        try {
            jar = Path.of(main.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (Exception e) {
            return -1; // not from a jar on disk: run here
        }
        return launch(opts, jar, main.getName(), args);
    }

    /**
     * Runs {@code mainClass} with {@code args} in a second JVM with these options and class path, and waits for
     * it; returns its exit code, or -1 if it could not be started. The second JVM is told this one's pid, and unless
     * the command reads standard input ({@link #readsStdin}) its standard input is a pipe from this JVM that is
     * never written: it sees the pipe close the moment this JVM dies, however it dies. If this JVM is asked to stop
     * (SIGTERM, SIGINT), it stops the second one first ({@link #stop}) and exits with its status.
     */
    public static int launch(List<String> options, String classPath, String mainClass, String[] args) {
        if (options == null || classPath == null || mainClass == null || args == null) {
            throw new IllegalArgumentException("options, classPath, mainClass and args must not be null");
        }
        boolean stdin = readsStdin(args);
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(options);
        cmd.add("-D" + LAUNCHER + "=" + ProcessHandle.current().pid());
        if (!stdin) {
            cmd.add("-D" + LAUNCHER_PIPE + "=true");
        }
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        Process child;
        try {
            child = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.INHERIT)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .redirectInput(stdin ? ProcessBuilder.Redirect.INHERIT : ProcessBuilder.Redirect.PIPE).start();
        } catch (java.io.IOException e) {
            return -1; // cannot start a JVM: run here
        }
        Thread stop = new Thread(() -> stop(child), "profilekit-relaunch-stop");
        Runtime.getRuntime().addShutdownHook(stop);
        while (true) {
            try {
                int code = child.waitFor();
                Runtime.getRuntime().removeShutdownHook(stop);
                return code;
            } catch (InterruptedException e) {
                child.destroy();
            } catch (IllegalStateException e) {
                return child.exitValue(); // shutting down already: the hook ends this JVM with this status
            }
        }
    }

    /** Whether the command may read standard input: an argument {@code -} or {@code --opt=-}, or an @-file. */
    static boolean readsStdin(String[] args) {
        for (String a : args) {
            if (a.equals("-") || a.endsWith("=-") || a.startsWith("@")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The shutdown hook of the first JVM (stopped by a signal): asks the second JVM to stop (SIGTERM, so that it
     * runs its own shutdown hooks), kills it after {@link #GRACE_MS} if it has not, and ends this JVM with its exit
     * status, so that a service manager that stops the launcher stops the work and sees how it ended.
     */
    private static void stop(Process child) {
        child.destroy();
        try {
            if (!child.waitFor(GRACE_MS, TimeUnit.MILLISECONDS)) {
                child.destroyForcibly();
                child.waitFor(GRACE_MS, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            child.destroyForcibly();
        }
        Runtime.getRuntime().halt(child.isAlive() ? 137 : child.exitValue());
    }

    /**
     * In the second JVM: halt (no shutdown hooks, which might finish writing an output or a snapshot) as soon as the
     * first JVM is gone. With the pipe, a daemon thread blocks on standard input and halts when it closes, which
     * happens the moment the first JVM dies; when the command reads standard input itself, a daemon thread checks
     * every {@link #POLL_MS} ms that this JVM's parent is still the first JVM (a dead parent's children are
     * adopted by another process). Both start with a check, for a first JVM killed while this one was starting.
     */
    private static void watchLauncher() {
        long launcher;
        try {
            launcher = Long.parseLong(System.getProperty(LAUNCHER, "-1"));
        } catch (NumberFormatException e) {
            return;
        }
        if (launcher < 0) {
            return; // not started by launch
        }
        boolean pipe = Boolean.getBoolean(LAUNCHER_PIPE);
        if (!isParent(launcher)) {
            Runtime.getRuntime().halt(LAUNCHER_GONE);
        }
        Thread watch = new Thread(() -> {
            if (pipe) {
                try {
                    while (System.in.read() >= 0) {
                        // nothing is ever written; the read ends when the launcher's end of the pipe closes
                    }
                } catch (java.io.IOException e) {
                    // closed as well
                }
            } else {
                while (isParent(launcher)) {
                    try {
                        Thread.sleep(POLL_MS);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
            Runtime.getRuntime().halt(LAUNCHER_GONE);
        }, "profilekit-launcher-watch");
        watch.setDaemon(true);
        watch.start();
    }

    private static boolean isParent(long launcher) {
        return ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L) == launcher;
    }
}
