/**
 * ProfileKit fed by Kafka: {@link dev.profilekit.kafka.KafkaProfileRunner} reads a topic of events into the
 * embedded engine, with snapshots that hold the consumer's offsets.
 *
 * <p>{@code kafka-clients} is an automatic module ({@code kafka.clients}); its types appear in this module's API
 * ({@code TopicPartition} in the runner's records), so it is required transitively.
 */
@SuppressWarnings("requires-transitive-automatic")
module dev.profilekit.kafka {
    requires transitive dev.profilekit.core;
    requires transitive kafka.clients;

    exports dev.profilekit.kafka;
}
