package dev.profilekit.benchmarks;

import dev.profilekit.core.engine.DedupRetention;
import dev.profilekit.core.engine.Event;
import dev.profilekit.core.engine.Outcome;
import dev.profilekit.core.schema.ProfileSchema;
import dev.profilekit.core.engine.ProfileUpdater;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * {@link ProfileUpdater#onEvent(Event)} on existing users: throughput ({@link #onEvent}) and latency
 * percentiles ({@link #onEventLatency}, {@link Mode#SampleTime}), on 1 or more threads ({@code -t}).
 *
 * <p>Events ({@code events} per thread, default 2^24) are generated once per trial, before measuring, so
 * the benchmark allocates nothing of its own and {@code -prof gc}'s {@code gc.alloc.rate.norm} (B/op) is
 * the engine's. One updater and one store are shared by all threads; each thread replays its own slice,
 * which touches only its own partition of the users (see {@link Fixtures#slices}), so every measured event
 * is ACCEPTED on an existing user (all users get one event before measuring starts). A trial that runs out
 * of pre-built events fails rather than measuring duplicates, which is why warm-up and measurement are short;
 * raise {@code events} for longer iterations.
 *
 * <p>{@code users=100000} keeps the profiles in cache-friendly range ("hot"), {@code users=2000000} does not
 * ("cold"). {@code schema=fixture} is the 17-feature schema of the worked example; {@code schema=scalar}
 * keeps only its scalar kinds (no distinct_count, top_k, sessions), the ones that must allocate nothing.
 * Model scoring on the hot path is not benchmarked yet: profile-core has no models on {@code onEvent}; when
 * it does, add a {@code schema} value that attaches them here.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms8g", "-Xmx8g"})
public class OnEventBenchmark {

    /** The shared updater, its users and the per-thread event slices. */
    @State(Scope.Benchmark)
    public static class Engine {

        /** Number of users, all created before measuring. */
        @Param({"100000", "2000000"})
        public int users;

        /** {@code fixture} (all 17 features) or {@code scalar} (only the allocation-free kinds). */
        @Param({"fixture", "scalar"})
        public String schema;

        /** Duplicate-id retention of the updater. */
        @Param({"WITHIN_LATENESS", "ALL"})
        public DedupRetention dedup;

        /** Pre-built events per thread; a trial fails if it consumes more. */
        @Param({"16777216"})
        public int events;

        ProfileUpdater updater;
        Event[][] slices;

        /** Builds the events, the updater, and one event per user. */
        @Setup(Level.Trial)
        public void setUp(BenchmarkParams params) {
            String[] userIds = Fixtures.userIds(users);
            slices = Fixtures.slices(userIds, params.getThreads(), events, 42);
            ProfileSchema s = Fixtures.schema(schema);
            updater = ProfileUpdater.builder(s)
                    .expectedUsers(users)
                    .dedupRetention(dedup)
                    .build();
            Fixtures.warmUsers(updater, userIds);
        }

        /** Checks that every measured event was accepted. */
        @TearDown(Level.Trial)
        public void check() {
            ProfileUpdater.Counts c = updater.counts();
            if (c.duplicate() != 0 || c.late() != 0) {
                throw new IllegalStateException("every measured event must be accepted, got " + c);
            }
        }
    }

    /** One thread's slice of events and its position in it. */
    @State(Scope.Thread)
    public static class Cursor {
        Event[] events;
        int next;

        /** Takes this thread's slice. */
        @Setup(Level.Trial)
        public void setUp(Engine engine, ThreadParams thread) {
            events = engine.slices[thread.getThreadIndex()];
            next = 0;
        }

        /** Fails the trial once the slice is exhausted (the last iteration would have thrown already). */
        @TearDown(Level.Iteration)
        public void check() {
            if (next >= events.length) {
                throw new IllegalStateException("ran out of pre-built events (" + events.length + "); raise events");
            }
        }
    }

    /** Events per second (per thread: JMH reports the sum over threads). */
    @Benchmark
    public Outcome onEvent(Engine engine, Cursor cursor) {
        return engine.updater.onEvent(cursor.events[cursor.next++]);
    }

    /** Latency distribution of one call (JMH samples individual calls; percentiles in the JSON). */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public Outcome onEventLatency(Engine engine, Cursor cursor) {
        return engine.updater.onEvent(cursor.events[cursor.next++]);
    }
}
