package dev.profilekit.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.profilekit.core.engine.Event;
import dev.profilekit.core.spi.InvalidEventException;
import dev.profilekit.core.testkit.SpecAssertions;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Combinators;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * The byte-level reading of events ({@link JsonLinesReader}, {@link EventJson#parse(byte[], int, int)},
 * {@link PipelinedEventReader}) against the reference: {@link EventLines} lines parsed by
 * {@link EventJson#parse(String)}, as replay read them before. Same events, same reasons and messages, same line
 * numbers, offsets and texts.
 */
class EventReadersTest {

    /** One record as the reference or a reader gives it, comparable with equals. */
    record Outcome(long line, long offset, Event event, String reason, String message, String text) {
        static Outcome of(ParsedEvent p) {
            return new Outcome(p.line(), p.offset(), p.event(), p.error() == null ? null : p.error().reason().name(),
                    p.error() == null ? null : p.error().getMessage(), p.text());
        }
    }

    /** The reference: what ReplayCommand did line by line before the byte-level reader. */
    static List<Outcome> reference(byte[] input, int maxLineBytes) throws IOException {
        List<Outcome> out = new ArrayList<>();
        try (EventLines in = new EventLines(new ByteArrayInputStream(input), maxLineBytes)) {
            EventLines.Line line;
            while ((line = in.next()) != null) {
                InvalidEventException error = line.error();
                Event e = null;
                if (error == null) {
                    if (line.text().isBlank()) {
                        continue;
                    }
                    try {
                        e = EventJson.parse(line.text());
                    } catch (InvalidEventException x) {
                        error = x;
                    }
                }
                out.add(new Outcome(line.number(), in.offset(), e, error == null ? null : error.reason().name(),
                        error == null ? null : error.getMessage(),
                        error == null ? null : line.text() != null ? line.text() : line.raw()));
            }
        }
        return out;
    }

    static List<Outcome> read(EventReader reader) throws IOException {
        List<Outcome> out = new ArrayList<>();
        try (EventReader r = reader) {
            ParsedEvent p;
            while ((p = r.next()) != null) {
                out.add(Outcome.of(p));
            }
        }
        return out;
    }

    private static void assertSameAsReference(byte[] input, int maxLineBytes) throws IOException {
        List<Outcome> expected = reference(input, maxLineBytes);
        assertThat(read(new JsonLinesReader(new ByteArrayInputStream(input), maxLineBytes))).isEqualTo(expected);
        assertThat(read(new PipelinedEventReader(new JsonLinesReader(new ByteArrayInputStream(input), maxLineBytes),
                3, 2))).isEqualTo(expected);
    }

    /** Each line alone: parse(bytes) gives the event or the exception (reason, message) of parse(String). */
    private static void assertSameParse(String line) {
        byte[] utf8 = line.getBytes(StandardCharsets.UTF_8);
        byte[] padded = new byte[utf8.length + 7];
        System.arraycopy(utf8, 0, padded, 3, utf8.length);
        Object expected = outcome(() -> EventJson.parse(line));
        assertThat(outcome(() -> EventJson.parse(utf8, 0, utf8.length))).as(line).isEqualTo(expected);
        assertThat(outcome(() -> EventJson.parse(padded, 3, utf8.length))).as(line).isEqualTo(expected);
    }

    private static Object outcome(java.util.function.Supplier<Event> parse) {
        try {
            return parse.get();
        } catch (InvalidEventException e) {
            return e.reason() + ": " + e.getMessage();
        }
    }

    @Test
    void theFixtureReadsAsBeforeLineByLineAndAsAStream() throws IOException {
        String text = SpecAssertions.text("/profile-stream-small/events.jsonl");
        for (String line : text.split("\n", -1)) {
            assertSameParse(line);
        }
        byte[] bytes = (text + "\n").getBytes(StandardCharsets.UTF_8);
        List<Outcome> expected = reference(bytes, 1 << 20);
        assertThat(expected).hasSizeGreaterThan(3000);
        assertThat(expected.stream().filter(o -> o.reason() != null).count()).isEqualTo(16); // the fixture's rejects
        assertSameAsReference(bytes, 1 << 20);
    }

    @Test
    void hostileInputsReadAsBefore() throws IOException {
        String[] lines = {
                "{not json", "[]", "\"just a string\"", "{\"id\":\"a\",\"user\":\"u\",\"type\":\"t\",\"ts\":1}{}",
                "{\"id\":\"a\",\"id\":\"b\",\"user\":\"u\",\"type\":\"t\",\"ts\":1}",
                "{\"id\":\"a\",\"user\":\"u\",\"type\":\"t\",\"ts\":1,\"attrs\":{\"x\":NaN}}",
                "{\"id\":\"a\",\"user\":\"u\",\"type\":\"t\",\"ts\":1,\"attrs\":{\"x\":1e400}}",
                "{\"id\":\"a\",\"user\":\"u\",\"type\":\"t\",\"ts\":99999999999999999999}",
                "{\"id\":\"a\",\"user\":\"u\",\"type\":\"t\",\"ts\":\"2026-13-01T00:00:00Z\"}",
                "{\"id\":\"2\",\"user\":\"\\ud800\",\"type\":\"buy\",\"ts\":1}",
                "{\"id\":\"3\",\"user\":\"u\",\"type\":\"buy\",\"ts\":1,\"attrs\":{\"tag\":\"x\\udc00y\"}}",
                "{\"id\":\"\u00e9\",\"user\":\"\ud83d\ude00\",\"type\":\"buy\",\"ts\":1}",
                "{\"id\":\"a\",\"user\":\"" + "u".repeat(300) + "\",\"type\":\"t\",\"ts\":1}",
                "{\"id\":\"a\",\"user\":\"u\",\"type\":\"t\",\"ts\":1,\"attrs\":{\"x\":[1]}}",
                "{\"id\":\"a\",\"user\":\"u\",\"type\":\"t\",\"ts\":1,\"attrs\":{\"x\":true,\"y\":-0.0,\"z\":\"\"}}",
                "{\"id\":\"a\",\"user\":\"u\",\"type\":\"t\",\"ts\":1,", "{\"id\":\"a\" \"user\":1}", "{\"id\":'a'}",
                "  ", "\t", "{\"id\":\"a\",\"user\":\"u\",\"type\":\"t\",\"ts\":1}   ", "{\"a\":\"\u0001\"}",
                "{\"id\":\"a\",\"user\":\"u\",\"type\":\"t\",\"ts\":1,\"extra\":{\"deep\":[1,{\"x\":null}]}}"};
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}); // BOM
        for (String l : lines) {
            assertSameParse(l);
            b.write(l.getBytes(StandardCharsets.UTF_8));
            b.write('\n');
        }
        b.write(new byte[] {'{', '"', (byte) 0xFF, '"', '}', '\r', '\n'});                 // not UTF-8
        b.write(new byte[] {'{', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '\n'});  // encoded surrogate
        b.write(new byte[] {'{', '"', (byte) 0xC0, (byte) 0xAF, '"', '\n'});               // overlong
        b.write(("{\"id\":\"long\",\"user\":\"u\",\"type\":\"t\",\"ts\":1,\"attrs\":{\"p\":\"" + "x".repeat(300)
                + "\"}}\n").getBytes(StandardCharsets.UTF_8));                              // LINE_TOO_LONG at 200
        b.write("{\"id\":\"last\",\"user\":\"u\",\"type\":\"t\",\"ts\":1}".getBytes(StandardCharsets.UTF_8)); // no \n
        byte[] input = b.toByteArray();
        List<Outcome> expected = reference(input, 200);
        assertThat(expected).extracting(Outcome::reason).contains("NOT_UTF8", "LINE_TOO_LONG", "BAD_TEXT", "NOT_JSON");
        assertSameAsReference(input, 200);
    }

    @Test
    void parseChecksItsArguments() {
        assertThatThrownBy(() -> EventJson.parse(null, 0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("utf8");
        assertThatThrownBy(() -> EventJson.parse(new byte[4], 2, 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("offset 2 and length 3");
        assertThatThrownBy(() -> EventJson.parse(new byte[] {'{', (byte) 0xFF, '}'}, 0, 3))
                .isInstanceOfSatisfying(InvalidEventException.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidEventException.Reason.NOT_UTF8));
        assertThatThrownBy(() -> new PipelinedEventReader(null, 1, 1)).hasMessageContaining("source");
        assertThatThrownBy(() -> new PipelinedEventReader(new JsonLinesReader(new ByteArrayInputStream(new byte[0]), 10), 0, 1)).hasMessageContaining("batchSize");
    }

    @Test
    void aFailureOfTheSourceComesAfterTheRecordsBeforeIt() throws IOException {
        EventReader failing = new EventReader() {
            int n;

            @Override
            public ParsedEvent next() throws IOException {
                if (++n > 5) {
                    throw new IOException("disk gone");
                }
                return new ParsedEvent(n, n, Event.builder("e" + n, "u", "t", n).build(), null, null);
            }

            @Override
            public void close() {
            }
        };
        List<Long> lines = new ArrayList<>();
        try (PipelinedEventReader r = new PipelinedEventReader(failing, 2, 1)) {
            assertThatThrownBy(() -> {
                ParsedEvent p;
                while ((p = r.next()) != null) {
                    lines.add(p.line());
                }
            }).isInstanceOf(IOException.class).hasMessage("disk gone");
        }
        assertThat(lines).containsExactly(1L, 2L, 3L, 4L, 5L);
    }

    @Provide
    Arbitrary<String> jsonish() {
        // tokens that make valid events, near misses and garbage, so that most lines are one or two edits from valid
        Arbitrary<String> strings = Arbitraries.oneOf(Arbitraries.strings().withCharRange('a', 'f').ofMaxLength(4),
                Arbitraries.of("", " ", "\\ud800", "\\ud83d\\ude00", "\u00e9", "\ud83d\ude00", "\\\"", "\\n",
                        "2026-01-01T00:00:00Z", "2026-01-01T00:00:00.5+05:30", "1"));
        Arbitrary<String> values = Arbitraries.oneOf(strings.map(s -> "\"" + s + "\""),
                Arbitraries.of("1", "-0", "1.5", "1e400", "-1e-400", "12345678901234567890", "true", "null", "[]",
                        "{}", "NaN", "0x1", "01", "1767225600000", "{\"a\":1}", "[1,\"x\"]", "1E5", "-0.0", "2.5e-3",
                        "1.", ".5", "-", "1e", "123456789012345678", "1234567890123456789", "-1767225600000",
                        "1767225600000.0", "tru", "falsey"));
        Arbitrary<String> keys = Arbitraries.of("id", "user", "type", "ts", "attrs", "x", "amount", "id");
        Arbitrary<String> attrs = Combinators.combine(strings, values).as((k, v) -> "\"" + k + "\":" + v)
                .list().ofMaxSize(4).map(l -> "{" + String.join(",", l) + "}");
        Arbitrary<String> member = Combinators.combine(keys, Arbitraries.oneOf(values, attrs))
                .as((k, v) -> "\"" + k + "\":" + v);
        Arbitrary<String> base = Combinators.combine(strings, strings, strings, Arbitraries.longs().between(-5, 5))
                .as((i, u, t, ts) -> "{\"id\":\"" + i + "\",\"user\":\"" + u + "\",\"type\":\"" + t + "\",\"ts\":"
                        + (1_767_225_600_000L + ts));
        Arbitrary<String> object = Combinators.combine(base, member.list().ofMaxSize(3))
                .as((b, ms) -> b + (ms.isEmpty() ? "" : "," + String.join(",", ms)) + "}");
        Arbitrary<String> cut = object.flatMap(o -> Arbitraries.integers().between(0, o.length())
                .map(i -> o.substring(0, i)));
        Arbitrary<String> spaced = object.map(o -> o.replace(",", " ,\t").replace(":", ": ").replace("{", "{ "));
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(6, object), net.jqwik.api.Tuple.of(2, spaced),
                net.jqwik.api.Tuple.of(1, cut),
                net.jqwik.api.Tuple.of(1, values), net.jqwik.api.Tuple.of(1, Arbitraries.of("", "  ", "\r")));
    }

    @Provide
    Arbitrary<List<String>> jsonishLines() {
        return jsonish().list().ofMaxSize(30);
    }

    @Property(tries = 300)
    void randomEventsAndNearMissesParseAsBefore(@ForAll("jsonishLines") List<String> lines)
            throws IOException {
        StringBuilder b = new StringBuilder();
        for (String l : lines) {
            assertSameParse(l);
            b.append(l).append('\n');
        }
        assertSameAsReference(b.toString().getBytes(StandardCharsets.UTF_8), 120);
    }

    @Property(tries = 300)
    void randomBytesReadAsBefore(@ForAll @Size(max = 400) byte[] noise, @ForAll("jsonish") String line)
            throws IOException {
        // random bytes, with line ends and a valid-looking line mixed in so that lines are short and some parse
        byte[] l = (line + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] input = new byte[noise.length + l.length];
        for (int i = 0; i < noise.length; i++) {
            input[i] = noise[i] % 7 == 0 ? (byte) '\n' : noise[i];
        }
        System.arraycopy(l, 0, input, noise.length, l.length);
        assertSameAsReference(input, 64);
        InputStream in = new ByteArrayInputStream(input);
        assertThat(read(new PipelinedEventReader(new JsonLinesReader(in, 64), 1, 1)))
                .isEqualTo(reference(input, 64));
    }

    @Test
    void anEmptyCsvInputHoldsNoEventsButAHeaderlessOneIsAnError() throws IOException {
        CsvEventReader empty = new CsvEventReader(new ByteArrayInputStream(new byte[0]), 1 << 20);
        assertThat(empty.next()).isNull();
        assertThat(empty.next()).isNull();
        CsvEventReader blank = new CsvEventReader(new ByteArrayInputStream("\n\n".getBytes(StandardCharsets.UTF_8)),
                1 << 20);
        assertThatThrownBy(blank::next).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs a header line");
        assertThat(CsvEventReader.looksLikeHeader("id,user,type,ts,amount")).isTrue();
        assertThat(CsvEventReader.looksLikeHeader("\uFEFF id , user,type,ts")).isTrue();
        assertThat(CsvEventReader.looksLikeHeader("{\"id\":\"e1\",\"user\":\"u1\"}")).isFalse();
        assertThat(CsvEventReader.looksLikeHeader("id,user,ts")).isFalse();
    }

    @Test
    void noProfileWritesAnEmptyFileNotALoneLineEnd() throws IOException {
        java.io.StringWriter w = new java.io.StringWriter();
        ProfileJson.writeLines(List.of(), w);
        assertThat(w.toString()).isEmpty();
    }
}
