package dev.profilekit.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.profilekit.cli.ReplayRunner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live models on Flink against {@code replay --models} on a simulated stream: the propensity trainer (one instance)
 * learns from the keyed operator's samples and labels with retrains at fixed label counts, as a replay does.
 */
class FlinkModelsTest {

    @RegisterExtension
    static final MiniClusterExtension MINI = FlinkTestSupport.miniCluster();

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private record Run(String summary, byte[] profiles) {
    }

    private Run replay(Path schema, Path events, Path models, String... more) throws Exception {
        Path out = dir.resolve("replay.jsonl");
        String summary = ReplayRunner.run(with(more, "replay", "--schema", schema.toString(), "--events",
                events.toString(), "--models", models.toString(), "--out", out.toString(), "--summary",
                dir.resolve("replay-summary.json").toString())).strip();
        return new Run(summary, Files.readAllBytes(out));
    }

    private Run flink(Path schema, Path events, Path models, int parallelism, String... more) throws Exception {
        Path out = dir.resolve("flink-p" + parallelism + ".jsonl");
        String summary = FlinkTestSupport.runJob(with(more, "--schema", schema.toString(), "--events",
                events.toString(), "--models", models.toString(), "--out", out.toString(), "--parallelism",
                Integer.toString(parallelism), "--summary",
                dir.resolve("flink-summary-p" + parallelism + ".json").toString()));
        return new Run(summary, Files.readAllBytes(out));
    }

    /** {@code args} followed by {@code more}. */
    private static String[] with(String[] more, String... args) {
        return java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.Arrays.stream(more))
                .toArray(String[]::new);
    }

    @Test
    void atParallelismOneTheJobWritesReplaysProfilesScoresAndSummary() throws Exception {
        Path schema = FlinkTestSupport.resource("live/schema.json", dir);
        Path models = FlinkTestSupport.resource("live/propensity.json", dir);
        Path events = FlinkTestSupport.simulated(dir, 300, 30, 11L);
        Run replay = replay(schema, events, models);
        JsonNode summary = JSON.readTree(replay.summary());
        // a real comparison: many labelled examples, several published versions, every profile scored
        assertThat(summary.get("prequential").get("examples").asLong()).isGreaterThan(5_000);
        assertThat(summary.get("model_version").asLong()).isGreaterThan(3);
        List<String> lines = new String(replay.profiles(), StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSizeGreaterThan(200);
        for (String l : lines) {
            assertThat(JSON.readTree(l).get("scores").get("propensity").isNumber()).as(l).isTrue();
        }

        // diagnostics as in the embedded engine: AUC series, versions, drift alarms, the reservoir
        String diagnostics = Files.readString(dir.resolve("replay-summary.json"));
        assertThat(JSON.readTree(diagnostics).get("diagnostics").get("versions").size()).isGreaterThan(3);
        assertSameAtParallelismOne(replay, flink(schema, events, models, 1));
    }

    /** The profile file, the summary line and the {@code --summary} file of the job at parallelism 1 are replay's. */
    private void assertSameAtParallelismOne(Run replay, Run flink) throws Exception {
        assertThat(flink.summary()).isEqualTo(replay.summary());
        assertThat(new String(flink.profiles(), StandardCharsets.UTF_8))
                .isEqualTo(new String(replay.profiles(), StandardCharsets.UTF_8));
        assertThat(Files.readString(dir.resolve("flink-summary-p1.json")))
                .isEqualTo(Files.readString(dir.resolve("replay-summary.json")));
    }

    @Test
    void atParallelismTwoThePrequentialAucIsReplaysWithinAHundredth() throws Exception {
        Path schema = FlinkTestSupport.resource("live/schema.json", dir);
        Path models = FlinkTestSupport.resource("live/propensity.json", dir);
        Path events = FlinkTestSupport.simulated(dir, 300, 30, 13L);
        JsonNode replay = JSON.readTree(replay(schema, events, models).summary());
        JsonNode flink = JSON.readTree(flink(schema, events, models, 2).summary());
        assertThat(flink.get("accepted")).isEqualTo(replay.get("accepted"));
        assertThat(flink.get("prequential").get("examples")).isEqualTo(replay.get("prequential").get("examples"));
        assertThat(flink.get("prequential").get("auc").asDouble())
                .isCloseTo(replay.get("prequential").get("auc").asDouble(), within(0.01));
    }

    @Test
    void segmentsAreReplaysAtParallelismOneAndAgreeWithThemAtTwo() throws Exception {
        Path schema = FlinkTestSupport.resource("live/schema.json", dir);
        Path models = FlinkTestSupport.resource("live/models.json", dir);
        Path events = FlinkTestSupport.simulated(dir, 300, 30, 17L);
        Run replay = replay(schema, events, models);
        int[] replaySegments = segments(replay.profiles());
        // a real comparison: every profile has a segment, and the users fall in several
        assertThat(replaySegments.length).isGreaterThan(200);
        assertThat(java.util.Arrays.stream(replaySegments).distinct().count()).isGreaterThan(1);

        assertSameAtParallelismOne(replay, flink(schema, events, models, 1));

        // at parallelism 2 the trainer takes the samples in another order: the same users, much the same segments
        int[] two = segments(flink(schema, events, models, 2).profiles());
        assertThat(two).hasSameSizeAs(replaySegments);
        assertThat(dev.profilekit.models.metrics.ClusteringMetrics.adjustedRandIndex(replaySegments, two))
                .isGreaterThan(0.8);
    }

    @Test
    void segmentsWithoutPropensityAreReplaysAtParallelismOne() throws Exception {
        Path schema = FlinkTestSupport.resource("live/schema.json", dir);
        Path models = dir.resolve("segments.json");
        JsonNode both = JSON.readTree(FlinkTestSupport.resource("live/models.json", dir).toFile());
        Files.writeString(models, "{\"segments\": " + both.get("segments") + "}");
        Path events = FlinkTestSupport.simulated(dir, 120, 14, 23L);
        Run replay = replay(schema, events, models);
        assertThat(java.util.Arrays.stream(segments(replay.profiles())).distinct().count()).isGreaterThan(1);
        assertThat(new String(replay.profiles(), StandardCharsets.UTF_8)).doesNotContain("\"scores\"");
        assertSameAtParallelismOne(replay, flink(schema, events, models, 1));
    }

    /** Each profile line's segment, in the file's order (by user). */
    private static int[] segments(byte[] profiles) throws Exception {
        List<String> lines = new String(profiles, StandardCharsets.UTF_8).lines().toList();
        int[] out = new int[lines.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode segment = JSON.readTree(lines.get(i)).get("segment");
            assertThat(segment.isInt()).as(lines.get(i)).isTrue();
            out[i] = segment.asInt();
        }
        return out;
    }

    @Test
    void everyUpdateLineCarriesTheScoreOfABroadcastVersion() throws Exception {
        Path schema = FlinkTestSupport.resource("live/schema.json", dir);
        Path events = FlinkTestSupport.simulated(dir, 100, 20, 5L);
        KernelSpec spec = KernelSpec.of(Files.readString(schema))
                .withModels(Files.readString(FlinkTestSupport.resource("live/models.json", dir)));
        List<String> lines = new java.util.ArrayList<>();
        FinalProfiles end = updates(spec, events, 2, lines);
        JsonNode summary = JSON.readTree(end.summary());
        assertThat((long) lines.size()).isEqualTo(summary.get("accepted").asLong());
        java.util.Map<String, JsonNode> lastByUser = new java.util.HashMap<>();
        long scored = 0;
        long segmented = 0;
        for (String l : lines) {
            JsonNode n = JSON.readTree(l);
            assertThat(n.has("features") && n.get("scores").has("propensity") && n.has("segment")).as(l).isTrue();
            if (n.get("segment").isInt()) {
                assertThat(n.get("segment").asInt()).isBetween(0, 3);
                segmented++;
            } else {
                assertThat(n.get("segment").isNull()).as(l).isTrue();
            }
            JsonNode p = n.get("scores").get("propensity");
            if (p.isNumber()) {
                assertThat(p.asDouble()).isBetween(0.0, 1.0);
                scored++;
            } else {
                assertThat(p.isNull()).as(l).isTrue();
            }
            lastByUser.put(n.get("user").asText(), n);
        }
        // versions reached both scorer instances long before the end: most events are scored, and most users' last
        assertThat(summary.get("model_version").asLong()).isGreaterThan(1);
        assertThat(scored).isGreaterThan(lines.size() / 2);
        assertThat(segmented).isGreaterThan(lines.size() / 2);
        // the segments were refitted on the trainer, not only moved by the online k-means
        assertThat(end.models().orElseThrow().status().segmentRefits()).isGreaterThan(1);
        assertThat(lastByUser.values().stream().filter(n -> n.get("scores").get("propensity").isNumber()).count())
                .isGreaterThan(lastByUser.size() / 2);
    }

    /** Runs the pipeline with update lines at {@code parallelism}: adds the lines to {@code lines}, returns the end. */
    private static FinalProfiles updates(KernelSpec spec, Path events, int parallelism, List<String> lines)
            throws Exception {
        org.apache.flink.configuration.Configuration conf = new org.apache.flink.configuration.Configuration();
        conf.set(org.apache.flink.configuration.PipelineOptions.GENERIC_TYPES, false);
        var env = org.apache.flink.streaming.api.environment.StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(parallelism);
        ModelPipeline.Outputs o = ModelPipeline.attach(ProfilePipeline.profiles(
                ProfilePipeline.fileSource(env, events, spec, java.util.Set.of()), spec, true), spec);
        var updates = o.updates().collectAsync();
        var finals = o.finals().collectAsync();
        env.executeAsync("models updates test"); // the collect sinks need their reader while the job runs
        FinalProfiles end = new FinalProfiles(spec, null, false);
        try (var u = updates; var f = finals) {
            // both read at once: a sink whose reader waits blocks when its buffer is full (the trainer's final state)
            var ended = java.util.concurrent.CompletableFuture.runAsync(() -> end.addAll(f));
            u.forEachRemaining(lines::add);
            ended.get(5, java.util.concurrent.TimeUnit.MINUTES);
        }
        return end;
    }

    /**
     * The update lines carry the forecast: the scorer keeps each user's daily counts as the embedded engine does and
     * computes the value with the latest version it received. Against the embedded engine fed the same events (one
     * thread, deterministic training), event by event: while the engine has no forecast version yet (the first ten
     * complete days), the job has none either and every line's forecast is the engine's (the user's mean, from the
     * counts the scorer kept); afterwards a line may carry an older version than the engine's (broadcast delay),
     * so it is only checked to be a number, and the job's last version is the engine's. With a TTL too (a user's
     * counts start again with the profile).
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"", "P1D"})
    void updateLinesCarryTheEmbeddedEnginesForecast(String ttl) throws Exception {
        Path schema = FlinkTestSupport.resource("live/schema.json", dir);
        Path models = FlinkTestSupport.resource("live/all.json", dir);
        Path events = FlinkTestSupport.simulated(dir, 100, 20, 5L);
        KernelSpec spec = KernelSpec.of(Files.readString(schema)).withModels(Files.readString(models));
        var builder = dev.profilekit.core.engine.ProfileUpdater.builder(
                dev.profilekit.core.schema.ProfileSchema.fromJson(Files.readString(schema)))
                .models(dev.profilekit.core.models.ModelsConfig.fromJson(Files.readString(models)))
                .training(dev.profilekit.core.models.TrainingMode.DETERMINISTIC);
        if (!ttl.isEmpty()) {
            spec = spec.withTtl(java.time.Duration.parse(ttl));
            builder.ttl(java.time.Duration.parse(ttl));
        }
        List<String> lines = new java.util.ArrayList<>();
        FinalProfiles end = updates(spec, events, 1, lines);

        var updater = builder.build();
        java.util.Map<String, java.util.ArrayDeque<double[]>> engine = new java.util.HashMap<>();
        long version = 0;
        for (String line : Files.readAllLines(events)) {
            var e = dev.profilekit.core.io.EventJson.parse(line);
            if (updater.onEvent(e) == dev.profilekit.core.engine.Outcome.ACCEPTED) {
                version = updater.model(dev.profilekit.core.live.forecast.ForecastModel.class)
                        .map(dev.profilekit.core.live.forecast.ForecastModel::version).orElse(0L);
                double next = updater.profile(e.user(), e.timestamp()).models().forecastNextDay();
                engine.computeIfAbsent(e.user(), u -> new java.util.ArrayDeque<>()).add(new double[] {next, version});
            }
        }
        updater.close();
        assertThat(version).as("forecast versions").isGreaterThan(3);
        assertThat(lines).hasSize(engine.values().stream().mapToInt(java.util.ArrayDeque::size).sum());
        long before = 0;
        for (String l : lines) { // at parallelism 1 each user's lines come in the user's order
            JsonNode n = JSON.readTree(l);
            double[] expected = engine.get(n.get("user").asText()).poll();
            JsonNode next = n.get("forecast").get("next_day");
            assertThat(next.isNumber()).as(l).isTrue();
            if (expected[1] == 0) {
                assertThat(next.asDouble()).as(l).isEqualTo(expected[0]);
                before++;
            }
        }
        assertThat(before).as("lines before the first version").isGreaterThan(1000);
        assertThat(before).as("lines after it").isLessThan(lines.size() - 1000);
        assertThat(end.models().orElseThrow().forecastVersion().version()).isEqualTo(version);
    }

    @Test
    void kafkaModeTakesModelsAndASummaryOnlyWithAnEnd() throws Exception {
        Path schema = FlinkTestSupport.resource("live/schema.json", dir);
        Path models = FlinkTestSupport.resource("live/models.json", dir);
        String[] kafka = {"--schema", schema.toString(), "--bootstrap-servers", "localhost:9", "--topic", "in",
            "--output-topic", "out", "--models", models.toString()};
        assertThat(ProfileFlinkJob.parse(kafka).spec().kernel().models()).isPresent();
        Path summary = dir.resolve("s.json");
        String[] bounded = java.util.stream.Stream.concat(java.util.Arrays.stream(kafka),
                java.util.stream.Stream.of("--until-end", "--summary", summary.toString())).toArray(String[]::new);
        assertThat(ProfileFlinkJob.parse(bounded).summary()).isEqualTo(summary);

        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        String[] unbounded = java.util.Arrays.copyOf(bounded, bounded.length - 3);
        unbounded = java.util.stream.Stream.concat(java.util.Arrays.stream(unbounded),
                java.util.stream.Stream.of("--summary", summary.toString())).toArray(String[]::new);
        assertThat(ProfileFlinkJob.run(unbounded, System.out, new java.io.PrintStream(err, true,
                StandardCharsets.UTF_8))).isEqualTo(2);
        String message = err.toString(StandardCharsets.UTF_8);
        assertThat(message.lines().count()).isEqualTo(1);
        assertThat(message).startsWith("profilekit-flink: --summary " + summary).contains("--until-end");
    }

    /**
     * All four sections (propensity, segments, an ARIMA forecast, recommendations with the ALS fallback) at
     * parallelism 1: the profile file (scores, segment, forecast, recommendations), the summary line (with its
     * {@code "recommend"} object) and the {@code --summary} file are replay's, byte for byte.
     */
    @Test
    void everySectionIsReplaysAtParallelismOne() throws Exception {
        Path schema = FlinkTestSupport.resource("live/schema.json", dir);
        Path models = FlinkTestSupport.resource("live/all.json", dir);
        Path events = FlinkTestSupport.simulated(dir, 300, 30, 29L);
        Run replay = replay(schema, events, models);
        assertEverySectionHasOutputs(replay);
        assertSameAtParallelismOne(replay, flink(schema, events, models, 1));
    }

    /**
     * All four sections at parallelism 2. On an input in event-time order with no two events in the same
     * millisecond, the trainer's merge ({@link ArrivalMerge}: by event time) gives back the input's order, so every
     * model learns what replay's learns: the files are replay's byte for byte. On an input out of order (jitter,
     * late lines), the merge puts records in event-time order where replay takes them in arrival order: the
     * profiles' features are still replay's; the forecast's pooled daily totals count the same events, but a
     * refit and the number of users it divides by can see a late-arriving event on the other side, so each
     * forecast is replay's within 1% (relative); the recommender's co-occurrence sums do not depend on the order
     * but for rounding and the order of its evaluations, so the top item is replay's for almost every user and
     * the lists for most; the segments agree by their adjusted Rand index, the propensity model by its AUC.
     */
    @Test
    void atParallelismTwoEverySectionIsReplaysOnOrderedInputAndCloseOtherwise() throws Exception {
        Path schema = FlinkTestSupport.resource("live/schema.json", dir);
        Path models = FlinkTestSupport.resource("live/all.json", dir);
        // the simulator's stream is in time order; an event in the same millisecond as the one before it is left out
        Path ordered = dir.resolve("ordered.jsonl");
        List<String> strictly = new java.util.ArrayList<>();
        long previous = Long.MIN_VALUE;
        for (String line : Files.readAllLines(FlinkTestSupport.simulated(dir, 300, 30, 29L))) {
            long t = dev.profilekit.core.io.EventJson.parse(line).timestamp();
            assertThat(t).as("the simulator's times do not decrease").isGreaterThanOrEqualTo(previous);
            if (t > previous) {
                strictly.add(line);
            }
            previous = t;
        }
        Files.write(ordered, strictly);
        Run replay = replay(schema, ordered, models);
        Run two = flink(schema, ordered, models, 2);
        assertThat(two.summary()).isEqualTo(replay.summary());
        assertThat(new String(two.profiles(), StandardCharsets.UTF_8))
                .isEqualTo(new String(replay.profiles(), StandardCharsets.UTF_8));

        Path jittered = FlinkTestSupport.outOfOrder(dir, 300, 30, 29L);
        replay = replay(schema, jittered, models);
        two = flink(schema, jittered, models, 2);
        JsonNode r = JSON.readTree(replay.summary());
        JsonNode f = JSON.readTree(two.summary());
        assertThat(r.get("late").asLong()).as("late lines in the input").isGreaterThan(0);
        assertThat(f.get("accepted")).isEqualTo(r.get("accepted"));
        assertThat(f.get("late")).isEqualTo(r.get("late"));
        assertThat(f.get("prequential").get("examples")).isEqualTo(r.get("prequential").get("examples"));
        assertThat(f.get("prequential").get("auc").asDouble())
                .isCloseTo(r.get("prequential").get("auc").asDouble(), within(0.01));
        assertThat(f.get("recommend").get("users")).isEqualTo(r.get("recommend").get("users"));
        assertThat(f.get("recommend").get("recall_at_k").asDouble())
                .isCloseTo(r.get("recommend").get("recall_at_k").asDouble(), within(0.01));
        List<String> a = new String(replay.profiles(), StandardCharsets.UTF_8).lines().toList();
        List<String> b = new String(two.profiles(), StandardCharsets.UTF_8).lines().toList();
        assertThat(b).hasSameSizeAs(a);
        int sameTop = 0;
        int sameList = 0;
        for (int i = 0; i < a.size(); i++) {
            JsonNode x = JSON.readTree(a.get(i));
            JsonNode y = JSON.readTree(b.get(i));
            assertThat(y.get("user")).isEqualTo(x.get("user"));
            assertThat(y.get("features")).as(x.get("user").asText()).isEqualTo(x.get("features"));
            double fx = x.get("forecast").get("next_day").asDouble();
            assertThat(y.get("forecast").get("next_day").asDouble()).as(x.get("user").asText())
                    .isCloseTo(fx, within(0.01 * fx));
            JsonNode lx = x.get("recommendations");
            JsonNode ly = y.get("recommendations");
            sameTop += lx.get(0).get(0).equals(ly.get(0).get(0)) ? 1 : 0;
            sameList += lx.equals(ly) ? 1 : 0;
        }
        assertThat(sameTop).isGreaterThanOrEqualTo(a.size() * 95 / 100);
        assertThat(sameList).isGreaterThanOrEqualTo(a.size() * 6 / 10);
        assertThat(dev.profilekit.models.metrics.ClusteringMetrics.adjustedRandIndex(segments(replay.profiles()),
                segments(two.profiles()))).isGreaterThan(0.8);
    }

    /**
     * A forecast alone at parallelism 1, replay's byte for byte: ARIMA on purchases (most users' first event is no
     * purchase, yet the pooled series divides by every user with a profile, as the embedded engine's table counts
     * them) and the LSTM on views (every event moves its users' training windows).
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {
        "{\"forecast\": {\"type\": \"purchase\", \"days\": 14}}",
        "{\"forecast\": {\"type\": \"view\", \"days\": 14, \"model\": \"lstm\"}}"})
    void aForecastAloneIsReplaysAtParallelismOne(String config) throws Exception {
        Path schema = FlinkTestSupport.resource("live/schema.json", dir);
        Path models = dir.resolve("forecast.json");
        Files.writeString(models, config);
        Path events = FlinkTestSupport.simulated(dir, 300, 30, 37L);
        Run replay = replay(schema, events, models);
        JsonNode diagnostics = JSON.readTree(Files.readString(dir.resolve("replay-summary.json"))).get("diagnostics");
        assertThat(diagnostics.get("forecast").get("version").asLong()).isGreaterThan(5);
        assertThat(new String(replay.profiles(), StandardCharsets.UTF_8).lines()
                .map(l -> l.replaceAll(".*\"next_day\":([^,}]*).*", "$1")).distinct().count()).isGreaterThan(5);
        assertSameAtParallelismOne(replay, flink(schema, events, models, 1));
    }

    /**
     * A real comparison: the forecast was refitted (a version in the diagnostics) and most users' forecasts differ
     * from one another; every profile has a full list of recommendations, most of them scored by the
     * co-occurrences; the recommender evaluated target events.
     */
    private void assertEverySectionHasOutputs(Run replay) throws Exception {
        JsonNode summary = JSON.readTree(replay.summary());
        assertThat(summary.get("recommend").get("users").asLong()).isGreaterThan(50);
        assertThat(summary.get("model_version").asLong()).isGreaterThan(3);
        JsonNode diagnostics = JSON.readTree(Files.readString(dir.resolve("replay-summary.json"))).get("diagnostics");
        assertThat(diagnostics.get("forecast").get("version").asLong()).isGreaterThan(5);
        List<String> lines = new String(replay.profiles(), StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSizeGreaterThan(100);
        java.util.Set<Double> forecasts = new java.util.HashSet<>();
        long scoredLists = 0;
        for (String l : lines) {
            JsonNode n = JSON.readTree(l);
            assertThat(n.get("forecast").get("next_day").isNumber()).as(l).isTrue();
            forecasts.add(n.get("forecast").get("next_day").asDouble());
            assertThat(n.get("recommendations")).as(l).hasSize(5);
            assertThat(n.get("segment").isInt() && n.get("scores").get("propensity").isNumber()).as(l).isTrue();
            if (n.get("recommendations").get(0).get(1).asDouble() > 0) {
                scoredLists++;
            }
        }
        assertThat(forecasts).hasSizeGreaterThan(lines.size() / 4);
        assertThat(scoredLists).isGreaterThan(lines.size() / 2);
    }

    /**
     * Live models with a TTL at parallelism 1: users expire and come back (their model state starts again, their
     * examples and kept events are forgotten, as the embedded engine resets an expired state at the user's next
     * event), and the job writes replay's profile file, summary and {@code --summary} file byte for byte.
     */
    @Test
    void withATtlEverySectionIsReplaysAtParallelismOne() throws Exception {
        Path schema = FlinkTestSupport.resource("live/schema.json", dir);
        Path models = FlinkTestSupport.resource("live/all.json", dir);
        Path events = FlinkTestSupport.simulated(dir, 300, 30, 31L);
        Run replay = replay(schema, events, models, "--ttl", "P2D");
        Run without = replay(schema, events, models);
        // the TTL changes the outcome: fewer profiles at the end (expired), and other models
        assertThat(new String(replay.profiles(), StandardCharsets.UTF_8).lines().count())
                .isLessThan(new String(without.profiles(), StandardCharsets.UTF_8).lines().count());
        replay = replay(schema, events, models, "--ttl", "P2D");
        assertSameAtParallelismOne(replay, flink(schema, events, models, 1, "--ttl", "P2D"));
    }
}
