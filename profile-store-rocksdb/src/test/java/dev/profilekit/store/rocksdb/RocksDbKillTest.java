package dev.profilekit.store.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real child processes on a real store: a child killed with SIGKILL at random points loses no acknowledged
 * batch and leaves no batch half applied; a directory held open by another process is refused with a clear
 * error. The seed of the kill points is printed; {@code -Dprofilekit.killSeed=S} replays it.
 */
class RocksDbKillTest {

    private static final String EOF = "<eof>";
    private static final int ROUNDS = 6;

    @TempDir
    Path tmp;

    @Test
    void aChildKilledAtRandomPointsLosesNoAcknowledgedBatchAndAppliesNoBatchPartially() throws Exception {
        long seed = Long.getLong("profilekit.killSeed", System.nanoTime());
        System.out.println("RocksDbKillTest seed " + seed + " (-Dprofilekit.killSeed=" + seed + " to replay)");
        Random random = new Random(seed);
        Path dir = tmp.resolve("store");
        Set<String> killPoints = new HashSet<>();
        int expectedStart = 0;
        for (int round = 0; round < ROUNDS; round++) {
            boolean syncEveryWrite = round % 3 == 2;
            int killAfter = round == 0 ? -1 : random.nextInt(120); // acks to wait for; -1: right after "ready"
            long extraNanos = random.nextInt(3_000_000);           // then let the child run on for up to 3 ms
            String where = "round " + round + " (seed " + seed + ", kill after ack #" + killAfter + " + "
                    + extraNanos + " ns, syncEveryWrite " + syncEveryWrite + ")";

            Process p = child(List.of("write", dir.toString(), Boolean.toString(syncEveryWrite), "100000"), round);
            BlockingQueue<String> lines = readLines(p);
            String ready = next(lines, p, where);
            assertThat(ready).as(where).isEqualTo("ready " + expectedStart);
            int acksSeen = 0;
            while (acksSeen <= killAfter) {
                String line = next(lines, p, where);
                assertThat(line).as(where).isEqualTo("ack " + (expectedStart + acksSeen));
                acksSeen++;
            }
            LockSupport.parkNanos(extraNanos);
            assertThat(p.isAlive()).as("child still running before the kill, " + where).isTrue();
            // SIGKILL through the process handle: Process.destroyForcibly() would also close our end of the
            // child's stdout, losing acknowledgements still in the pipe
            assertThat(p.toHandle().destroyForcibly()).as("SIGKILL sent, " + where).isTrue();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("killed child ended, " + where).isTrue();
            assertThat(p.exitValue()).as("exit status of a SIGKILLed child, " + where).isEqualTo(137);

            // every line the child printed before it died was an acknowledgement too
            int lastAck = expectedStart + acksSeen - 1;
            for (String line = next(lines, p, where); !line.equals(EOF); line = next(lines, p, where)) {
                assertThat(line).as(where).isEqualTo("ack " + (lastAck + 1));
                lastAck++;
            }
            killPoints.add((lastAck - expectedStart) + "/" + extraNanos);

            try (RocksDbProfileStore store = RocksDbProfileStore.open(dir)) {
                int n = KillBatches.next(store);
                // all acknowledged batches, plus at most the one written but not yet acknowledged
                assertThat(n).as("batches in the store after the kill, last ack " + lastAck + ", " + where)
                        .isBetween(lastAck + 1, lastAck + 2);
                Map<String, byte[]> actual = new TreeMap<>();
                store.scan(actual::put);
                Map<String, byte[]> expected = KillBatches.model(n);
                assertThat(actual.keySet()).as("keys after batches 0..%d, %s", n - 1, where)
                        .containsExactlyElementsOf(expected.keySet());
                for (Map.Entry<String, byte[]> e : expected.entrySet()) {
                    assertThat(actual.get(e.getKey())).as("value of %s, %s", e.getKey(), where)
                            .isEqualTo(e.getValue());
                }
                System.out.println("RocksDbKillTest " + where + ": last ack " + lastAck + ", batches after reopen " + n);
                expectedStart = n;
            }
        }
        assertThat(expectedStart).as("batches written over all rounds").isGreaterThan(ROUNDS);
        assertThat(killPoints).as("distinct kill points").hasSize(ROUNDS);
    }

    @Test
    void aDirectoryHeldOpenByAnotherProcessIsRefusedWithAClearError() throws Exception {
        Path dir = tmp.resolve("held");
        Process p = child(List.of("hold", dir.toString()), 0);
        BlockingQueue<String> lines = readLines(p);
        try {
            assertThat(next(lines, p, "hold")).isEqualTo("open");
            assertThatThrownBy(() -> RocksDbProfileStore.open(dir))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining(dir.toAbsolutePath().toString())
                    .hasMessageContaining("locked by another open store");
        } finally {
            p.getOutputStream().close(); // the child closes its store and exits
        }
        assertThat(next(lines, p, "hold")).isEqualTo("closed");
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        try (RocksDbProfileStore store = RocksDbProfileStore.open(dir)) {
            assertThat(store.get("held")).isEqualTo("yes".getBytes(StandardCharsets.UTF_8));
        }
    }

    private Process child(List<String> args, int round) throws IOException {
        // RocksDB extracts its native library into java.io.tmpdir; a killed JVM cannot delete it, so keep it here
        Path jtmp = Files.createDirectories(tmp.resolve("jtmp"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx64m", "-XX:TieredStopAtLevel=1",
                "-Djava.io.tmpdir=" + jtmp, "-cp", System.getProperty("java.class.path"),
                StoreChild.class.getName()));
        cmd.addAll(args);
        return new ProcessBuilder(cmd)
                .redirectError(tmp.resolve("child-" + args.get(0) + "-" + round + ".err").toFile())
                .start();
    }

    private static BlockingQueue<String> readLines(Process p) {
        BlockingQueue<String> q = new LinkedBlockingQueue<>();
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    q.add(line);
                }
            } catch (IOException e) {
                q.add("<read failed: " + e + ">");
            }
            q.add(EOF);
        }, "child-stdout");
        t.setDaemon(true);
        t.start();
        return q;
    }

    /** The next line of the child (or {@link #EOF}); a child that hangs for a minute fails the test. */
    private String next(BlockingQueue<String> lines, Process p, String where) throws Exception {
        String line = lines.poll(60, TimeUnit.SECONDS);
        if (line == null) {
            p.destroyForcibly();
            fail("child printed nothing for 60 s, " + where + "; stderr: " + stderr());
        }
        if (line.equals(EOF) && p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() != 137 && p.exitValue() != 0) {
            fail("child failed with exit " + p.exitValue() + ", " + where + "; stderr: " + stderr());
        }
        return line;
    }

    private String stderr() throws IOException {
        StringBuilder sb = new StringBuilder();
        try (var files = Files.list(tmp)) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".err")).sorted().toList()) {
                sb.append("\n--- ").append(f.getFileName()).append('\n').append(Files.readString(f));
            }
        }
        return sb.toString();
    }
}
