package dev.profilekit.kafka.example;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's "Embedded, reading Kafka" section quotes {@link KafkaReadmeExample} exactly: its three Java blocks are
 * the example's lines between the {@code README} markers (indentation aside), so the README shows code that is
 * compiled and run against a broker.
 */
class KafkaReadmeQuoteTest {

    private static final Path README = Path.of("..", "README.md");
    private static final Path EXAMPLE = Path.of("src", "test", "java", "dev", "profilekit", "kafka", "example",
            "KafkaReadmeExample.java");

    @Test
    void theReadmeQuotesTheTestedExample() throws IOException {
        String readme = Files.readString(README);
        int start = readme.indexOf("## Embedded, reading Kafka");
        assertThat(start).as("README section").isNotNegative();
        String section = readme.substring(start, readme.indexOf("\n## ", start + 1));
        List<String> blocks = new ArrayList<>();
        Matcher m = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL).matcher(section);
        while (m.find()) {
            blocks.add(strip(m.group(1)));
        }
        String source = Files.readString(EXAMPLE);
        List<String> quoted = new ArrayList<>();
        for (String[] marks : new String[][] {{"README:start", "README:end"}, {"README:read", "README:read-end"},
            {"README:stop", "README:stop-end"}}) {
            int from = source.indexOf("// " + marks[0] + "\n");
            int to = source.indexOf("// " + marks[1] + "\n");
            assertThat(from).as(marks[0]).isNotNegative();
            String body = source.substring(source.indexOf('\n', from) + 1, to);
            quoted.add(strip(body.substring(0, body.lastIndexOf('\n') + 1)));
        }
        assertThat(blocks).containsExactlyElementsOf(quoted);
    }

    /** The lines with their common indentation removed. */
    private static String strip(String text) {
        String[] lines = text.split("\n");
        int indent = Integer.MAX_VALUE;
        for (String l : lines) {
            if (!l.isBlank()) {
                indent = Math.min(indent, l.length() - l.stripLeading().length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String l : lines) {
            sb.append(l.isBlank() ? "" : l.substring(indent).stripTrailing()).append('\n');
        }
        return sb.toString();
    }
}
