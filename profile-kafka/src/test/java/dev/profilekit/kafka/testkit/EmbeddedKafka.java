package dev.profilekit.kafka.testkit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real Kafka broker in this process: one node in KRaft combined mode (broker and controller), from Kafka's own
 * test kit ({@link KafkaClusterTestKit}), listening on localhost, its logs in a directory the caller gives (a
 * test's temporary directory). No Docker, no outside service.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private final KafkaClusterTestKit cluster;

    private EmbeddedKafka(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    /** Formats and starts a one-node KRaft cluster with its data under {@code dir}, and waits until it serves. */
    public static EmbeddedKafka start(Path dir) throws Exception {
        TestKitNodes nodes = new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1)
                .setNumControllerNodes(1).setBaseDirectory(dir).build();
        KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(nodes)
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("auto.create.topics.enable", "false")
                .build();
        try {
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
        return new EmbeddedKafka(cluster);
    }

    /** The broker's address, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** Creates a topic with {@code partitions} partitions (compacted if asked). */
    public void createTopic(String name, int partitions, boolean compacted) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            NewTopic t = new NewTopic(name, partitions, (short) 1);
            if (compacted) {
                t.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            }
            admin.createTopics(List.of(t)).all().get();
        }
    }

    /** Sends {@code values} to {@code topic} keyed by {@code keys} (same order), and waits until all are written. */
    public void produce(String topic, List<String> keys, List<String> values) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "10");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
        // a loaded test machine answers slowly: wait rather than expire batches (an expired batch breaks the
        // idempotent producer's sequence and the records after it fail)
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "120000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "600000");
        // one request at a time per connection: under heavy load a first batch was once retried after later ones
        // were written (OutOfOrderSequenceException, then every batch of the partition retried until it expired)
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        List<java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata>> sent =
                new java.util.ArrayList<>(values.size());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < values.size(); i++) {
                sent.add(producer.send(new ProducerRecord<>(topic, keys.get(i), values.get(i))));
            }
            producer.flush();
        }
        for (int i = 0; i < sent.size(); i++) {
            try {
                sent.get(i).get(); // a send that failed fails the test here, not as a missing record later
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("record " + i + " of " + sent.size() + " to topic " + topic
                        + " was not written: " + e.getCause(), e.getCause());
            }
        }
    }

    /** Every record of {@code topic} from the beginning to its current end, as (key, value), partition by partition. */
    public List<Map.Entry<String, String>> readAll(String topic) {
        return readAll(topic, true);
    }

    /**
     * Every record of {@code topic} from the beginning to its current end, as (key, value), partition by partition:
     * with {@code committedOnly} as a {@code read_committed} reader sees them, else also the records of aborted and
     * open transactions.
     */
    public List<Map.Entry<String, String>> readAll(String topic, boolean committedOnly) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        read(topic, committedOnly, r -> out.add(Map.entry(r.key() == null ? "" : r.key(),
                r.value() == null ? "" : r.value())));
        return out;
    }

    /**
     * The values of {@code topic} from the beginning to its current end, by partition, each list in offset order
     * (for a topic written without transactions, the value at index {@code i} has offset {@code i}).
     */
    public Map<Integer, List<String>> valuesByPartition(String topic) {
        Map<Integer, List<String>> out = new HashMap<>();
        read(topic, true, r -> {
            List<String> values = out.computeIfAbsent(r.partition(), p -> new ArrayList<>());
            if (r.offset() != values.size()) {
                throw new IllegalStateException("partition " + r.partition() + " has a gap before offset "
                        + r.offset() + " (read " + values.size() + " values)");
            }
            values.add(r.value());
        });
        return out;
    }

    /** Calls {@code action} with every record of {@code topic} up to its current end, partition by partition. */
    private void read(String topic, boolean committedOnly,
                      java.util.function.Consumer<ConsumerRecord<String, String>> action) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, committedOnly ? "read_committed" : "read_uncommitted");
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> tps = c.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> end = c.endOffsets(tps);
            while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, String> r : c.poll(java.time.Duration.ofMillis(200))) {
                    action.accept(r);
                }
            }
        }
    }

    /** The last value per key of {@code topic}: what a compacted topic keeps. */
    public Map<String, String> lastValues(String topic) {
        Map<String, String> out = new HashMap<>();
        for (Map.Entry<String, String> e : readAll(topic)) {
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    /** The offsets committed by {@code group}, per partition. */
    public Map<Integer, Long> committed(String group, String topic, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            Map<Integer, Long> out = new HashMap<>();
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().forEach((tp, o) -> {
                if (tp.topic().equals(topic) && o != null) {
                    out.put(tp.partition(), o.offset());
                }
            });
            return out;
        }
    }

    /** The end offset of each partition of {@code topic}. */
    public Map<Integer, Long> endOffsets(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(),
                new StringDeserializer())) {
            Map<Integer, Long> out = new HashMap<>();
            List<TopicPartition> tps = c.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            c.endOffsets(tps).forEach((tp, o) -> out.put(tp.partition(), o));
            return out;
        }
    }

    /** Stops the broker and deletes its data. */
    @Override
    public void close() throws Exception {
        cluster.close();
    }

}
