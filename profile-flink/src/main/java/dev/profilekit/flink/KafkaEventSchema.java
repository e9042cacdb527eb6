package dev.profilekit.flink;

import dev.profilekit.core.engine.ProfileKernel;
import dev.profilekit.core.io.ParsedEvent;
import dev.profilekit.kafka.RecordFormat;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads a Kafka record's value as {@code profilekit consume} does ({@link RecordFormat}: one JSON Lines event, or one
 * CSV row under a given header) and routes each event as a replay routes a line ({@link Routed#ofEvent}): rejected
 * values are counted, events of forgotten users dropped, the rest admitted (pseudonymised, filtered).
 */
public final class KafkaEventSchema implements KafkaRecordDeserializationSchema<Routed> {

    private static final long serialVersionUID = 1L;

    private final KernelSpec spec;
    private final Set<String> forgotten;
    private final String csvHeader;
    private transient RecordFormat format;
    private transient ProfileKernel kernel;

    /**
     * @param spec      the kernel's configuration (limits, privacy, clock)
     * @param forgotten raw user ids whose events are dropped (empty for none)
     * @param csvHeader the CSV header of the values, or null for JSON Lines values
     * @throws IllegalArgumentException if spec or forgotten is null, or the header is malformed
     */
    public KafkaEventSchema(KernelSpec spec, Set<String> forgotten, String csvHeader) {
        if (spec == null || forgotten == null) {
            throw new IllegalArgumentException("spec and forgotten must not be null");
        }
        this.spec = spec;
        this.forgotten = Set.copyOf(forgotten);
        this.csvHeader = csvHeader;
        format(); // a malformed header fails here, when the job is built
    }

    private RecordFormat format() {
        if (format == null) {
            format = csvHeader == null ? RecordFormat.jsonLines() : RecordFormat.csv(csvHeader);
        }
        return format;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Routed> out) {
        for (ParsedEvent p : format().parse(record.value(), spec.limits().maxLineBytes())) {
            out.collect(p.error() != null ? Routed.rejected() : Routed.ofEvent(kernel(), p.event(), forgotten));
        }
    }

    private ProfileKernel kernel() {
        if (kernel == null) {
            kernel = spec.kernel();
        }
        return kernel;
    }

    @Override
    public TypeInformation<Routed> getProducedType() {
        return RoutedSerializer.TYPE;
    }
}
