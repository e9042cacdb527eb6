package dev.profilekit.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.profilekit.core.engine.Event;
import dev.profilekit.core.engine.ProfileUpdater;
import dev.profilekit.core.io.ProfileJson;
import dev.profilekit.core.schema.ProfileSchema;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator on ordered, hand-made streams, against the embedded {@link ProfileUpdater} fed the same calls in the
 * same order: forget control records, event-time expiry on timers, the update output. Generic types are disabled,
 * so any Kryo fallback would fail the job.
 */
class ProfileFunctionTest {

    @RegisterExtension
    static final MiniClusterExtension MINI = FlinkTestSupport.miniCluster();

    private static final long DAY = 86_400_000L;
    private static final long T0 = 1_767_225_600_000L; // 2026-01-01

    @TempDir
    Path dir;

    private record Result(String summary, String profiles, List<String> updates) {
    }

    private static Result runFlink(KernelSpec spec, List<Routed> records, int parallelism) throws Exception {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        assertThat(env.getConfig().getSerializerConfig().hasGenericTypesDisabled()).isTrue();
        env.setParallelism(parallelism);
        DataStream<Routed> in = env.fromData(records, RoutedSerializer.TYPE).setParallelism(1)
                .assignTimestampsAndWatermarks(ArrivalClock.watermarks()).setParallelism(1);
        SingleOutputStreamOperator<String> op = ProfilePipeline.profiles(in, spec, true);
        List<String> updates = new ArrayList<>();
        FinalProfiles finals = new FinalProfiles(spec, null, false);
        // the updates go through a second collect: both outputs of one job
        var updatesStream = op.collectAsync();
        var finalStream = op.getSideOutput(ProfileFunction.FINAL).collectAsync();
        env.execute("profile function test");
        try (CloseableIterator<String> u = updatesStream; CloseableIterator<FinalState> f = finalStream) {
            u.forEachRemaining(updates::add);
            finals.addAll(f);
        }
        StringWriter w = new StringWriter();
        finals.writeProfiles(w);
        return new Result(finals.summary(), w.toString(), updates);
    }

    private static String write(ProfileUpdater u) throws Exception {
        StringWriter w = new StringWriter();
        long t = u.latestAcceptedTime().orElseThrow();
        ProfileJson.writeLines(u.users().stream().map(k -> u.profileByKey(k, t)).toList(), w);
        return w.toString();
    }

    private static Event view(String id, String user, long ts) {
        return Event.builder(id, user, "view", ts).attr("category", "books").attr("product", "p1").build();
    }

    private KernelSpec spec() throws Exception {
        return KernelSpec.of(Files.readString(FlinkTestSupport.resource("ecommerce/schema.json", dir)));
    }

    @Test
    void forgetControlRecordsClearTheUserAsForgetDoes() throws Exception {
        KernelSpec spec = spec();
        ProfileUpdater reference = ProfileUpdater.builder(ProfileSchema.fromJson(spec.schemaJson())).build();
        List<Routed> records = new ArrayList<>();
        List<Event> events = List.of(view("a1", "alice", T0), view("b1", "bob", T0 + 1000),
                view("a2", "alice", T0 + 2000));
        for (Event e : events) {
            records.add(Routed.event(spec.kernel().admit(e)));
            reference.onEvent(e);
        }
        records.add(Routed.forget("alice"));
        reference.forget("alice");
        Event again = view("a1", "alice", T0 + 3000); // same id as before the forget: accepted again
        records.add(Routed.event(spec.kernel().admit(again)));
        reference.onEvent(again);
        Event dup = view("b1", "bob", T0 + 4000);
        records.add(Routed.event(spec.kernel().admit(dup)));
        reference.onEvent(dup);
        records.add(Routed.rejected());

        Result r = runFlink(spec, records, 2);
        assertThat(r.profiles()).isEqualTo(write(reference));
        assertThat(r.summary()).isEqualTo("{\"accepted\":4,\"duplicate\":1,\"late\":0,\"rejected\":1}");
        // alice's profile after the forget counts one view (the redelivered a1), not three
        assertThat(r.profiles().lines().filter(l -> l.contains("\"alice\"")).findFirst().orElseThrow())
                .contains("\"views\":1");
        assertThat(r.updates()).hasSize(4); // one per accepted event
    }

    @Test
    void expiryOnEventTimeTimersStartsTheUserAgain() throws Exception {
        KernelSpec spec = spec().withTtl(Duration.ofDays(1));
        ProfileUpdater reference = ProfileUpdater.builder(ProfileSchema.fromJson(spec.schemaJson()))
                .ttl(Duration.ofDays(1)).build();
        List<Event> events = List.of(view("a1", "alice", T0), view("a2", "alice", T0 + 1000),
                view("b1", "bob", T0 + 3 * DAY), // moves event time 3 days on: alice is idle past the TTL
                view("a1", "alice", T0 + 3 * DAY + 1), // her old id: no longer remembered, accepted
                view("b2", "bob", T0 + 3 * DAY + 2));
        List<Routed> records = new ArrayList<>();
        for (Event e : events) {
            records.add(Routed.event(spec.kernel().admit(e)));
            reference.onEvent(e);
        }
        Result r = runFlink(spec, records, 1);
        assertThat(r.summary()).isEqualTo("{\"accepted\":5,\"duplicate\":0,\"late\":0,\"rejected\":0}");
        assertThat(r.profiles()).isEqualTo(write(reference));
        assertThat(r.profiles().lines().filter(l -> l.contains("\"alice\"")).findFirst().orElseThrow())
                .contains("\"views\":1");
    }

    @Test
    void linesFromAnyTextSourceGiveTheEmbeddedEnginesProfiles() throws Exception {
        KernelSpec spec = spec();
        Path events = FlinkTestSupport.simulated(dir, 50, 7, 3L);
        List<String> lines = new ArrayList<>(Files.readAllLines(events));
        lines.add(3, "");                      // blank: no record
        lines.add(5, "{\"id\": 1}");           // invalid: rejected
        lines.add(9, lines.get(8));            // a redelivery: duplicate
        ProfileUpdater reference = ProfileUpdater.builder(ProfileSchema.fromJson(spec.schemaJson())).build();
        long rejected = 0;
        for (String l : lines) {
            if (l.isBlank()) {
                continue;
            }
            try {
                reference.onEvent(dev.profilekit.core.io.EventJson.parse(l));
            } catch (dev.profilekit.core.spi.InvalidEventException e) {
                rejected++;
            }
        }
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        DataStream<String> text = env.fromData(lines, org.apache.flink.api.common.typeinfo.Types.STRING)
                .setParallelism(1);
        DataStream<Routed> routed = ProfilePipeline.routeLines(text, spec, java.util.Set.of()).setParallelism(1)
                .assignTimestampsAndWatermarks(ProfilePipeline.watermarks()).setParallelism(1);
        FinalProfiles finals = new FinalProfiles(spec, null, false);
        try (CloseableIterator<FinalState> it = ProfilePipeline.profiles(routed, spec, false)
                .getSideOutput(ProfileFunction.FINAL).executeAndCollect()) {
            finals.addAll(it);
        }
        StringWriter w = new StringWriter();
        finals.writeProfiles(w);
        ProfileUpdater.Counts c = reference.counts();
        assertThat(rejected).isEqualTo(1);
        assertThat(c.duplicate()).isEqualTo(1);
        assertThat(finals.summary()).isEqualTo("{\"accepted\":" + c.accepted() + ",\"duplicate\":" + c.duplicate()
                + ",\"late\":" + c.late() + ",\"rejected\":" + rejected + "}");
        assertThat(w.toString()).isEqualTo(write(reference));
    }
}
