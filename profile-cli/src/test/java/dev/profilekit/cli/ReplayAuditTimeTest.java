package dev.profilekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.profilekit.core.testkit.SpecAssertions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code replay --now T --forget --audit-log}: each entry is dated when the erasure was done, not at T. */
class ReplayAuditTimeTest {

    @TempDir
    Path tmp;

    @Test
    void theAuditLogCarriesTheTimeOfTheErasureNotTheNowOfTheReplay() throws IOException {
        String user = SpecAssertions.jsonLines("/profile-stream-small/expected-profiles.jsonl").get(0).get("user")
                .asText();
        Path forget = tmp.resolve("forget.txt");
        Files.writeString(forget, user + "\n");
        Path audit = tmp.resolve("audit.jsonl");
        Instant before = Instant.now();
        ReplayCommandTest.Run r = ReplayCommandTest.run("replay", "--schema",
                ReplayCommandTest.copyFixture(tmp, "schema.json").toString(), "--events",
                ReplayCommandTest.copyFixture(tmp, "events.jsonl").toString(), "--out", tmp.resolve("p.jsonl").toString(),
                "--now", "2030-01-01T00:00:00Z", "--forget", forget.toString(), "--audit-log", audit.toString());
        Instant after = Instant.now();
        assertThat(r.exit()).as(r.err()).isZero();
        List<JsonNode> entries = ReplayCommandTest.readLines(audit);
        assertThat(entries).hasSize(1);
        assertThat(Instant.parse(entries.get(0).get("time").asText())).isBetween(before, after);
    }
}
