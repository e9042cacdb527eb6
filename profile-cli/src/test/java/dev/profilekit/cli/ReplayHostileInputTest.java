package dev.profilekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.profilekit.core.testkit.SpecAssertions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** replay on the hostile inputs of issue 11: every case is rejected on its own and the output stays valid. */
class ReplayHostileInputTest {

    private static final String SCHEMA = "{\"allowed_lateness\":\"PT6H\",\"features\":["
            + "{\"name\":\"n\",\"kind\":\"count\"},{\"name\":\"spend\",\"kind\":\"sum\",\"field\":\"amount\"},"
            + "{\"name\":\"last\",\"kind\":\"last_value\",\"field\":\"tag\"}]}";

    @TempDir
    Path tmp;

    private static String event(String id, String user, long ts, String attrs) {
        return "{\"id\":\"" + id + "\",\"user\":\"" + user + "\",\"type\":\"buy\",\"ts\":" + ts + ",\"attrs\":{" + attrs
                + "}}\n";
    }

    @Test
    void eachHostileLineIsRejectedAloneAndEveryOutputIsValidUtf8Json() throws IOException {
        long t = 1_767_225_600_000L;
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});                              // BOM
        b.write(event("1", "u", t, "\"amount\":1.5").getBytes(StandardCharsets.UTF_8));           // line 1: kept
        b.write(event("2", "\\ud800", t, "").getBytes(StandardCharsets.UTF_8));                   // line 2: lone surrogate
        b.write(event("3", "u", t + 1, "\"tag\":\"x\\udc00y\"").getBytes(StandardCharsets.UTF_8)); // line 3: in a value
        b.write(new byte[] {'{', '"', (byte) 0xFF, '"', '}', '\n'});                               // line 4: not UTF-8
        b.write(event("5", "big", t, "\"amount\":1e308").getBytes(StandardCharsets.UTF_8));       // line 5: kept
        b.write(event("6", "big", t + 1, "\"amount\":1e308").getBytes(StandardCharsets.UTF_8));   // line 6: overflow
        b.write(event("7", "u", 4_102_444_800_000L, "").getBytes(StandardCharsets.UTF_8));        // line 7: year 2100
        b.write(event("8", "u", t + 2, "\"tag\":\"ok\"").getBytes(StandardCharsets.UTF_8));       // line 8: kept
        Path events = tmp.resolve("events.jsonl");
        Files.write(events, b.toByteArray());
        Path schema = tmp.resolve("schema.json");
        Files.writeString(schema, SCHEMA);
        Path out = tmp.resolve("profiles.jsonl");
        Path rejects = tmp.resolve("rejects.jsonl");

        ReplayCommandTest.Run r = ReplayCommandTest.run("replay", "--schema", schema.toString(), "--events",
                events.toString(), "--out", out.toString(), "--rejects", rejects.toString(),
                "--now", "2026-06-01T00:00:00Z");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode summary = SpecAssertions.MAPPER.readTree(r.lastLine());
        assertThat(summary.get("accepted").asInt()).isEqualTo(3);
        assertThat(summary.get("rejected").asInt()).isEqualTo(5);

        List<JsonNode> rej = new ArrayList<>();
        for (String l : strictUtf8Lines(rejects)) {
            rej.add(SpecAssertions.MAPPER.readTree(l));
        }
        assertThat(rej).extracting(j -> j.get("line").asInt() + ":" + j.get("reason").asText())
                .containsExactly("2:BAD_TEXT", "3:BAD_TEXT", "4:NOT_UTF8", "6:OVERFLOW", "7:TOO_FAR_AHEAD");

        List<String> profiles = strictUtf8Lines(out);
        assertThat(profiles).hasSize(2);
        for (String p : profiles) {
            assertThat(p).doesNotContain("Infinity").doesNotContain("NaN");
        }
        JsonNode u = SpecAssertions.MAPPER.readTree(profiles.get(1));
        assertThat(u.get("user").asText()).isEqualTo("u");
        assertThat(u.get("features").get("n").asInt()).isEqualTo(2); // the BOM did not cost the first event
        assertThat(u.get("features").get("last").asText()).isEqualTo("ok");
        assertThat(SpecAssertions.MAPPER.readTree(profiles.get(0)).get("features").get("spend").asDouble())
                .isEqualTo(1e308);
    }

    /** The non-blank lines of a file that must decode as strict UTF-8 (an invalid byte fails the test). */
    private static List<String> strictUtf8Lines(Path p) throws IOException {
        String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(Files.readAllBytes(p))).toString();
        return text.lines().filter(l -> !l.isBlank()).toList();
    }
}
