package dev.profilekit.store.rocksdb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Looks for byte strings in the raw bytes of every file under a directory, as someone reading the disk would. */
final class FileBytes {

    private FileBytes() {
    }

    /** UTF-8 of {@code s}. */
    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * For each needle (by its name) the files under {@code dir} (recursively; names relative to it) whose bytes
     * contain it; only needles found somewhere are listed. {@code hex} needles are also looked for as lower- and
     * upper-case hexadecimal text (a log could print a key so).
     */
    static Map<String, List<String>> find(Path dir, Map<String, byte[]> needles) {
        Map<String, List<String>> found = new LinkedHashMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                byte[] bytes = Files.readAllBytes(f);
                for (Map.Entry<String, byte[]> n : needles.entrySet()) {
                    if (contains(bytes, n.getValue())) {
                        found.computeIfAbsent(n.getKey(), k -> new ArrayList<>()).add(dir.relativize(f).toString());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    /** {@code key} itself and its hexadecimal text in both cases, under names starting with {@code name}. */
    static Map<String, byte[]> withHex(String name, byte[] key) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put(name, key);
        String hex = HexFormat.of().formatHex(key);
        m.put(name + " (hex)", utf8(hex));
        m.put(name + " (HEX)", utf8(hex.toUpperCase(java.util.Locale.ROOT)));
        return m;
    }

    static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0, last = hay.length - needle.length; i <= last; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
