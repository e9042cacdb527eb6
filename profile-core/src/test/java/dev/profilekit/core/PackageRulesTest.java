package dev.profilekit.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The rooms of profile-core, checked on the sources (comments and string literals removed, so a javadoc link
 * is not a dependency): {@code spi} is the seam the engine and the live models share and depends on neither;
 * {@code live} never refers to {@code engine}; each model's package refers only to the seam and live's shared parts;
 * no package cycle runs through them; feature kinds are decided only in their own files; and the one hash mixer's
 * constants are written in one source file of the whole build.
 */
class PackageRulesTest {

    private static final Path CORE = Path.of("src", "main", "java", "dev", "profilekit", "core");

    /** Multiplicative and finalising constants of 32- and 64-bit hash mixers (Fibonacci, Murmur3, SplitMix64). */
    private static final List<String> MIXER_CONSTANTS = List.of(
            "9E3779B9", "9E3779B1", "9E3779B97F4A7C15", "85EBCA6B", "C2B2AE35", "FF51AFD7ED558CCD",
            "C4CEB9FE1A85EC53", "BF58476D1CE4E5B9", "94D049BB133111EB");

    private static final Pattern HEX = Pattern.compile("0[xX]([0-9a-fA-F_]+)[lL]?");

    @Test
    void liveNeverRefersToTheEngine() {
        assertThat(references(CORE.resolve("live"), "dev.profilekit.core.engine")).isEmpty();
    }

    @Test
    void theSeamRefersToNeitherSide() {
        assertThat(references(CORE.resolve("spi"), "dev.profilekit.core.engine")).isEmpty();
        assertThat(references(CORE.resolve("spi"), "dev.profilekit.core.live")).isEmpty();
        assertThat(references(CORE.resolve("spi"), "dev.profilekit.core.models")).isEmpty();
        assertThat(javaFiles(CORE.resolve("spi"))).isNotEmpty();
    }

    /**
     * A feature kind is decided in its own file ({@code engine/*Kind.java}) and the registry ({@code FeatureKinds}):
     * no other file of {@code engine} or {@code io} names a kind constant or switches or compares on a kind.
     */
    @Test
    void onlyAKindsOwnFileDecidesOnFeatureKinds() {
        Pattern decision = Pattern.compile("FeatureKind\\.[A-Z_]+\\b|switch \\([\\w.]*kind\\(\\)\\)|kind\\(\\) [!=]=");
        List<String> found = new ArrayList<>();
        for (String pkg : List.of("engine", "io")) {
            for (Path f : javaFiles(CORE.resolve(pkg))) {
                String name = f.getFileName().toString();
                if (name.endsWith("Kind.java") || name.equals("FeatureKinds.java")) {
                    continue;
                }
                String[] lines = code(f).split("\n", -1);
                for (int i = 0; i < lines.length; i++) {
                    if (decision.matcher(lines[i]).find()) {
                        found.add(name + ":" + (i + 1) + ": " + lines[i].strip());
                    }
                }
            }
        }
        assertThat(found).isEmpty();
        assertThat(javaFiles(CORE.resolve("engine"))).anyMatch(f -> f.getFileName().toString().equals("FeatureKinds.java"));
    }

    /**
     * Each live model's package (every package under {@code live} but {@code live.internal}; the test-only
     * {@code live.visits} too) refers only to the seam and live's shared parts: never to the engine, to the list of
     * models ({@code models}) or to another model's package.
     */
    @Test
    void eachModelPackageRefersToNoOtherModelNorToTheEngine() {
        List<Path> models = modelPackages(CORE.resolve("live"));
        assertThat(models).extracting(d -> d.getFileName().toString())
                .contains("propensity", "segments", "forecast", "recommend");
        List<Path> all = new ArrayList<>(models);
        all.add(Path.of("src", "test", "java", "dev", "profilekit", "core", "live", "visits"));
        assertThat(javaFiles(all.get(all.size() - 1))).isNotEmpty();
        for (Path model : all) {
            List<String> found = new ArrayList<>(references(model, "dev.profilekit.core.engine"));
            found.addAll(references(model, "dev.profilekit.core.models"));
            for (Path other : all) {
                if (!other.getFileName().equals(model.getFileName())) {
                    found.addAll(references(model, "dev.profilekit.core.live." + other.getFileName()));
                }
            }
            assertThat(found).as("references of %s", model).isEmpty();
        }
    }

    /** live's shared parts ({@code live}, {@code live.internal}) name no model package and not the list of models. */
    @Test
    void theSharedPartsReferToNoModel() {
        List<Path> shared = new ArrayList<>(javaFilesIn(CORE.resolve("live")));
        shared.addAll(javaFiles(CORE.resolve("live").resolve("internal")));
        assertThat(shared).isNotEmpty();
        List<String> found = new ArrayList<>();
        for (Path f : shared) {
            found.addAll(references(List.of(f), "dev.profilekit.core.models"));
            for (Path model : modelPackages(CORE.resolve("live"))) {
                found.addAll(references(List.of(f), "dev.profilekit.core.live." + model.getFileName()));
            }
        }
        assertThat(found).isEmpty();
    }

    /**
     * No cycle of references between packages of profile-core passes through the seam, live's packages or the list
     * of models ({@code spi}, {@code live}, {@code live.*}, {@code models}).
     */
    @Test
    void theModelPackagesAreOnNoCycle() {
        Pattern ref = Pattern.compile("(?<![\\w.])dev\\.profilekit\\.core\\.((?:[a-z]\\w*\\.)*[a-z]\\w*)\\.[A-Z]");
        Map<String, TreeSet<String>> uses = new TreeMap<>();
        for (Path f : javaFiles(CORE)) {
            String from = CORE.relativize(f.getParent()).toString().replace(java.io.File.separatorChar, '.');
            Matcher m = ref.matcher(code(f));
            while (m.find()) {
                if (!m.group(1).equals(from)) {
                    uses.computeIfAbsent(from, k -> new TreeSet<>()).add(m.group(1));
                }
            }
        }
        assertThat(uses).containsKeys("engine", "models", "live.propensity");
        for (String start : uses.keySet()) {
            if (!(start.equals("spi") || start.equals("models") || start.equals("live") || start.startsWith("live."))) {
                continue;
            }
            assertThat(reachable(uses, start)).as("packages reachable from %s", start).doesNotContain(start);
        }
    }

    private static TreeSet<String> reachable(Map<String, TreeSet<String>> uses, String start) {
        TreeSet<String> seen = new TreeSet<>();
        List<String> todo = new ArrayList<>(uses.getOrDefault(start, new TreeSet<>()));
        while (!todo.isEmpty()) {
            String p = todo.remove(todo.size() - 1);
            if (seen.add(p)) {
                todo.addAll(uses.getOrDefault(p, new TreeSet<>()));
            }
        }
        return seen;
    }

    /** The sub-packages of {@code live} (as directories) that hold a model: all but {@code internal}. */
    private static List<Path> modelPackages(Path live) {
        try (Stream<Path> s = Files.list(live)) {
            return s.filter(Files::isDirectory).filter(d -> !d.getFileName().toString().equals("internal"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The Java files directly in {@code dir} (not in its sub-packages). */
    private static List<Path> javaFilesIn(Path dir) {
        return javaFiles(dir).stream().filter(f -> f.getParent().equals(dir)).toList();
    }

    @Test
    void everyHashMixerConstantIsWrittenInOneSourceFile() {
        Map<String, TreeSet<String>> where = new TreeMap<>();
        for (Path module : modules()) {
            for (Path f : javaFiles(module.resolve(Path.of("src", "main", "java")))) {
                Matcher m = HEX.matcher(code(f));
                while (m.find()) {
                    String digits = m.group(1).replace("_", "").toUpperCase(Locale.ROOT);
                    if (MIXER_CONSTANTS.contains(digits)) {
                        where.computeIfAbsent(digits, k -> new TreeSet<>()).add(repo().relativize(f).toString());
                    }
                }
            }
        }
        assertThat(where).as("mixer constants found").isNotEmpty();
        where.forEach((constant, files) -> assertThat(files).as("0x%s is written in", constant).hasSize(1));
    }

    /** "file:line: text" of every code line under {@code dir} that names {@code pkg} (import or qualified name). */
    private static List<String> references(Path dir, String pkg) {
        return references(javaFiles(dir), pkg);
    }

    /** As {@link #references(Path, String)}, over {@code files}. */
    private static List<String> references(List<Path> files, String pkg) {
        Pattern p = Pattern.compile("(?<![\\w.])" + Pattern.quote(pkg) + "\\b");
        List<String> found = new ArrayList<>();
        for (Path f : files) {
            String[] lines = code(f).split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                if (p.matcher(lines[i]).find()) {
                    found.add(f.getFileName() + ":" + (i + 1) + ": " + lines[i].strip());
                }
            }
        }
        return found;
    }

    private static List<Path> javaFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The build's root: the nearest directory up from this module whose pom.xml lists modules. */
    private static Path repo() {
        Path d = Path.of("").toAbsolutePath();
        while (d != null) {
            Path pom = d.resolve("pom.xml");
            try {
                if (Files.isRegularFile(pom) && Files.readString(pom).contains("<modules>")) {
                    return d;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            d = d.getParent();
        }
        throw new IllegalStateException("no parent pom.xml with <modules> above " + Path.of("").toAbsolutePath());
    }

    private static List<Path> modules() {
        try (Stream<Path> s = Files.list(repo())) {
            List<Path> modules = s.filter(d -> Files.isRegularFile(d.resolve("pom.xml"))).sorted().toList();
            assertThat(modules).as("modules of %s", repo()).hasSizeGreaterThan(1);
            return modules;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The comment or literal that opens at {@code i}, or null. */
    private static String opening(String s, int i) {
        for (String o : new String[] {"//", "/*", "\"\"\"", "\"", "'"}) {
            if (s.startsWith(o, i)) {
                return o;
            }
        }
        return null;
    }

    /**
     * The file's text with comments, string and character literals and text blocks blanked (line breaks kept,
     * so that line numbers stay).
     */
    private static String code(Path f) {
        String s;
        try {
            s = Files.readString(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        int n = s.length();
        while (i < n) {
            String open = opening(s, i);
            if (open == null) {
                out.append(s.charAt(i++));
                continue;
            }
            String close = switch (open) {
                case "//" -> "\n";
                case "/*" -> "*/";
                default -> open;
            };
            boolean escapes = open.contains("\"") || open.equals("'");
            int j = i + open.length();
            while (j < n && !s.startsWith(close, j)) {
                j += escapes && s.charAt(j) == '\\' ? 2 : 1;
            }
            j = Math.min(n, close.equals("\n") ? j : j + close.length());
            for (int k = i; k < j; k++) {
                out.append(s.charAt(k) == '\n' ? '\n' : ' ');
            }
            i = j;
        }
        return out.toString();
    }
}
