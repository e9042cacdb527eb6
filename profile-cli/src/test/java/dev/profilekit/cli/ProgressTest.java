package dev.profilekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@link Progress} after a resume: lines and share done include the part before it, the rate and ETA do not. */
class ProgressTest {

    @Test
    void aResumedRunEstimatesTheTimeLeftFromItsOwnRate() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        AtomicLong read = new AtomicLong(500_000); // resumed half way through a 1,000,000-byte input
        AtomicLong nanos = new AtomicLong(0);
        Progress p = new Progress("replay", err, false, false, 1000, 1_000_000, read::get, 5000, 500_000, nanos::get);
        // 10 s later this run has read 250,000 bytes (1,000 lines): 250,000 bytes are left, so 10 s more
        nanos.set(10_000_000_000L);
        read.set(750_000);
        p.update(6000);
        assertThat(bytes.toString(StandardCharsets.UTF_8).strip())
                .isEqualTo(String.format("replay: %,d lines, %,.0f events/s, 75%%, ETA 0:10", 6000, 100.0));
    }
}
