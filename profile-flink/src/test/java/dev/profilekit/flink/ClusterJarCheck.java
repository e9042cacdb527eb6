package dev.profilekit.flink;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.apache.flink.shaded.asm9.org.objectweb.asm.ClassReader;
import org.apache.flink.shaded.asm9.org.objectweb.asm.ClassVisitor;
import org.apache.flink.shaded.asm9.org.objectweb.asm.Opcodes;
import org.apache.flink.shaded.asm9.org.objectweb.asm.commons.ClassRemapper;
import org.apache.flink.shaded.asm9.org.objectweb.asm.commons.Remapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built jars, checked after {@code package} (the pom's {@code jar-contents} execution, in the verify phase; not
 * run with the unit tests, which come before the jar exists). With {@code -Dflink.scope=provided}, the cluster job
 * jar: no Flink runtime, client or logging binding inside (the cluster brings them), but our classes, the Kafka
 * connector and everything our classes refer to that a Flink cluster does not provide. Otherwise the self-contained
 * jar, which must also carry Flink's runtime. Both name the module {@code dev.profilekit.flink}.
 */
class ClusterJarCheck {

    private static final String MODULE = "dev.profilekit.flink";

    private static Path jar(String property) {
        String p = System.getProperty(property);
        assertThat(p).as("system property %s (set by the pom's jar-contents execution)", property).isNotNull();
        Path jar = Path.of(p);
        assertThat(jar).as("the jar built by package").isRegularFile();
        return jar;
    }

    private static boolean cluster() {
        return "provided".equals(System.getProperty("profilekit.flink.scope"));
    }

    @Test
    void theModuleJarNamesItsModule() {
        Set<ModuleDescriptor> found = new HashSet<>();
        ModuleFinder.of(jar("profilekit.flink.moduleJar")).findAll().forEach(m -> found.add(m.descriptor()));
        assertThat(found).singleElement().satisfies(d -> {
            assertThat(d.name()).isEqualTo(MODULE);
            assertThat(d.isAutomatic()).isTrue();
        });
    }

    @Test
    void theJobJarHoldsWhatItNeedsAndNoMore() throws IOException {
        try (JarFile jar = new JarFile(jar("profilekit.flink.jar").toFile())) {
            Manifest m = jar.getManifest();
            assertThat(m.getMainAttributes().getValue("Main-Class")).isEqualTo(ProfileFlinkJob.class.getName());
            assertThat(m.getMainAttributes().getValue("Automatic-Module-Name")).isEqualTo(MODULE);
            Set<String> classes = new TreeSet<>();
            jar.stream().map(JarEntry::getName).filter(n -> n.endsWith(".class"))
                    .forEach(n -> classes.add(n.substring(0, n.length() - ".class".length())));
            // ours, the engine, the Kafka record formats, the connector and the client
            assertThat(classes).contains("dev/profilekit/flink/ProfileFlinkJob", "dev/profilekit/flink/KafkaEventSchema",
                    "dev/profilekit/core/engine/ProfileKernel", "dev/profilekit/kafka/RecordFormat",
                    "org/apache/flink/connector/kafka/sink/KafkaSink",
                    "org/apache/kafka/clients/producer/KafkaProducer");
            String[] runtime = {"org/apache/flink/runtime/minicluster/MiniCluster",
                "org/apache/flink/streaming/api/environment/StreamExecutionEnvironment",
                "org/apache/flink/client/program/ClusterClient", "org/slf4j/simple/SimpleLogger"};
            if (cluster()) {
                assertThat(classes).doesNotContain(runtime);
                assertThat(classes).noneMatch(c -> c.startsWith("org/apache/flink/runtime/")
                        || c.startsWith("org/apache/flink/streaming/api/") || c.startsWith("org/apache/flink/core/")
                        || c.startsWith("org/apache/flink/api/") || c.startsWith("org/rocksdb/"));
            } else {
                assertThat(classes).contains(runtime);
            }
            // every class our classes refer to is in the jar, in the JDK, or (cluster jar) provided by Flink
            Set<String> missing = new TreeSet<>();
            for (String c : classes) {
                if (c.startsWith("dev/profilekit/")) {
                    for (String ref : references(jar, c)) {
                        if (!classes.contains(ref) && !inJdk(ref) && !(cluster() && providedByFlink(ref))) {
                            missing.add(ref + " (from " + c + ")");
                        }
                    }
                }
            }
            assertThat(missing).as("classes our classes need but the jar lacks").isEmpty();
        }
    }

    /**
     * {@code java -jar profilekit-flink.jar} with no JVM option runs the file job in a second JVM with the parallel
     * collector, as {@code profilekit replay} does, and that JVM writes the profiles; with an option given, the job
     * runs in the first JVM. The cluster job jar cannot run on its own (it lacks Flink's runtime): it is checked by
     * its contents alone.
     */
    @Test
    void theSelfContainedJarRunsTheFileJobInASecondJvmWithTheParallelCollector(@TempDir Path tmp) throws Exception {
        if (cluster()) {
            return;
        }
        Path schema = copy("/ecommerce/schema.json", tmp.resolve("schema.json"));
        Path events = copy("/ecommerce/events.jsonl", tmp.resolve("events.jsonl"));
        String javaCommand = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        long defaultMaxHeap = defaultMaxHeap(javaCommand);
        // the launcher's own rule: no second JVM when the machine's default heap is under 1 GiB
        boolean relaunchable = !dev.profilekit.core.launch.Relaunch.options(true, List.of(), "x.jar", null,
                defaultMaxHeap).isEmpty();
        for (boolean chosen : new boolean[] {false, true}) {
            Path out = tmp.resolve("profiles-" + chosen + ".jsonl");
            List<String> cmd = new ArrayList<>(List.of(javaCommand));
            if (chosen) {
                cmd.add("-Xmx1g"); // the user chose: no second JVM
            }
            cmd.addAll(List.of("-jar", jar("profilekit.flink.jar").toString(), "--schema", schema.toString(),
                    "--events", events.toString(), "--out", out.toString(), "--parallelism", "1"));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(tmp.resolve("output-" + chosen + ".txt").toFile());
            for (String v : List.of("PROFILEKIT_RELAUNCH", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS")) {
                pb.environment().remove(v); // each would be a choice of the user's
            }
            Process launcher = pb.start();
            List<String> childArguments = null;
            while (launcher.isAlive() && childArguments == null) {
                // the JVM's launch helper (jspawnhelper) is a child for a moment too: look for the job's JVM
                childArguments = launcher.children().map(c -> c.info().arguments().map(List::of).orElse(List.of()))
                        .filter(a -> a.contains(ProfileFlinkJob.class.getName())).findFirst().orElse(null);
                Thread.sleep(5);
            }
            assertThat(launcher.waitFor(120, TimeUnit.SECONDS)).as("the job ended within 120 s").isTrue();
            String output = Files.readString(tmp.resolve("output-" + chosen + ".txt"));
            assertThat(launcher.exitValue()).as(output).isZero();
            assertThat(output).as("the summary line").contains("\"accepted\":");
            assertThat(Files.readAllLines(out)).as("the profiles written").isNotEmpty();
            if (chosen || !relaunchable) {
                assertThat(childArguments).as("a second JVM although -Xmx1g was given or the default heap is "
                        + defaultMaxHeap + " bytes").isNull();
            } else {
                assertThat(childArguments).as("the second JVM's arguments").isNotNull()
                        .contains("-XX:+UseParallelGC");
            }
        }
    }

    /** The default maximum heap of a JVM started with no option, in bytes (its {@code MaxHeapSize} flag). */
    private static long defaultMaxHeap(String javaCommand) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(javaCommand, "-XX:+PrintFlagsFinal", "-version").redirectErrorStream(true);
        for (String v : List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS")) {
            pb.environment().remove(v);
        }
        Process p = pb.start();
        String flags = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\bMaxHeapSize\\s*=\\s*(\\d+)").matcher(flags);
        assertThat(m.find()).as("MaxHeapSize in -XX:+PrintFlagsFinal").isTrue();
        return Long.parseLong(m.group(1));
    }

    private static Path copy(String resource, Path to) throws IOException {
        try (InputStream in = ClusterJarCheck.class.getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            Files.copy(in, to);
        }
        return to;
    }

    /** Flink's own classes and its logging API: on every Flink cluster's class path (not its connectors). */
    private static boolean providedByFlink(String ref) {
        return (ref.startsWith("org/apache/flink/") && !ref.startsWith("org/apache/flink/connector/kafka/"))
                || ref.startsWith("org/slf4j/");
    }

    private static boolean inJdk(String ref) {
        try {
            Class.forName(ref.replace('/', '.'), false, ClassLoader.getPlatformClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** The internal names of the classes a class file refers to (in its signatures, code and constants). */
    private static Set<String> references(JarFile jar, String cls) throws IOException {
        Set<String> refs = new TreeSet<>();
        try (InputStream in = jar.getInputStream(jar.getEntry(cls + ".class"))) {
            new ClassReader(in).accept(new ClassRemapper(new ClassVisitor(Opcodes.ASM9) { }, new Remapper() {
                @Override
                public String map(String internalName) {
                    refs.add(internalName);
                    return internalName;
                }
            }), 0);
        }
        return refs;
    }
}
