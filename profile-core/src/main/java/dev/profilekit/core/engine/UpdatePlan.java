package dev.profilekit.core.engine;

import dev.profilekit.core.schema.FeatureKind;
import dev.profilekit.features.streaming.BucketRing;
import dev.profilekit.features.streaming.DistinctCounter;
import dev.profilekit.features.streaming.ExponentialDecay;
import dev.profilekit.features.streaming.RunningMoments;
import dev.profilekit.features.streaming.SessionTracker;
import dev.profilekit.features.streaming.StringDictionary;
import dev.profilekit.features.streaming.TopKCounter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one event type does to a profile, compiled once per type when the schema is compiled: the
 * attributes the type's features read, each read once per event, and per attribute the feature updates as
 * arrays of offsets into the profile's stripe of doubles and its {@code Object[]}, run in straight loops over
 * the kernels of {@code profile-features/streaming}. No virtual call per feature, no allocation for scalar
 * features.
 *
 * <p>Counts, decayed counts and window counts are sums, decayed sums and window sums of the constant 1:
 * they form the group of the "constant attribute", so every numeric update is one of four kernels (sum,
 * decayed sum, bucket ring, moments) applied to one primitive local. The order of updates within an event
 * does not matter: every feature owns its own slots.
 *
 * <p>The plan knows kernels, not feature kinds: each kind's class ({@link CompiledFeature#compile}) adds its
 * kernels through the {@link Builder}. A kind that none of the fused kernels serves adds its own
 * {@link NumericOp} or {@link StringOp} (one virtual call per event for that feature only).
 */
final class UpdatePlan {

    /** A plan that updates nothing (types no feature names). */
    static final UpdatePlan EMPTY = new UpdatePlan(new NumericGroup[0], new StringGroup[0], new int[0], new int[0],
            new int[0], new long[0], new FeatureKind[0], new FeatureKind[0], new FeatureKind[0], -1);

    /**
     * A test seam: when set, called before each kind of feature state is touched, so a test can make any of
     * them fail and check that the event left nothing behind. Null in production (one volatile read per event).
     */
    static volatile FaultInjector faults;

    /**
     * A kind's own update of the numeric value {@code x} (1 for counts) of an event at {@code t}, in the profile's
     * stripe (value slot {@code at} is {@code page[base + at]}): run with the fused kernels, restored with them
     * when the event fails.
     */
    @FunctionalInterface
    interface NumericOp {
        void add(double[] page, int base, long t, double x);
    }

    /**
     * A kind's own update of a string attribute's value: {@link #prepare} does every allocation and may fail,
     * changing no value; {@link #commit} cannot fail.
     */
    interface StringOp {
        void prepare(Object[] objects, String x);

        void commit(ProfileState s, long t, String x);
    }

    /** Throws to simulate a failure while updating one kind of feature state. */
    @FunctionalInterface
    interface FaultInjector {
        void before(FeatureKind kind);
    }

    private final NumericGroup[] numeric;
    private final StringGroup[] strings;
    private final int[] latestAt;
    private final int[] earliestAt;
    private final int[] sessionsAt;
    private final long[] sessionsGap;
    /** The kinds of the features behind each kernel, for the {@link #faults} test seam. */
    private final FeatureKind[] latestKinds;
    private final FeatureKind[] earliestKinds;
    private final FeatureKind[] sessionsKind;
    private final long lateness;
    /** The features this plan changes, read back after an update to find overflow (set once compiled). */
    private CompiledFeature[] checked = new CompiledFeature[0];

    private UpdatePlan(NumericGroup[] numeric, StringGroup[] strings, int[] latestAt, int[] earliestAt,
                       int[] sessionsAt, long[] sessionsGap, FeatureKind[] latestKinds, FeatureKind[] earliestKinds,
                       FeatureKind[] sessionsKind, long lateness) {
        this.numeric = numeric;
        this.strings = strings;
        this.latestAt = latestAt;
        this.earliestAt = earliestAt;
        this.sessionsAt = sessionsAt;
        this.sessionsGap = sessionsGap;
        this.latestKinds = latestKinds;
        this.earliestKinds = earliestKinds;
        this.sessionsKind = sessionsKind;
        this.lateness = lateness;
    }

    /** Whether the plan updates nothing. */
    boolean isEmpty() {
        return numeric.length == 0 && strings.length == 0 && latestAt.length == 0 && earliestAt.length == 0
                && sessionsAt.length == 0;
    }

    /** Number of string attributes the plan reads (the size of the scratch it needs). */
    int stringFields() {
        return strings.length;
    }

    void checked(CompiledFeature[] slots) {
        this.checked = slots;
    }

    /**
     * Phase 1 of 3: reads the string attributes once into {@code read}, creates the counters a feature needs
     * for its first value and does every allocation their next update needs. Changes no feature value, so a
     * failure here leaves the profile as it was.
     *
     * <p>With a dictionary {@code d} (the state's, see {@link CompiledSchema#adopt}), an attribute value that some
     * counter will newly keep is coded now and pinned in {@code pins} (one reference per attribute, -1: none) until
     * {@link #unpin}, so the commit only takes references to a live code. On a failure here the pins taken are
     * given back.
     */
    void prepare(ProfileState s, Event e, String[] read, StringDictionary d, int[] pins, int[] codes) {
        FaultInjector f = faults;
        Object[] o = s.objects;
        try {
            for (int g = 0; g < strings.length; g++) {
                pins[g] = -1;
                StringGroup sg = strings[g];
                String x = e.attr(sg.field) instanceof String v ? v : null;
                read[g] = x;
                if (x != null) {
                    sg.prepare(o, x, f, d, pins, codes, g);
                }
            }
        } catch (RuntimeException | Error failure) {
            unpin(d, pins);
            throw failure;
        }
        for (int i = 0; i < sessionsAt.length; i++) {
            if (f != null) {
                f.before(sessionsKind[i]);
            }
            SessionTracker tracker = (SessionTracker) o[sessionsAt[i]];
            if (tracker == null) {
                tracker = new SessionTracker(sessionsGap[i]);
                o[sessionsAt[i]] = tracker;
            }
            tracker.prepare();
        }
    }

    /**
     * Phase 2 of 3: the updates that live in the profile's stripe (every numeric kind, recency, first seen). The
     * caller keeps a copy of the stripe and puts it back if this or the overflow check fails.
     */
    void applyRestorable(ProfileState s, Event e, long t, String[] read) {
        FaultInjector f = faults;
        double[] v = s.page;
        int b = s.base;
        for (NumericGroup g : numeric) {
            double x;
            if (g.field == null) {
                x = 1.0;
            } else if (e.attr(g.field) instanceof Double d && d == d) {
                x = d;
            } else {
                continue; // absent or not a number: the spec skips the update
            }
            g.apply(v, b, t, x, f);
        }
        double td = t;
        if (f != null) {
            before(f, latestKinds);
        }
        for (int at : latestAt) {
            if (td > v[b + at]) {
                v[b + at] = td;
            }
        }
        if (f != null) {
            before(f, earliestKinds);
        }
        for (int at : earliestAt) {
            if (td < v[b + at]) {
                v[b + at] = td;
            }
        }
    }

    /**
     * Whether a feature this plan changed now reads as non-finite as of {@code asOf} (an overflow: a sum past
     * the largest double, a ratio of a huge and a tiny number).
     */
    boolean overflowed(ProfileState s, long asOf) {
        for (CompiledFeature slot : checked) {
            if (slot.overflowed(s, asOf)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Phase 3 of 3: last values and the object kinds (distinct counts, top-k, sessions), which were prepared
     * in phase 1 and cannot fail: no allocation, no check.
     */
    void commit(ProfileState s, long t, String[] read, StringDictionary d, int[] pins, int[] codes) {
        Object[] o = s.objects;
        for (int g = 0; g < strings.length; g++) {
            if (read[g] != null) {
                strings[g].applyLastValue(s, t, read[g], d, pins[g]);
                strings[g].commit(s, o, t, read[g], codes[g]);
            }
        }
        for (int i = 0; i < sessionsAt.length; i++) {
            SessionTracker tracker = (SessionTracker) o[sessionsAt[i]];
            tracker.add(t);
            if (lateness >= 0) {
                // every future accepted event has t >= maxAccepted - lateness
                tracker.closeBefore(s.maxAccepted - lateness - sessionsGap[i]);
            }
        }
    }

    /** Gives back the references {@link #prepare} pinned (each counter that kept a value took its own). */
    void unpin(StringDictionary d, int[] pins) {
        for (int g = 0; g < strings.length; g++) {
            if (pins[g] >= 0) {
                d.release(pins[g]);
                pins[g] = -1;
            }
        }
    }

    /** The numeric updates fed by one attribute (or by the constant 1 when {@code field} is null). */
    private static final class NumericGroup {
        final String field;
        final int[] sumAt;
        final int[] decayAt;
        final double[] decayRate;
        final int[] ringAt;
        final int[] ringN;
        final long[] ringWidth;
        final int[] momentsAt;
        final NumericOp[] ops;
        final FeatureKind[] kinds;

        NumericGroup(String field, Builder.Num b) {
            this.field = field;
            this.sumAt = ints(b.sumAt);
            this.decayAt = ints(b.decayAt);
            this.decayRate = b.decayRate.stream().mapToDouble(Double::doubleValue).toArray();
            this.ringAt = ints(b.ringAt);
            this.ringN = ints(b.ringN);
            this.ringWidth = b.ringWidth.stream().mapToLong(Long::longValue).toArray();
            this.momentsAt = ints(b.momentsAt);
            this.ops = b.ops.toArray(new NumericOp[0]);
            this.kinds = b.kinds.toArray(new FeatureKind[0]);
        }

        void apply(double[] v, int b, long t, double x, FaultInjector f) {
            if (f != null) {
                before(f, kinds);
            }
            for (int at : sumAt) {
                v[b + at] += x;
            }
            for (int i = 0; i < decayAt.length; i++) {
                ExponentialDecay.add(v, b + decayAt[i], t, x, decayRate[i]);
            }
            for (int i = 0; i < ringAt.length; i++) {
                BucketRing.add(v, b + ringAt[i], ringN[i], Math.floorDiv(t, ringWidth[i]), x);
            }
            for (int at : momentsAt) {
                RunningMoments.add(v, b + at, x);
            }
            for (NumericOp op : ops) {
                op.add(v, b, t, x);
            }
        }
    }

    /** The updates fed by one string attribute. */
    private static final class StringGroup {
        final String field;
        final int[] lastTimeAt;
        final int[] lastValueAt;
        final int[] distinctAt;
        final int[] topAt;
        final int[] topCapacity;
        final long[] topHalfLife;
        final StringOp[] ops;
        final FeatureKind[] kinds;

        StringGroup(String field, Builder.Str b) {
            this.field = field;
            this.lastTimeAt = ints(b.lastTimeAt);
            this.lastValueAt = ints(b.lastValueAt);
            this.distinctAt = ints(b.distinctAt);
            this.topAt = ints(b.topAt);
            this.topCapacity = ints(b.topCapacity);
            this.topHalfLife = b.topHalfLife.stream().mapToLong(Long::longValue).toArray();
            this.ops = b.ops.toArray(new StringOp[0]);
            this.kinds = b.kinds.toArray(new FeatureKind[0]);
        }

        /**
         * Prepares the counters of this attribute for {@code x}. Sets {@code pins[g]} to the code of {@code x} pinned
         * for a counter that will newly keep it (-1: none), and {@code codes[g]} to the code the counters find
         * {@code x} by in the commit (the pin, the code they already hold, or {@link StringDictionary#NOT_CODED}):
         * one dictionary look-up per attribute and event.
         */
        void prepare(Object[] o, String x, FaultInjector f, StringDictionary d, int[] pins, int[] codes, int g) {
            if (f != null) {
                before(f, kinds);
            }
            for (int at : distinctAt) {
                if (o[at] == null) {
                    o[at] = new DistinctCounter(DistinctCounter.DEFAULT_EXACT_LIMIT, d);
                }
            }
            for (int i = 0; i < topAt.length; i++) {
                if (o[topAt[i]] == null) {
                    o[topAt[i]] = new TopKCounter(topCapacity[i], topHalfLife[i], d);
                }
            }
            int found = d == null ? StringDictionary.NOT_CODED : d.find(x);
            if (found == -1) {
                found = StringDictionary.NOT_CODED;
            }
            boolean held = d == null || heldByAll(o, x, found);
            int pin = held ? -1 : d.acquire(x); // -1 also when the dictionary is full: x is then kept as a string
            int code = pin >= 0 ? pin : held ? found : StringDictionary.NOT_CODED;
            try {
                for (int at : distinctAt) {
                    ((DistinctCounter) o[at]).prepare(x, code);
                }
                for (int at : topAt) {
                    ((TopKCounter) o[at]).prepare(x, code);
                }
                for (StringOp op : ops) {
                    op.prepare(o, x);
                }
            } catch (RuntimeException | Error failure) {
                if (pin >= 0) {
                    d.release(pin);
                }
                throw failure;
            }
            pins[g] = pin;
            codes[g] = code;
        }

        /**
         * Whether every counter of this attribute already keeps {@code x} (then no code need be pinned); {@code found}
         * is the code of {@code x} or {@link StringDictionary#NOT_CODED}.
         */
        private boolean heldByAll(Object[] o, String x, int found) {
            for (int at : distinctAt) {
                if (!((DistinctCounter) o[at]).holds(x, found)) {
                    return false;
                }
            }
            for (int at : topAt) {
                if (!((TopKCounter) o[at]).holds(x, found)) {
                    return false;
                }
            }
            for (int at : lastValueAt) {
                if (!x.equals(o[at])) {
                    return false;
                }
            }
            return true;
        }

        /**
         * Two stores per feature: part of the commit, it cannot fail. A coded value is the dictionary's canonical
         * instance with a reference of its own; an equal value already kept stays as it is.
         */
        void applyLastValue(ProfileState s, long t, String x, StringDictionary d, int pin) {
            double[] v = s.page;
            int b = s.base;
            Object[] o = s.objects;
            for (int i = 0; i < lastTimeAt.length; i++) {
                if (t >= v[b + lastTimeAt[i]]) {
                    v[b + lastTimeAt[i]] = t; // ties: the event accepted last wins
                    Object old = o[lastValueAt[i]];
                    if (!x.equals(old)) {
                        o[lastValueAt[i]] = LastValueKind.keep(x, d, pin);
                        LastValueKind.drop(old, d);
                    }
                }
            }
        }

        void commit(ProfileState s, Object[] o, long t, String x, int code) {
            for (int at : distinctAt) {
                ((DistinctCounter) o[at]).add(x, code);
            }
            for (int i = 0; i < topAt.length; i++) {
                ((TopKCounter) o[topAt[i]]).add(x, code, t);
            }
            for (StringOp op : ops) {
                op.commit(s, t, x);
            }
        }
    }

    /** The test seam: a failure before the updates of features of {@code kinds}. */
    private static void before(FaultInjector f, FeatureKind[] kinds) {
        for (FeatureKind k : kinds) {
            f.before(k);
        }
    }

    private static int[] ints(List<Integer> list) {
        return list.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Collects the updates of one event type while the schema is compiled. */
    static final class Builder {
        private final Map<String, Num> numeric = new LinkedHashMap<>();
        private final Map<String, Str> strings = new LinkedHashMap<>();
        private final List<Integer> latestAt = new ArrayList<>();
        private final List<Integer> earliestAt = new ArrayList<>();
        private final List<Integer> sessionsAt = new ArrayList<>();
        private final List<Long> sessionsGap = new ArrayList<>();
        private final Set<FeatureKind> latestKinds = new LinkedHashSet<>();
        private final Set<FeatureKind> earliestKinds = new LinkedHashSet<>();
        private final List<FeatureKind> sessionsKind = new ArrayList<>();
        private final long lateness;
        /** The kind of the feature whose updates are being added (for the {@link #faults} test seam). */
        private FeatureKind current;

        Builder(long lateness) {
            this.lateness = lateness;
        }

        /** Names the kind of the feature whose updates follow. */
        void feature(FeatureKind kind) {
            current = kind;
        }

        /** The numeric group of {@code field}; null stands for the constant 1 (counts). */
        Num numeric(String field) {
            Num n = numeric.computeIfAbsent(field == null ? "" : field, f -> new Num());
            tag(n.kinds);
            return n;
        }

        /** The group of string attribute {@code field}. */
        Str string(String field) {
            Str g = strings.computeIfAbsent(field, f -> new Str());
            tag(g.kinds);
            return g;
        }

        /** Keeps the largest event time in value slot {@code at}. */
        void latestTime(int at) {
            latestAt.add(at);
            tag(latestKinds);
        }

        /** Keeps the smallest event time in value slot {@code at}. */
        void earliestTime(int at) {
            earliestAt.add(at);
            tag(earliestKinds);
        }

        /** Tracks sessions split by {@code gap} ms in object slot {@code at}. */
        void sessions(int at, long gap) {
            sessionsAt.add(at);
            sessionsGap.add(gap);
            sessionsKind.add(current);
        }

        private void tag(Set<FeatureKind> kinds) {
            if (current != null) {
                kinds.add(current);
            }
        }

        UpdatePlan build() {
            // the constant group first: no attribute to read
            List<NumericGroup> num = new ArrayList<>();
            numeric.forEach((f, b) -> num.add(new NumericGroup(f.isEmpty() ? null : f.intern(), b)));
            List<StringGroup> str = new ArrayList<>();
            strings.forEach((f, b) -> str.add(new StringGroup(f.intern(), b)));
            return new UpdatePlan(num.toArray(new NumericGroup[0]), str.toArray(new StringGroup[0]),
                    ints(latestAt), ints(earliestAt), ints(sessionsAt),
                    sessionsGap.stream().mapToLong(Long::longValue).toArray(),
                    latestKinds.toArray(new FeatureKind[0]), earliestKinds.toArray(new FeatureKind[0]),
                    sessionsKind.toArray(new FeatureKind[0]), lateness);
        }

        static final class Num {
            final List<Integer> sumAt = new ArrayList<>();
            final List<Integer> decayAt = new ArrayList<>();
            final List<Double> decayRate = new ArrayList<>();
            final List<Integer> ringAt = new ArrayList<>();
            final List<Integer> ringN = new ArrayList<>();
            final List<Long> ringWidth = new ArrayList<>();
            final List<Integer> momentsAt = new ArrayList<>();
            final List<NumericOp> ops = new ArrayList<>();
            final Set<FeatureKind> kinds = new LinkedHashSet<>();

            void sum(int at) {
                sumAt.add(at);
            }

            void decayed(int at, double rate) {
                decayAt.add(at);
                decayRate.add(rate);
            }

            void ring(int at, int n, long width) {
                ringAt.add(at);
                ringN.add(n);
                ringWidth.add(width);
            }

            void moments(int at) {
                momentsAt.add(at);
            }

            /** A kind's own update (see {@link NumericOp}). */
            void op(NumericOp op) {
                ops.add(op);
            }
        }

        static final class Str {
            final List<Integer> lastTimeAt = new ArrayList<>();
            final List<Integer> lastValueAt = new ArrayList<>();
            final List<Integer> distinctAt = new ArrayList<>();
            final List<Integer> topAt = new ArrayList<>();
            final List<Integer> topCapacity = new ArrayList<>();
            final List<Long> topHalfLife = new ArrayList<>();
            final List<StringOp> ops = new ArrayList<>();
            final Set<FeatureKind> kinds = new LinkedHashSet<>();

            void lastValue(int timeAt, int valueAt) {
                lastTimeAt.add(timeAt);
                lastValueAt.add(valueAt);
            }

            void distinct(int at) {
                distinctAt.add(at);
            }

            void topK(int at, int capacity, long halfLifeMs) {
                topAt.add(at);
                topCapacity.add(capacity);
                topHalfLife.add(halfLifeMs);
            }

            /** A kind's own update (see {@link StringOp}). */
            void op(StringOp op) {
                ops.add(op);
            }
        }
    }
}
