package dev.profilekit.flink.example;

import dev.profilekit.flink.KafkaOptions;
import dev.profilekit.flink.KernelSpec;
import dev.profilekit.flink.ProfilePipeline;
import dev.profilekit.flink.Routed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The README's Java example of the Flink job from Kafka to Kafka, compiled and run by {@code FlinkKafkaReadmeTest}
 * against a real broker: the README quotes the lines between the {@code README} markers.
 */
public final class FlinkKafkaReadmeExample {

    private FlinkKafkaReadmeExample() {
    }

    /**
     * Submits the job (reading {@code events}, writing {@code profiles}) and returns at once.
     *
     * @param bootstrapServers the brokers
     * @param schema           the profile schema file
     * @return the running job, to cancel
     */
    public static JobClient start(String bootstrapServers, Path schema) throws Exception {
        // README:job
        KernelSpec spec = KernelSpec.of(Files.readString(schema));
        KafkaOptions kafka = new KafkaOptions(bootstrapServers, "events", "profilekit",
                null,                              // values are JSON Lines events (or a CSV header)
                "profiles", "profilekit-profiles", // output topic, transactional id prefix
                false,                             // unbounded (true: stop at the end offsets as of the start)
                Map.of());                         // more Kafka client settings
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.enableCheckpointing(10_000, CheckpointingMode.EXACTLY_ONCE); // the sink commits on checkpoints
        DataStream<Routed> events = ProfilePipeline.kafkaSource(env, kafka, spec, Set.of());
        SingleOutputStreamOperator<String> profiles = ProfilePipeline.profiles(events, spec, true);
        ProfilePipeline.kafkaSink(profiles, kafka);
        JobClient job = env.executeAsync("profilekit");
        // README:job-end
        return job;
    }
}
