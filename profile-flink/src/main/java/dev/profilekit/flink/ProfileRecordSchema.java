package dev.profilekit.flink;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes a profile line (the profile file format, {@code {"user":...,"as_of":...,"features":{...}}}) as a Kafka
 * record of the output topic, keyed by its user: the producer's partitioner puts each user on one partition, and a
 * compacted topic keeps each user's latest profile. Audience change lines ({@code {"user":...,"audience":...}}) are
 * written the same way to the audience topic.
 */
public final class ProfileRecordSchema implements KafkaRecordSerializationSchema<String> {

    private static final long serialVersionUID = 1L;
    private static final JsonFactory JSON = new JsonFactory();

    private final String topic;

    /** @param topic the output topic */
    public ProfileRecordSchema(String topic) {
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException("topic must not be blank");
        }
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(String profile, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(topic, user(profile).getBytes(StandardCharsets.UTF_8),
                profile.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The user of a profile line: its leading {@code "user"} field, read without parsing the rest.
     *
     * @throws IllegalArgumentException if the line does not start with a {@code "user"} string field
     */
    static String user(String profile) {
        try (JsonParser p = JSON.createParser(profile)) {
            if (p.nextToken() == JsonToken.START_OBJECT && p.nextToken() == JsonToken.FIELD_NAME
                    && "user".equals(p.currentName()) && p.nextToken() == JsonToken.VALUE_STRING) {
                return p.getText();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the user of a profile line", e);
        }
        throw new IllegalArgumentException("not a profile line (it does not start with a \"user\" field): "
                + profile.substring(0, Math.min(80, profile.length())));
    }
}
