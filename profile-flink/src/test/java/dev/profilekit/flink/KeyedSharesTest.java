package dev.profilekit.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.profilekit.core.io.EventJson;
import dev.profilekit.core.spi.InvalidEventException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.RecordAndPosition;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputViewStreamWrapper;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared file source's reader k reads exactly the users whose key lies in the keyed operator's subtask k
 * (so its records reach the operator without an exchange), and finds each line's user as the event parser does.
 */
class KeyedSharesTest {

    @RegisterExtension
    static final MiniClusterExtension MINI = FlinkTestSupport.miniCluster();

    @TempDir
    Path dir;

    @Test
    void everyRecordComesFromTheReaderOfTheOperatorSubtaskThatHoldsItsKey() throws Exception {
        Path events = eventsWithBadLines();
        KernelSpec spec = pseudonymising();
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        FileSharesTest.SEEN.clear();
        ProfilePipeline.fileSource(env, events, spec, Set.of())
                .map(new FileSharesTest.Note(), RoutedSerializer.TYPE).sinkTo(new DiscardingSink<>());
        env.execute("keyed shares");

        Map<String, Integer> perReader = new HashMap<>();
        for (String[] s : FileSharesTest.SEEN) { // (reader, event id, key)
            assertThat(owner(s[2], 2)).as("subtask whose key groups hold the key of event %s", s[1])
                    .isEqualTo(Integer.parseInt(s[0]));
            perReader.merge(s[0], 1, Integer::sum);
        }
        assertThat(perReader).containsOnlyKeys("0", "1");
        assertThat(perReader.values()).allSatisfy(n -> assertThat(n).isGreaterThan(1_000));
    }

    @Test
    void eachReadersMarksAreKeyedInItsSubtaskAndEveryLineIsReadOnce() throws Exception {
        Path events = eventsWithBadLines();
        List<String> lines = Files.readAllLines(events);
        Set<String> forgotten = Set.of(EventJson.parse(lines.get(0)).user(), EventJson.parse(lines.get(1)).user());
        Map<Routed.Kind, Integer> perKind = new HashMap<>();
        List<Routed> records = readShares(new UserShareFormat(pseudonymising(), forgotten, 128), events, 3);
        records.forEach(r -> perKind.merge(r.kind(), 1, Integer::sum));
        assertThat(perKind.get(Routed.Kind.REJECTED)).isEqualTo(3);
        assertThat(perKind.get(Routed.Kind.FORGOTTEN)).isGreaterThan(0);
        assertThat(records).hasSize((int) lines.stream().filter(l -> !l.isBlank()).count());
    }

    /**
     * Every record of every share of {@code events} (of {@code shares}), each checked to be keyed in the operator
     * subtask of its share (the format's maximum parallelism is 128).
     */
    private static List<Routed> readShares(UserShareFormat format, Path events, int shares) throws IOException {
        List<FileSourceSplit> splits = new ArrayList<>(new UserShareFormat.Shares().enumerateSplits(
                new org.apache.flink.core.fs.Path[] {new org.apache.flink.core.fs.Path(events.toUri())}, shares));
        List<Routed> records = new ArrayList<>();
        for (int share = 0; share < shares; share++) {
            try (BulkFormat.Reader<Routed> reader = format.forSubtask(share, shares)
                    .createReader(new Configuration(), splits.get(share))) {
                BulkFormat.RecordIterator<Routed> batch;
                while ((batch = reader.readBatch()) != null) {
                    RecordAndPosition<Routed> r;
                    while ((r = batch.next()) != null) {
                        Routed routed = r.getRecord();
                        assertThat(KeyGroupRangeAssignment.assignKeyToParallelOperator(routed.key(), 128, shares))
                                .as("subtask of %s", routed).isEqualTo(share);
                        records.add(routed);
                    }
                }
            }
        }
        return records;
    }

    @Test
    void nonAsciiLinesGoToTheirUsersShareAndAnUndecodableLineIsCountedOnce() throws Exception {
        // the readers find the user in the line's bytes: a user or attribute with multi-byte characters, and a line
        // that is not UTF-8 (counted once, by the share of the user its bytes show), next to a simulated stream
        Path events = FlinkTestSupport.simulated(dir, 200, 7, 5L);
        List<String> users = List.of("\u00fcser-\u4e2d", "u\ud83d\ude00", "plain-\u00e9");
        ByteArrayOutputStream more = new ByteArrayOutputStream();
        for (int i = 0; i < users.size(); i++) {
            more.write(("{\"id\":\"n" + i + "\",\"user\":\"" + users.get(i) + "\",\"type\":\"view\",\"ts\":1000,"
                    + "\"attrs\":{\"c\":\"\u00e7a\"}}\n").getBytes(StandardCharsets.UTF_8));
        }
        more.write("{\"id\":\"bad\",\"user\":\"u\u00e9\",\"type\":\"view\",\"ts\":1}".getBytes(StandardCharsets.ISO_8859_1));
        more.write(new byte[] {'\n', ' ', '\t', 0x1F, '\n'}); // the line above is Latin-1, not UTF-8; then a blank one
        Files.write(events, more.toByteArray(), StandardOpenOption.APPEND);
        long simulated = Files.readAllLines(events, StandardCharsets.ISO_8859_1).size() - users.size() - 2;
        Map<Routed.Kind, Integer> perKind = new HashMap<>();
        Map<String, Integer> nonAscii = new HashMap<>();
        int shares = 3;
        UserShareFormat format = new UserShareFormat(KernelSpec.of(Files.readString(
                FlinkTestSupport.resource("ecommerce/schema.json", dir))).withNow(4102444800000L), Set.of(), 128);
        for (Routed routed : readShares(format, events, shares)) {
            perKind.merge(routed.kind(), 1, Integer::sum);
            if (users.contains(routed.key())) {
                nonAscii.merge(routed.key(), 1, Integer::sum);
                assertThat(routed.event().attrs()).containsEntry("c", "\u00e7a");
            }
        }
        assertThat(nonAscii).containsOnlyKeys(users).allSatisfy((u, n) -> assertThat(n).as(u).isEqualTo(1));
        assertThat(perKind).containsEntry(Routed.Kind.REJECTED, 1)
                .containsEntry(Routed.Kind.EVENT, (int) simulated + users.size());
    }

    /** A simulated stream with lines that are rejected (not JSON, a user of the wrong type, too long) and a blank. */
    private Path eventsWithBadLines() throws IOException {
        Path events = FlinkTestSupport.simulated(dir, 200, 7, 5L);
        Files.writeString(events, "not json\n{\"id\":\"x1\",\"user\":7,\"type\":\"view\",\"ts\":1}\n\n"
                + "{\"id\":\"x2\",\"user\":\"u0001\",\"type\":\"view\",\"ts\":1,\"attrs\":{\"c\":\""
                + "y".repeat(70_000) + "\"}}\n", StandardOpenOption.APPEND);
        return events;
    }

    private KernelSpec pseudonymising() throws IOException {
        byte[] key = new byte[32];
        new Random(9).nextBytes(key);
        return KernelSpec.of(Files.readString(FlinkTestSupport.resource("ecommerce/schema.json", dir)))
                .withNow(4102444800000L).withPseudonymKey(key);
    }

    /** The keyed operator's subtask (of {@code parallelism}) whose key groups hold {@code key}. */
    private static int owner(String key, int parallelism) {
        return KeyGroupRangeAssignment.assignKeyToParallelOperator(key,
                KeyGroupRangeAssignment.computeDefaultMaxParallelism(parallelism), parallelism);
    }

    @Test
    void aReaderGivenAnotherSharesSplitFails() throws Exception {
        Path events = FlinkTestSupport.simulated(dir, 20, 2, 3L);
        KernelSpec spec = KernelSpec.of(Files.readString(FlinkTestSupport.resource("ecommerce/schema.json", dir)));
        FileSourceSplit share1 = new ArrayList<>(new UserShareFormat.Shares().enumerateSplits(
                new org.apache.flink.core.fs.Path[] {new org.apache.flink.core.fs.Path(events.toUri())}, 2)).get(1);
        UserShareFormat format = new UserShareFormat(spec, Set.of(), 128);
        assertThatThrownBy(() -> format.forSubtask(0, 2).createReader(new Configuration(), share1))
                .isInstanceOf(IOException.class).hasMessageContaining("cannot be rescaled");
        assertThatThrownBy(() -> format.forSubtask(1, 3).createReader(new Configuration(), share1))
                .isInstanceOf(IOException.class).hasMessageContaining("subtask 1 of 3");
        format.forSubtask(1, 2).createReader(new Configuration(), share1).close();
    }

    @Test
    void marksKeepTheirKeyAcrossTheWire() throws IOException {
        for (int share = 0; share < 3; share++) {
            String key = UserShareFormat.markKey(share, 128, 3);
            assertThat(key).isBlank().isNotEqualTo(FinalState.MODELS_KEY);
            assertThat(KeyGroupRangeAssignment.assignKeyToParallelOperator(key, 128, 3)).isEqualTo(share);
            Routed mark = Routed.mark(Routed.Kind.FORGOTTEN, key);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            RoutedSerializer.INSTANCE.serialize(mark, new DataOutputViewStreamWrapper(bytes));
            Routed back = RoutedSerializer.INSTANCE.deserialize(new DataInputDeserializer(bytes.toByteArray()));
            assertThat(back.kind()).isEqualTo(Routed.Kind.FORGOTTEN);
            assertThat(back.key()).isEqualTo(key);
        }
    }

    @Test
    void theUserScanAgreesWithTheParserOnTrickyLines() {
        List<String> lines = List.of(
                "{\"id\":\"e1\",\"user\":\"u1\",\"type\":\"view\",\"ts\":1}",
                "{\"ts\":1,\"type\":\"view\",\"id\":\"e1\",\"user\":\"u1\"}",
                " \t{ \"id\" : \"e1\" ,\r\"user\"\t:\n\"u 1\" , \"type\":\"view\",\"ts\":1 } ",
                "{\"id\":\"e\",\"attrs\":{\"user\":\"x\",\"n\":[1,{\"user\":\"y\"}]},\"user\":\"u2\",\"type\":\"v\",\"ts\":1}",
                "{\"id\":\"a\\\"user\\\":\\\"x\",\"user\":\"u3\",\"type\":\"v\",\"ts\":1}",
                "{\"id\":\"e\",\"user\":\"u\\u00e9\",\"type\":\"v\",\"ts\":1}",
                "{\"id\":\"e\",\"\\u0075ser\":\"u4\",\"type\":\"v\",\"ts\":1}",
                "{\"id\":\"e\",\"usr\":\"x\",\"users\":\"y\",\"user\":\"u5\",\"type\":\"v\",\"ts\":1}",
                "{\"id\":\"e\",\"user\":\"\u00fc\u4e2d\ud83d\ude00:,}{\",\"type\":\"v\",\"ts\":1}",
                "{\"id\":\"e\",\"attrs\":{\"a\":true,\"b\":-1.5e3,\"c\":null},\"user\":\"u6\",\"type\":\"v\",\"ts\":1}",
                "{\"id\":\"e\",\"user\":\"u1\",\"user\":\"u2\",\"type\":\"v\",\"ts\":1}",
                "{\"id\":\"e\",\"user\":7,\"type\":\"v\",\"ts\":1}",
                "{\"id\":\"e\",\"user\":null,\"type\":\"v\",\"ts\":1}",
                "{\"id\":\"e\",\"user\":{\"id\":\"u\"},\"type\":\"v\",\"ts\":1}",
                "{\"id\":\"e\",\"type\":\"v\",\"ts\":1}",
                "{}", "{ }", "[\"user\",\"u\"]", "\"user\"", "not json", "{\"user\"", "{\"user\":\"u", "{\"a\":",
                "{\"a\" \"user\":\"u\"}", "{\"a\":1 \"user\":\"u\"}", "{\"a\":[\"]\",\"user\"],\"user\":\"u7\"}",
                "{\"user\":\"u8\"} trailing", "{\"id\":\"e\",\"user\":\"\",\"type\":\"v\",\"ts\":1}");
        for (String line : lines) {
            assertAgrees(line);
        }
        // the plain lines take the scan, not the parser: same answers as the parser's
        assertThat(UserField.of(lines.get(2))).isEqualTo("u 1");
        assertThat(UserField.of(lines.get(3))).isEqualTo("u2");
        assertThat(UserField.of(lines.get(4))).isEqualTo("u3");
        assertThat(UserField.of(lines.get(8))).isEqualTo("\u00fc\u4e2d\ud83d\ude00:,}{");
    }

    @Test
    void theUserScanAgreesWithTheParserOnRandomLines() {
        Random random = new Random(24);
        String[] pieces = {"\"user\"", "\"id\"", "\"u1\"", "\"a\\\"b\"", "\"\\u0075ser\"", ":", ",", "{", "}", "[",
                "]", " ", "\t", "12", "-3.5", "true", "null", "\"attrs\"", "\"x y\"", "\\", "\"", "\"ts\"", "\"type\""};
        for (int i = 0; i < 20_000; i++) {
            StringBuilder line = new StringBuilder(random.nextBoolean() ? "{" : "");
            int n = random.nextInt(16);
            for (int j = 0; j < n; j++) {
                line.append(pieces[random.nextInt(pieces.length)]);
            }
            assertAgrees(line.toString());
            // and as a well-formed event with fields in a random order and random white space
            List<String> fields = new ArrayList<>(List.of("\"id\":\"e" + i + "\"", "\"user\":\"u" + i % 37 + "\"",
                    "\"type\":\"view\"", "\"ts\":" + (1000 + i), "\"attrs\":{\"user\":\"n\",\"k\":[" + i + ",\"]\"]}"));
            java.util.Collections.shuffle(fields, random);
            String ws = List.of("", " ", "\t", " \r\n ").get(random.nextInt(4));
            assertAgrees("{" + ws + String.join(ws + "," + ws, fields).replace(":", ws + ":" + ws) + ws + "}");
        }
    }

    /**
     * The scan's user is the parsed event's for an event, and the Jackson reader's for any JSON text (for text that
     * is not JSON, any answer will do: every reader gets the same, and the parse rejects the line).
     */
    private static void assertAgrees(String line) {
        String user = UserField.of(line);
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        long span = UserField.span(b, b.length);
        if (span >= 0) { // a plain string: its hash from the bytes is the String's when they are ASCII
            long hash = UserField.asciiHash(b, (int) (span >>> 32), (int) span);
            assertThat(hash).as("hash of the user of %s", line)
                    .isEqualTo(user.chars().allMatch(c -> c < 0x80) ? user.hashCode() : UserField.NOT_ASCII);
        }
        assertThat(user).as("the same user of %s every time", line).isEqualTo(UserField.of(line));
        if (isJson(line)) {
            assertThat(user).as("user of %s", line).isEqualTo(UserField.parsed(line));
        }
        try {
            assertThat(user).as("user of the event %s", line).isEqualTo(EventJson.parse(line).user());
        } catch (InvalidEventException e) {
            // not an event: any reader may reject it
        }
    }

    private static boolean isJson(String text) {
        try (com.fasterxml.jackson.core.JsonParser p = new com.fasterxml.jackson.core.JsonFactory().createParser(text)) {
            while (p.nextToken() != null) {
                p.skipChildren();
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
