package dev.profilekit.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.profilekit.flink.example.FlinkKafkaReadmeExample;
import dev.profilekit.kafka.testkit.EmbeddedKafka;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Flink Kafka section is tested code: its command line and its Java block (quoted from
 * {@link FlinkKafkaReadmeExample}, checked by {@link #theReadmeQuotesTheTestedExample}) each run on an in-process
 * broker with the fixture's events, keyed by user, and commit one profile per accepted event: the fixture's counts,
 * which the README states for the file job and which do not depend on the job.
 */
@Tag("slow")
class FlinkKafkaReadmeTest {

    @RegisterExtension
    static final MiniClusterExtension MINI = FlinkTestSupport.miniCluster();

    private static final Path README = Path.of("..", "README.md");
    private static final Path EXAMPLE = Path.of("src", "test", "java", "dev", "profilekit", "flink", "example",
            "FlinkKafkaReadmeExample.java");
    /** The fixture's counts, as the README states them for the file job. */
    private static final String FIXTURE_SUMMARY = "{\"accepted\":2948,\"duplicate\":22,\"late\":162,\"rejected\":16}";
    private static final int ACCEPTED = 2948;

    @TempDir
    static Path dir;
    static EmbeddedKafka kafka;
    static Path schema;

    /** The section of the README on the job's Kafka mode, up to the next section. */
    private static String section() throws IOException {
        String readme = Files.readString(README);
        int start = readme.indexOf("**From Kafka to Kafka, exactly once.**");
        assertThat(start).as("the README's Flink Kafka paragraph").isNotNegative();
        return readme.substring(start, readme.indexOf("\n## ", start));
    }

    /** The first fenced block of {@code text} opened by {@code fence}, its lines stripped. */
    private static List<String> block(String text, String fence) {
        Matcher m = Pattern.compile(Pattern.quote(fence) + "\n(.*?)```", Pattern.DOTALL).matcher(text);
        assertThat(m.find()).as("a %s block", fence).isTrue();
        return m.group(1).lines().map(String::strip).toList();
    }

    @Test
    void theReadmeQuotesTheTestedExample() throws IOException {
        String source = Files.readString(EXAMPLE);
        int from = source.indexOf("// README:job\n");
        int to = source.indexOf("// README:job-end\n");
        assertThat(from).isNotNegative();
        List<String> quoted = source.substring(source.indexOf('\n', from) + 1, to).lines().map(String::strip)
                .filter(l -> !l.isEmpty()).toList();
        assertThat(block(section(), "```java")).containsExactlyElementsOf(quoted);
    }

    @BeforeAll
    static void start() throws Exception {
        schema = FlinkTestSupport.resource("ecommerce/schema.json", dir);
        List<String> lines = Files.readAllLines(FlinkTestSupport.resource("ecommerce/events.jsonl", dir));
        kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        FlinkTestSupport.produceByUser(kafka, "events", 2, lines);
    }

    @AfterAll
    static void stop() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void theReadmeCommandCommitsAProfilePerAcceptedEvent() throws Exception {
        String command = String.join(" ", block(section(), "```")).replace("\\ ", " ");
        List<String> words = new ArrayList<>(Arrays.asList(command.trim().split("\\s+")));
        assertThat(words.subList(0, 3)).containsExactly("java", "-jar", "profile-flink/target/profilekit-flink.jar");
        List<String> args = new ArrayList<>(words.subList(3, words.size()));
        replace(args, "--schema", Path.of("..").resolve(args.get(args.indexOf("--schema") + 1)).toString());
        replace(args, "--bootstrap-servers", kafka.bootstrapServers());
        replace(args, "--output-topic", "cli-profiles");       // the Java example's test writes "profiles"
        replace(args, "--checkpoint-dir", dir.resolve("checkpoints").toUri().toString());
        replace(args, "--checkpoint-interval", "PT0.5S");     // the last transaction commits sooner
        args.add("--until-end");
        kafka.createTopic("cli-profiles", 2, true);

        String summary = FlinkTestSupport.runJob(args.toArray(new String[0]));

        assertThat(summary).isEqualTo(FIXTURE_SUMMARY);
        List<Map.Entry<String, String>> committed = kafka.readAll("cli-profiles");
        assertThat(committed).hasSize(ACCEPTED);
        assertThat(committed).allSatisfy(FlinkKafkaReadmeTest::keyedByItsUser);
    }

    @Test
    void theReadmeJavaBlockCommitsAProfilePerAcceptedEvent() throws Exception {
        kafka.createTopic("profiles", 2, true);
        JobClient job = FlinkKafkaReadmeExample.start(kafka.bootstrapServers(), schema);
        try {
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (kafka.readAll("profiles").size() < ACCEPTED && System.nanoTime() < deadline) {
                Thread.sleep(500);
            }
            Thread.sleep(11_000); // one more checkpoint: nothing more is committed
            List<Map.Entry<String, String>> committed = kafka.readAll("profiles");
            assertThat(committed).hasSize(ACCEPTED);
            assertThat(committed).allSatisfy(FlinkKafkaReadmeTest::keyedByItsUser);
        } finally {
            job.cancel().get();
        }
    }

    private static void keyedByItsUser(Map.Entry<String, String> record) {
        assertThat(record.getValue()).startsWith("{\"user\":\"" + record.getKey() + "\",");
    }

    private static void replace(List<String> args, String flag, String value) {
        int i = args.indexOf(flag);
        assertThat(i).as("the README's command has %s", flag).isNotNegative();
        args.set(i + 1, value);
    }
}
