package dev.profilekit.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Flink job reads --forget, --pseudonymise-key, --ttl and time flags by the same rules as replay (issue 26). */
class FlinkJobInputsTest {

    @TempDir
    Path tmp;

    private String[] args(String... more) throws IOException {
        Path schema = tmp.resolve("schema.json");
        Files.writeString(schema, "{\"features\":[{\"name\":\"n\",\"kind\":\"count\"}]}");
        Path events = tmp.resolve("events.jsonl");
        Files.writeString(events, "");
        String[] base = {"--schema", schema.toString(), "--events", events.toString(), "--out",
            tmp.resolve("p.jsonl").toString()};
        String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @Test
    void onlyTheFileJobIsRunInASecondJvmByJavaDashJar() {
        assertThat(ProfileFlinkJob.fileJob(new String[] {"--schema", "s.json", "--events", "e.jsonl", "--out", "p"}))
                .isTrue();
        assertThat(ProfileFlinkJob.fileJob(new String[] {"--schema", "s.json", "--bootstrap-servers", "h:9092",
            "--topic", "t", "--output-topic", "o"})).as("the Kafka mode").isFalse();
        assertThat(ProfileFlinkJob.fileJob(new String[] {"--events", "e.jsonl", "--help"})).isFalse();
        assertThat(ProfileFlinkJob.fileJob(new String[0])).isFalse();
    }

    @Test
    void theForgetFileIsReadExactly() throws IOException {
        Path forget = tmp.resolve("forget.txt");
        Files.write(forget, new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, 'a', 'l', 'i', 'c', 'e', '\r', '\n',
            ' ', 'p', 'a', 'd', '\n', '"', 'a', '\\', 'n', 'b', '"', '\n'});
        assertThat(ProfileFlinkJob.parse(args("--forget", forget.toString())).forgotten())
                .containsExactlyInAnyOrder("alice", " pad", "a\nb");
    }

    @Test
    void keyTtlTimeAndDirectoryErrorsSayWhatIsAccepted() throws IOException {
        Path key = tmp.resolve("secret.key");
        Files.writeString(key, "0123456789abcdef".repeat(3) + "\n");
        assertThatThrownBy(() -> ProfileFlinkJob.parse(args("--pseudonymise-key", key.toString())))
                .hasMessage("--pseudonymise-key " + key + " holds 48 hex digits = 24 bytes; at least 32 bytes "
                        + "(64 hex digits) are needed");
        assertThatThrownBy(() -> ProfileFlinkJob.parse(args("--pseudonymise-key", tmp.toString())))
                .hasMessage("--pseudonymise-key " + tmp + " is a directory, not a key file");
        assertThatThrownBy(() -> ProfileFlinkJob.parse(args("--ttl", "P1Y")))
                .hasMessageStartingWith("--ttl 'P1Y' is not an ISO-8601 duration").hasMessageContaining("P365D");
        assertThatThrownBy(() -> ProfileFlinkJob.parse(args("--as-of", "9223372036854775807")))
                .hasMessageStartingWith("--as-of must lie between years 1 and 9999");
    }
}
