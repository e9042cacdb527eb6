package dev.profilekit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link CliIo}: {@code -}, {@code .gz} and the writability check, on their own. */
class CliIoTest {

    @TempDir
    Path tmp;

    @Test
    void gzipRoundTripsByNameAndCountsTheCompressedBytesRead() throws IOException {
        Path gz = tmp.resolve("x.JSONL.GZ");
        byte[] data = "hello\nworld\n".repeat(1000).getBytes(StandardCharsets.UTF_8);
        try (CliIo.Output out = CliIo.create("--out", gz.toString())) {
            out.stream().write(data);
            out.commit();
        }
        try (InputStream raw = new GZIPInputStream(Files.newInputStream(gz))) {
            assertThat(raw.readAllBytes()).isEqualTo(data); // compressed, readable by anything
        }
        AtomicLong count = new AtomicLong();
        try (InputStream in = CliIo.openInput("--events", gz.toString(), count)) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
        assertThat(count.get()).isEqualTo(Files.size(gz)).isLessThan(data.length);
        Path plain = tmp.resolve("x.txt");
        try (CliIo.Output out = CliIo.create("--out", plain.toString())) {
            out.stream().write(data);
            out.commit();
        }
        assertThat(Files.readAllBytes(plain)).isEqualTo(data);
    }

    @Test
    void dashIsStandardInputAndOutputAndStaysOpen() throws IOException {
        InputStream oldIn = System.in;
        PrintStream oldOut = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            System.setIn(new ByteArrayInputStream("abc".getBytes(StandardCharsets.UTF_8)));
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            try (InputStream in = CliIo.openInput("-")) {
                assertThat(in.readAllBytes()).containsExactly('a', 'b', 'c');
            }
            try (CliIo.Output out = CliIo.create("--out", "-")) {
                out.stream().write("xyz".getBytes(StandardCharsets.UTF_8));
                out.commit();
            }
            System.out.print("!"); // still open
        } finally {
            System.setIn(oldIn);
            System.setOut(oldOut);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8)).isEqualTo("xyz!");
        assertThat(CliIo.size("-")).isEqualTo(-1);
    }

    @Test
    void problemsAreUsageErrorsNamingTheOptionAndThePath() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("d"));
        Path missingDir = tmp.resolve("no").resolve("x.jsonl");
        Path notGzip = tmp.resolve("plain.gz");
        Files.writeString(notGzip, "not gzip");
        assertThatThrownBy(() -> CliIo.checkWritable("--out", dir.toString()))
                .isInstanceOf(CliSupport.UsageException.class).hasMessageContaining("--out")
                .hasMessageContaining(dir.toString()).hasMessageContaining("directory");
        assertThatThrownBy(() -> CliIo.checkWritable("--rejects", missingDir.toString()))
                .isInstanceOf(CliSupport.UsageException.class).hasMessageContaining("--rejects")
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> CliIo.checkWritable("--out", null)).hasMessageContaining("--out");
        assertThatThrownBy(() -> CliIo.openInput("--events", tmp.resolve("nope").toString(), null))
                .isInstanceOf(CliSupport.UsageException.class).hasMessageContaining("--events file not found");
        assertThatThrownBy(() -> CliIo.openInput("--events", notGzip.toString(), null))
                .isInstanceOf(CliSupport.UsageException.class).hasMessageContaining("not gzip");
        assertThatThrownBy(() -> CliIo.create("--out", missingDir.toString()))
                .isInstanceOf(CliSupport.UsageException.class);
        assertThat(missingDir.getParent()).doesNotExist();
        CliIo.checkWritable("--out", "-");
        CliIo.checkWritable("--out", tmp.resolve("new.jsonl").toString());
        assertThat(tmp.resolve("new.jsonl")).doesNotExist(); // checking creates nothing
    }

    @Test
    void anOutputAppearsWholeOnCommitAndNotAtAllWithout() throws IOException {
        Path target = Files.writeString(tmp.resolve("p.jsonl"), "old\n");
        try (CliIo.Output o = CliIo.create("--out", target.toString())) {
            o.writer().write("half of a new fi");
            o.writer().flush();
            assertThat(Files.readString(target)).isEqualTo("old\n"); // nothing in place before the commit
            // closed without a commit (a failed run): discarded
        }
        assertThat(Files.readString(target)).isEqualTo("old\n");
        try (java.util.stream.Stream<Path> files = Files.list(tmp)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("p.jsonl");
        }
    }

    @Test
    void twoWritersOfOneOutputNeverLeaveAMix() throws IOException {
        Path target = tmp.resolve("p.jsonl.gz");
        String longer = "a-long-line-of-the-first-writer\n".repeat(5000);
        String shorter = "b\n".repeat(100);
        // interleaved as two runs started together would: both open, the longer writes, the shorter writes and
        // ends first, the longer ends last; then the other way round
        for (boolean longerLast : new boolean[] {true, false}) {
            try (CliIo.Output a = CliIo.create("--out", target.toString());
                 CliIo.Output b = CliIo.create("--out", target.toString())) {
                a.writer().write(longer);
                b.writer().write(shorter);
                if (longerLast) {
                    b.commit();
                    a.commit();
                } else {
                    a.commit();
                    b.commit();
                }
            }
            try (InputStream in = new GZIPInputStream(Files.newInputStream(target))) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                        .isEqualTo(longerLast ? longer : shorter);
            }
        }
    }
}
