package dev.profilekit.kafka.example;

import dev.profilekit.core.engine.Profile;
import dev.profilekit.core.engine.ProfileUpdater;
import dev.profilekit.core.schema.ProfileSchema;
import dev.profilekit.kafka.KafkaProfileRunner;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The README's Kafka example, compiled and run by {@code KafkaReadmeExampleTest} against a real broker: the README
 * quotes the lines between the {@code README} markers.
 */
public final class KafkaReadmeExample {

    private final KafkaProfileRunner runner;
    private final Thread consumer;

    private KafkaReadmeExample(KafkaProfileRunner runner, Thread consumer) {
        this.runner = runner;
        this.consumer = consumer;
    }

    /** Starts reading {@code events} on its own thread, from the newest snapshot in {@code state}. */
    public static KafkaReadmeExample start(String bootstrapServers, Path schema, Path state) {
        // README:start
        ProfileUpdater.Builder engine = ProfileUpdater.builder(ProfileSchema.fromJson(schema));
        KafkaProfileRunner runner = KafkaProfileRunner.builder(engine)
                .bootstrapServers(bootstrapServers)
                .topic("events")                   // keyed by user: one partition holds a user's events, in order
                .snapshotDirectory(state)          // restored on start; each snapshot holds its offsets
                .snapshotEvery(100_000)            // records, or
                .snapshotInterval(Duration.ofSeconds(30))
                .groupId("profilekit")             // offsets committed after each snapshot, for lag monitoring
                .outputTopic("profiles")           // each changed profile, keyed by user (a compacted topic)
                .build();
        Thread consumer = new Thread(runner::run, "profilekit-kafka");
        consumer.start();
        // README:end
        return new KafkaReadmeExample(runner, consumer);
    }

    /** What the service answers while the topic is read. */
    public Profile profile(String user) {
        // README:read
        Profile p = runner.updater().profileNow(user);
        // README:read-end
        return p;
    }

    /** The runner, for the test's checks. */
    public KafkaProfileRunner runner() {
        return runner;
    }

    /** Stops as a service's shutdown does: a last snapshot, then the consumer thread ends. */
    public void stop() throws InterruptedException {
        // README:stop
        runner.stop();                             // a last snapshot, then run() returns
        consumer.join();
        runner.close();
        // README:stop-end
    }
}
