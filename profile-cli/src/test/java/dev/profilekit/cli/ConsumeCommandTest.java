package dev.profilekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.profilekit.core.io.EventJson;
import dev.profilekit.core.spi.InvalidEventException;
import dev.profilekit.core.testkit.SpecAssertions;
import dev.profilekit.kafka.testkit.AudienceFold;
import dev.profilekit.kafka.testkit.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code profilekit consume} against a real broker started by the test (KRaft, in process). */
class ConsumeCommandTest {

    private static final Path SCHEMA = Path.of("..", "examples", "ecommerce", "schema.json");
    private static final Path EVENTS = Path.of("..", "examples", "ecommerce", "events.jsonl");

    @TempDir
    static Path brokerDir;
    static EmbeddedKafka kafka;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startBroker() throws Exception {
        kafka = EmbeddedKafka.start(brokerDir);
        List<String> keys = new ArrayList<>();
        List<String> lines = Files.readAllLines(EVENTS, StandardCharsets.UTF_8);
        for (String line : lines) {
            try {
                keys.add(EventJson.parse(line).user());
            } catch (InvalidEventException e) {
                keys.add(null); // the file's invalid lines: no user to key by
            }
        }
        kafka.createTopic("events", 3, false);
        kafka.produce("events", keys, lines);
        kafka.createTopic("other", 1, false);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    private String[] consume(Path state, Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("consume", "--bootstrap-servers", kafka.bootstrapServers(),
                "--topic", "events", "--schema", SCHEMA.toString(), "--snapshot-dir", state.toString(),
                "--until-end", "--out", out.toString()));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void consumesTheTopicIntoTheProfilesReplayWritesAndAgainWithoutCountingTwice() throws Exception {
        Path state = tmp.resolve("state");
        ReplayCommandTest.Run first = ReplayCommandTest.run(consume(state, tmp.resolve("a.jsonl"),
                "--group", "cli", "--snapshot-every", "1000", "--consumer-property", "max.poll.records=500"));
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.err()).contains("reading events from the beginning");
        ReplayCommandTest.Run replay = ReplayCommandTest.run("replay", "--schema", SCHEMA.toString(), "--events",
                EVENTS.toString(), "--out", tmp.resolve("r.jsonl").toString(), "--quiet");
        assertThat(replay.exit()).as(replay.err()).isZero();
        assertThat(Files.readString(tmp.resolve("a.jsonl"))).isEqualTo(Files.readString(tmp.resolve("r.jsonl")));
        String counts = replay.lastLine().substring(0, replay.lastLine().length() - 1); // accepted .. rejected
        assertThat(first.lastLine()).startsWith(counts + ",\"records\":3150,\"snapshots\":")
                .doesNotContain("\"snapshots\":0");

        assertThat(first.err()).contains("consume: applying records on ");

        // three apply threads read the same topic into the same profiles
        ReplayCommandTest.Run three = ReplayCommandTest.run(consume(tmp.resolve("state3"), tmp.resolve("t.jsonl"),
                "--apply-threads", "3", "--snapshot-every", "700"));
        assertThat(three.exit()).as(three.err()).isZero();
        assertThat(three.err()).contains("consume: applying records on 3 threads");
        assertThat(Files.readString(tmp.resolve("t.jsonl"))).isEqualTo(Files.readString(tmp.resolve("r.jsonl")));

        ReplayCommandTest.Run again = ReplayCommandTest.run(consume(state, tmp.resolve("b.jsonl")));
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.err()).contains("resuming from").contains("at offsets 0:");
        // nothing left to read: no record applied twice, and no new snapshot
        assertThat(again.lastLine()).isEqualTo(counts + ",\"records\":3150,\"snapshots\":0}");
        assertThat(Files.readString(tmp.resolve("b.jsonl"))).isEqualTo(Files.readString(tmp.resolve("r.jsonl")));
    }

    /**
     * With {@code --audiences} and {@code --audience-topic}: the profiles carry each user's audiences and the summary
     * their sizes, as replay's; the topic, folded per user and audience "from t on" (each change replaces the
     * membership from its time on, as the runner's at-least-once delivery asks), is replay's {@code --audience-log}
     * history, though three partitions interleave the users. A resume without the audiences is refused.
     */
    @Test
    void audiencesGoToTheProfilesTheSummaryAndTheAudienceTopicAsReplayHasThem() throws Exception {
        Path audiences = Path.of("..", "examples", "ecommerce", "audiences.json");
        Path state = tmp.resolve("state");
        kafka.createTopic("audience-changes", 2, false);
        ReplayCommandTest.Run run = ReplayCommandTest.run(consume(state, tmp.resolve("a.jsonl"), "--snapshot-every",
                "1000", "--audiences", audiences.toString(), "--audience-topic", "audience-changes"));
        assertThat(run.exit()).as(run.err()).isZero();
        Path log = tmp.resolve("replay-changes.jsonl");
        ReplayCommandTest.Run replay = ReplayCommandTest.run("replay", "--schema", SCHEMA.toString(), "--events",
                EVENTS.toString(), "--out", tmp.resolve("r.jsonl").toString(), "--quiet", "--audiences",
                audiences.toString(), "--audience-log", log.toString());
        assertThat(replay.exit()).as(replay.err()).isZero();
        assertThat(Files.readString(tmp.resolve("r.jsonl"))).contains("\"audiences\":[\"");
        assertThat(Files.readString(tmp.resolve("a.jsonl"))).isEqualTo(Files.readString(tmp.resolve("r.jsonl")));
        String sizes = replay.lastLine().substring(replay.lastLine().indexOf(",\"audiences\":{"));
        assertThat(run.lastLine()).endsWith(",\"records\":3150" + run.lastLine().replaceAll(
                ".*(,\"snapshots\":\\d+).*", "$1") + sizes);

        List<String> expected = Files.readAllLines(log);
        assertThat(expected).anyMatch(l -> l.contains("\"change\":\"exit\""));
        List<Map.Entry<String, String>> sent = kafka.readAll("audience-changes");
        assertThat(sent).allSatisfy(e -> assertThat(e.getValue()).startsWith("{\"user\":\"" + e.getKey() + "\","));
        assertThat(AudienceFold.fromTimeOn(sent.stream().map(Map.Entry::getValue).toList()))
                .isEqualTo(AudienceFold.fromTimeOn(expected));

        ReplayCommandTest.Run without = ReplayCommandTest.run(consume(state, tmp.resolve("b.jsonl")));
        assertThat(without.exit()).as(without.err()).isEqualTo(2);
        assertThat(without.err()).contains("cannot resume from ").contains("audience").contains("nothing was changed");
        ReplayCommandTest.Run topicAlone = ReplayCommandTest.run(consume(tmp.resolve("s5"), tmp.resolve("c.jsonl"),
                "--audience-topic", "audience-changes"));
        assertThat(topicAlone.exit()).isEqualTo(2);
        assertThat(topicAlone.err()).contains("--audience-topic audience-changes needs --audiences A.json");
    }

    @Test
    void aSnapshotOfAnotherTopicABadFormatOrABadIntervalIsAUsageError() throws Exception {
        Path state = tmp.resolve("state");
        assertThat(ReplayCommandTest.run(consume(state, tmp.resolve("a.jsonl"))).exit()).isZero();
        String[] other = consume(state, tmp.resolve("b.jsonl"));
        other[4] = "other";
        ReplayCommandTest.Run refused = ReplayCommandTest.run(other);
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err()).contains("cannot resume from ").contains("holds the offsets of topic 'events', "
                + "not 'other'; nothing was changed");

        ReplayCommandTest.Run ttl = ReplayCommandTest.run(consume(state, tmp.resolve("b.jsonl"), "--ttl", "P30D"));
        assertThat(ttl.exit()).isEqualTo(2);
        assertThat(ttl.err()).contains("was written with another --ttl (none; this run: P30D); nothing was changed");

        ReplayCommandTest.Run csv = ReplayCommandTest.run(consume(tmp.resolve("s2"), tmp.resolve("c.jsonl"),
                "--format", "csv"));
        assertThat(csv.exit()).isEqualTo(2);
        assertThat(csv.err()).contains("--format csv needs --csv-header id,user,type,ts,<attributes>");

        ReplayCommandTest.Run every = ReplayCommandTest.run(consume(tmp.resolve("s3"), tmp.resolve("d.jsonl"),
                "--snapshot-every", "0"));
        assertThat(every.exit()).isEqualTo(2);
        assertThat(every.err()).contains("--snapshot-every must be >= 1, was 0");
        ReplayCommandTest.Run interval = ReplayCommandTest.run(consume(tmp.resolve("s3"), tmp.resolve("d.jsonl"),
                "--snapshot-interval", "PT0S"));
        assertThat(interval.exit()).isEqualTo(2);
        assertThat(interval.err()).contains("--snapshot-interval must be positive, was PT0S");
        ReplayCommandTest.Run threads = ReplayCommandTest.run(consume(tmp.resolve("s4"), tmp.resolve("e.jsonl"),
                "--apply-threads", "0"));
        assertThat(threads.exit()).isEqualTo(2);
        assertThat(threads.err()).contains("--apply-threads must be >= 1, was 0");
        assertThat(tmp.resolve("s4")).as("nothing written for a refused run").satisfiesAnyOf(
                p -> assertThat(p).doesNotExist(), p -> assertThat(p).isEmptyDirectory());
    }

    /**
     * The README's {@code consume} command line (section "Embedded, reading Kafka") runs as written, with the broker,
     * the snapshot directory and the schema's path (from the repository root) replaced and {@code --until-end}
     * added: it reads the fixture's topic and publishes a profile per user to the output topic.
     */
    @Test
    void theReadmeCommandLineRuns() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        int section = readme.indexOf("## Embedded, reading Kafka");
        String opening = "On the command line:\n\n```\n";
        int at = readme.indexOf(opening, section);
        assertThat(section).isNotNegative();
        assertThat(at).as("the README's consume command").isGreaterThan(section);
        String block = readme.substring(at + opening.length(), readme.indexOf("\n```", at + opening.length()));
        List<String> words = new ArrayList<>(List.of(block.replace("\\\n", " ").trim().split("\\s+")));
        assertThat(words.subList(0, 4)).containsExactly("java", "-jar", "profile-cli/target/profilekit.jar",
                "consume");
        List<String> args = new ArrayList<>(words.subList(3, words.size()));
        args.set(args.indexOf("--bootstrap-servers") + 1, kafka.bootstrapServers());
        args.set(args.indexOf("--snapshot-dir") + 1, tmp.resolve("state").toString());
        int schema = args.indexOf("--schema") + 1;
        args.set(schema, Path.of("..").resolve(args.get(schema)).toString());
        String output = args.get(args.indexOf("--output-topic") + 1);
        kafka.createTopic(output, 2, true);
        args.addAll(List.of("--until-end", "--out", tmp.resolve("a.jsonl").toString()));

        ReplayCommandTest.Run run = ReplayCommandTest.run(args.toArray(String[]::new));

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.lastLine()).startsWith("{\"accepted\":2948,\"duplicate\":22,\"late\":162,\"rejected\":16,"
                + "\"records\":3150,");
        List<String> users = new ArrayList<>();
        for (String line : Files.readAllLines(tmp.resolve("a.jsonl"))) {
            users.add(SpecAssertions.MAPPER.readTree(line).get("user").asText());
        }
        assertThat(users).hasSizeGreaterThan(10);
        assertThat(kafka.lastValues(output).keySet()).containsExactlyInAnyOrderElementsOf(users);
    }
}
