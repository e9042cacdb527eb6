package dev.profilekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** When {@code java -jar profilekit.jar} runs a bulk command in a second JVM, and with which settings. */
class RelaunchTest {

    private static final long GIB = 1L << 30;
    private static final String JAR = "profile-cli/target/profilekit.jar replay --schema s.json";

    @Test
    void bulkCommandsWithoutJvmOptionsGetTheParallelCollectorAndTheSameMaximumHeap() {
        List<String> opts = Relaunch.options(new String[] {"replay", "--schema", "s.json"}, List.of(), JAR, null,
                6 * GIB);
        assertThat(opts).containsExactly("-XX:+UseParallelGC", "-Xmx6144m", "-Xms1024m", "-Xmn512m",
                "-Dprofilekit.relaunched=true");
        // a smaller default heap: young generation a quarter of it, initial heap half of it
        assertThat(Relaunch.options(new String[] {"demo"}, List.of(), "profilekit.jar demo", null, 3 * GIB / 2))
                .containsExactly("-XX:+UseParallelGC", "-Xmx1536m", "-Xms768m", "-Xmn384m",
                        "-Dprofilekit.relaunched=true");
        assertThat(Relaunch.options(new String[] {"dataset"}, List.of(), "x.jar dataset", "1", 2 * GIB)).isNotEmpty();
    }

    @Test
    void neverWhenTheUserChoseOrTheCommandIsSmallOrTheHeapTooSmall() {
        String[] replay = {"replay"};
        assertThat(Relaunch.options(replay, List.of("-Xmx512m"), JAR, null, 6 * GIB)).isEmpty();
        assertThat(Relaunch.options(replay, List.of(), "dev.profilekit.cli.ProfileKitCli replay", null, 6 * GIB))
                .as("started with -cp, as the tests start it").isEmpty();
        assertThat(Relaunch.options(replay, List.of(), JAR, "0", 6 * GIB)).as("PROFILEKIT_RELAUNCH=0").isEmpty();
        assertThat(Relaunch.options(replay, List.of(), JAR, null, 512L << 20)).isEmpty();
        assertThat(Relaunch.options(new String[] {"query"}, List.of(), JAR, null, 6 * GIB)).isEmpty();
        assertThat(Relaunch.options(new String[0], List.of(), JAR, null, 6 * GIB)).isEmpty();
        assertThat(Relaunch.options(replay, List.of(), null, null, 6 * GIB)).isEmpty();
    }
}
