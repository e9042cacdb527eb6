package dev.profilekit.cli;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The launcher inside {@code java -jar profilekit.jar}: a bulk command ({@code replay}, {@code demo},
 * {@code dataset}) started with no JVM options at all runs in a second JVM with settings that suit it, the way
 * launcher scripts of batch tools do. Why: with the default G1 collector a replay spends much of its time scanning
 * the old generation's dirty cards (every event stores young objects, its id and values, into long-lived profiles),
 * which the parallel collector with a fixed young generation does far more cheaply (JFR: 10 young collections,
 * 0.8 s of pauses for 4.1M events; BENCHMARKS.md, "End-to-end replay"). The maximum heap stays the JVM's default.
 *
 * <p>It never applies when the JVM was given any option (then the user chose), when not started with {@code -jar},
 * when {@code PROFILEKIT_RELAUNCH=0}, or when the default heap is under 1 GiB. The second JVM inherits standard
 * input, output and error, stops when this one is stopped, and stops itself if this one dies.
 */
final class Relaunch {

    static final String MARK = "profilekit.relaunched";
    private static final Set<String> BULK = Set.of("replay", "demo", "dataset");
    private static final long MIB = 1L << 20;

    private Relaunch() {
    }

    /** The options of the second JVM for this one's default maximum heap, or an empty list when none is wanted. */
    static List<String> options(String[] args, List<String> jvmArguments, String javaCommand, String env,
            long maxHeap) {
        if (args.length == 0 || !BULK.contains(args[0]) || !jvmArguments.isEmpty() || "0".equals(env)
                || javaCommand == null || !javaCommand.split(" ", 2)[0].endsWith(".jar") || maxHeap < 1024 * MIB) {
            return List.of();
        }
        long maxMib = maxHeap / MIB;
        long young = Math.min(512, maxMib / 4);
        long initial = Math.min(1024, maxMib / 2);
        return List.of("-XX:+UseParallelGC", "-Xmx" + maxMib + "m", "-Xms" + initial + "m", "-Xmn" + young + "m",
                "-D" + MARK + "=true");
    }

    /** Runs the command in a second JVM when {@link #options} asks for it; returns its exit code, or -1 if not. */
    static int runIfWanted(String[] args) {
        if (System.getProperty(MARK) != null) {
            watchParent();
            return -1;
        }
        List<String> jvm = ManagementFactory.getRuntimeMXBean().getInputArguments();
        List<String> opts = options(args, jvm, System.getProperty("sun.java.command"),
                System.getenv("PROFILEKIT_RELAUNCH"), Runtime.getRuntime().maxMemory());
        if (opts.isEmpty()) {
            return -1;
        }
        String jar;
        try {
            jar = Path.of(Relaunch.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (Exception e) {
            return -1; // not from a jar on disk: run here
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(opts);
        cmd.add("-cp");
        cmd.add(jar);
        cmd.add(ProfileKitCli.class.getName());
        cmd.addAll(List.of(args));
        Process child;
        try {
            child = new ProcessBuilder(cmd).inheritIO().start();
        } catch (java.io.IOException e) {
            return -1; // cannot start a JVM: run here
        }
        Thread stop = new Thread(child::destroy, "profilekit-relaunch-stop");
        Runtime.getRuntime().addShutdownHook(stop);
        while (true) {
            try {
                int code = child.waitFor();
                Runtime.getRuntime().removeShutdownHook(stop);
                return code;
            } catch (InterruptedException e) {
                child.destroy();
            } catch (IllegalStateException e) {
                return child.exitValue(); // shutting down already
            }
        }
    }

    /** In the second JVM: stop if the first one dies (killed with no chance to stop this one). */
    private static void watchParent() {
        ProcessHandle.current().parent().ifPresent(p -> p.onExit().thenRun(() -> Runtime.getRuntime().halt(143)));
    }
}
