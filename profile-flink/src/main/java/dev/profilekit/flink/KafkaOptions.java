package dev.profilekit.flink;

import dev.profilekit.kafka.RecordFormat;
import java.util.Map;

/**
 * Where the Kafka job reads and writes: the input topic of events (keyed by user, so that one partition carries each
 * user's events in order), how its values hold events, and the output topic the profiles go to, keyed by user, with
 * exactly-once delivery.
 *
 * @param bootstrapServers      the brokers ({@code bootstrap.servers})
 * @param topic                 the input topic
 * @param group                 the consumer group (the source commits its offsets there on each checkpoint, for
 *                              monitoring only: a job's position is in its checkpoints)
 * @param csvHeader             the CSV header of the values, or null when each value is one JSON Lines event
 * @param outputTopic           the output topic: one profile line per accepted event, keyed by user
 * @param transactionalIdPrefix the prefix of the sink's Kafka transactional ids (unique per job writing to a cluster)
 * @param untilEnd              read up to the end offsets the topic has when the job starts, then finish
 * @param properties            extra Kafka client settings, for the consumer and the producer alike
 */
public record KafkaOptions(String bootstrapServers, String topic, String group, String csvHeader, String outputTopic,
                           String transactionalIdPrefix, boolean untilEnd, Map<String, String> properties) {

    /**
     * @throws IllegalArgumentException if a required value is null or blank, or the CSV header is malformed
     */
    public KafkaOptions {
        for (String[] v : new String[][] {{"bootstrapServers", bootstrapServers}, {"topic", topic},
                {"group", group}, {"outputTopic", outputTopic}, {"transactionalIdPrefix", transactionalIdPrefix}}) {
            if (v[1] == null || v[1].isBlank()) {
                throw new IllegalArgumentException(v[0] + " must not be blank");
            }
        }
        if (csvHeader != null) {
            RecordFormat.csv(csvHeader); // checks it now, not on a task manager
        }
        properties = Map.copyOf(properties == null ? Map.of() : properties);
    }
}
