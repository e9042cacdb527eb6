package dev.profilekit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's Java quick start compiles and runs exactly as printed, and prints what the README says. */
class ReadmeQuickStartTest {

    private static final Path README = Path.of("..", "README.md");

    @TempDir
    Path tmp;

    /** The fenced blocks of {@code lang} in the README section that starts with {@code heading}. */
    static List<String> blocks(String heading, String lang) throws IOException {
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        int start = readme.indexOf("\n" + heading + "\n");
        assertThat(start).as("README section " + heading).isNotNegative();
        int end = readme.indexOf("\n## ", start + heading.length() + 2);
        String section = readme.substring(start, end < 0 ? readme.length() : end);
        Matcher m = Pattern.compile("```" + lang + "\n(.*?)```", Pattern.DOTALL).matcher(section);
        List<String> out = new java.util.ArrayList<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** Compiles the README's quick start into {@code tmp/classes}. */
    private Path compileQuickStart() throws IOException {
        List<String> java = blocks("## Quick start (Java)", "java");
        assertThat(java).hasSize(1);
        Path src = tmp.resolve("QuickStart.java");
        Files.writeString(src, java.get(0));
        Path classes = Files.createDirectories(tmp.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int rc = javac.run(null, null, diagnostics, "-d", classes.toString(), "-cp",
                System.getProperty("java.class.path"), "-Xlint:all,-path,-options", "-Werror", src.toString());
        assertThat(rc).as(diagnostics.toString(StandardCharsets.UTF_8)).isZero();
        return classes;
    }

    @Test
    void quickStartCompilesRunsAndPrintsWhatTheReadmeSays() throws Exception {
        List<String> text = blocks("## Quick start (Java)", "text");
        assertThat(text).hasSize(1);
        Path classes = compileQuickStart();

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream old = System.out;
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
                getClass().getClassLoader())) {
            Method main = loader.loadClass("QuickStart").getMethod("main", String[].class);
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            main.invoke(null, (Object) new String[0]);
        } finally {
            System.setOut(old);
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(text.get(0));
    }

    /**
     * The quick start's dependencies are what it needs in a new project, in one step: {@code mvn install} is named
     * (the modules are not on Maven Central), {@code profile-core} at the build's version and an SLF4J provider at
     * the build's SLF4J version; run as a program of its own with them on the class path (a child JVM), the quick
     * start prints its output and nothing on stderr (slf4j-api 2 without a provider prints three warnings).
     */
    @Test
    void quickStartNeedsOneStepAndPrintsNothingButItsOutput() throws Exception {
        String parent = Files.readString(Path.of("..", "pom.xml"), StandardCharsets.UTF_8);
        Matcher slf4j = Pattern.compile("<slf4j.version>([^<]+)</slf4j.version>").matcher(parent);
        assertThat(slf4j.find()).isTrue();
        List<String> xml = blocks("## Quick start (Java)", "xml");
        assertThat(xml).hasSize(1);
        String deps = xml.get(0).replaceAll("<!--.*?-->", "").replaceAll("\\s+", "");
        assertThat(deps).contains("<groupId>dev.profilekit</groupId><artifactId>profile-core</artifactId>")
                .contains("<groupId>org.slf4j</groupId><artifactId>slf4j-simple</artifactId><version>"
                        + slf4j.group(1) + "</version><scope>runtime</scope>");
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        String section = readme.substring(readme.indexOf("\n## Quick start (Java)\n"));
        assertThat(section.substring(0, section.indexOf("```xml"))).contains("mvn -B -q install -DskipTests");
        assertThat(blocks("## Two commands", "sh").get(0)).startsWith("mvn -B -q install -DskipTests && ");

        Path classes = compileQuickStart();
        String launcher = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(launcher, "-cp", classes + java.io.File.pathSeparator
                + System.getProperty("java.class.path"), "QuickStart")
                .redirectOutput(tmp.resolve("out.txt").toFile()).redirectError(tmp.resolve("err.txt").toFile())
                .start();
        assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        assertThat(Files.readString(tmp.resolve("err.txt"))).as("stderr").isEmpty();
        assertThat(Files.readString(tmp.resolve("out.txt"))).isEqualTo(blocks("## Quick start (Java)", "text").get(0));
    }

    @Test
    void mavenCoordinatesNameRealModulesAtTheBuildVersion() throws IOException {
        String parent = Files.readString(Path.of("..", "pom.xml"), StandardCharsets.UTF_8);
        Matcher v = Pattern.compile("<artifactId>profilekit-parent</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(parent);
        assertThat(v.find()).isTrue();
        String version = v.group(1);
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        Matcher dep = Pattern.compile("<groupId>dev\\.profilekit</groupId>\\s*<artifactId>([^<]+)</artifactId>\\s*"
                + "<version>([^<]+)</version>").matcher(readme);
        int found = 0;
        while (dep.find()) {
            found++;
            assertThat(dep.group(2)).as(dep.group(1)).isEqualTo(version);
            Path pom = Path.of("..", dep.group(1), "pom.xml");
            assertThat(pom).as(dep.group(1) + " is a module").exists();
            assertThat(Files.readString(pom)).contains("<artifactId>" + dep.group(1) + "</artifactId>");
            assertThat(parent).contains("<module>" + dep.group(1) + "</module>");
        }
        assertThat(found).as("coordinates in the README").isGreaterThanOrEqualTo(2);
    }
}
