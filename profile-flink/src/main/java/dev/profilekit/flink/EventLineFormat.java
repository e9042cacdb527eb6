package dev.profilekit.flink;

import dev.profilekit.core.io.EventLines;
import java.io.IOException;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;

/**
 * A {@link org.apache.flink.connector.file.src.FileSource} format for JSON Lines event logs that reads them exactly
 * as {@code profilekit replay} does: lines through core's {@link EventLines} (byte-order mark, {@code \r\n},
 * too-long and non-UTF-8 lines rejected), each line through {@link Routed#ofLine} (parse, forget list, admission).
 * Files are not split, so one reader sees the lines in file order and each user's events keep their order.
 * A restored reader reads the file again from its start and skips the records it had emitted (Flink's
 * record-count position), which is deterministic.
 */
public final class EventLineFormat extends SimpleStreamFormat<Routed> {

    private static final long serialVersionUID = 1L;

    private final KernelSpec spec;
    private final Set<String> forgotten;

    /**
     * @param spec      the kernel's configuration (limits, privacy, clock)
     * @param forgotten raw user ids whose events are dropped before the engine (empty for none)
     */
    public EventLineFormat(KernelSpec spec, Set<String> forgotten) {
        if (spec == null || forgotten == null) {
            throw new IllegalArgumentException("spec and forgotten must not be null");
        }
        this.spec = spec;
        this.forgotten = Set.copyOf(forgotten);
    }

    @Override
    public StreamFormat.Reader<Routed> createReader(Configuration config, FSDataInputStream stream) {
        EventLines lines = new EventLines(stream, spec.limits().maxLineBytes());
        return new StreamFormat.Reader<>() {
            @Override
            public Routed read() throws IOException {
                EventLines.Line line;
                while ((line = lines.next()) != null) {
                    if (line.error() != null) {
                        return Routed.rejected();
                    }
                    Routed r = Routed.ofLine(spec.kernel(), line.text(), forgotten);
                    if (r != null) {
                        return r;
                    }
                }
                return null;
            }

            @Override
            public void close() throws IOException {
                lines.close();
            }
        };
    }

    @Override
    public TypeInformation<Routed> getProducedType() {
        return RoutedSerializer.TYPE;
    }
}
