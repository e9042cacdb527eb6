package dev.profilekit.core;

import dev.profilekit.features.streaming.BucketRing;
import dev.profilekit.features.streaming.DistinctCounter;
import dev.profilekit.features.streaming.ExponentialDecay;
import dev.profilekit.features.streaming.RunningMoments;
import dev.profilekit.features.streaming.SessionTracker;
import dev.profilekit.features.streaming.TopKCounter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A schema compiled once into slots: each feature owns offsets into the per-profile {@code double[]}
 * (all scalar state, counts and times included) and {@code Object[]} arrays, and event types are mapped to small integers so that
 * type matching is an array lookup. Applying an event to scalar features allocates nothing.
 * Derived values (ratios) are computed on read.
 */
final class CompiledSchema {

    final ProfileSchema schema;
    /** Allowed lateness in ms, or -1 when the schema sets none. */
    final long latenessMs;
    private final Slot[] all;
    private final Slot[] updating;
    private final Map<String, Integer> typeIds = new HashMap<>();
    private final int valueSlots;
    private final int objectSlots;

    CompiledSchema(ProfileSchema schema, java.util.Collection<String> extraTypes) {
        this.schema = schema;
        this.latenessMs = schema.allowedLateness().map(d -> d.toMillis()).orElse(-1L);
        for (FeatureSpec f : schema.features()) {
            for (String t : f.types()) {
                typeIds.putIfAbsent(t, typeIds.size() + 1); // 0 stands for every other type
            }
        }
        for (String t : extraTypes) {
            typeIds.putIfAbsent(t, typeIds.size() + 1); // types the live models watch
        }
        int nTypes = typeIds.size() + 1;
        Layout layout = new Layout();
        Map<String, Slot> byName = new HashMap<>();
        List<Slot> slots = new ArrayList<>();
        List<Slot> upd = new ArrayList<>();
        for (FeatureSpec f : schema.features()) {
            boolean[] matches = new boolean[nTypes];
            if (f.types().isEmpty()) {
                java.util.Arrays.fill(matches, true);
            } else {
                for (String t : f.types()) {
                    matches[typeIds.get(t)] = true;
                }
            }
            Slot s = switch (f.kind()) {
                case COUNT -> new CountSlot(f, matches, layout);
                case SUM -> new SumSlot(f, matches, layout);
                case DECAYED_COUNT, DECAYED_SUM -> new DecayedSlot(f, matches, layout);
                case WINDOW_COUNT, WINDOW_SUM -> new WindowSlot(f, matches, layout);
                case STATS -> new StatsSlot(f, matches, layout);
                case RECENCY -> new RecencySlot(f, matches, layout);
                case FIRST_SEEN -> new FirstSeenSlot(f, matches, layout);
                case LAST_VALUE -> new LastValueSlot(f, matches, layout);
                case DISTINCT_COUNT -> new DistinctSlot(f, matches, layout);
                case TOP_K -> new TopKSlot(f, matches, layout);
                case SESSIONS -> new SessionsSlot(f, matches, layout, latenessMs);
                case RATIO -> new RatioSlot(f, byName.get(f.numerator()), byName.get(f.denominator()));
            };
            slots.add(s);
            byName.put(f.name(), s);
            if (f.kind() != FeatureKind.RATIO) {
                upd.add(s);
            }
        }
        // a ratio may name features declared after it: resolve its operands once all slots exist
        for (int i = 0; i < slots.size(); i++) {
            if (slots.get(i) instanceof RatioSlot r && (r.num == null || r.den == null)) {
                slots.set(i, new RatioSlot(r.spec, byName.get(r.spec.numerator()), byName.get(r.spec.denominator())));
            }
        }
        this.all = slots.toArray(new Slot[0]);
        this.updating = upd.toArray(new Slot[0]);
        this.valueSlots = layout.values;
        this.objectSlots = layout.objects;
    }

    /** The compiled feature named {@code name}, or null. */
    Slot slot(String name) {
        for (Slot s : all) {
            if (s.spec.name().equals(name)) {
                return s;
            }
        }
        return null;
    }

    /** The small integer for an event type; 0 for a type no feature names. */
    int typeId(String type) {
        Integer id = typeIds.get(type);
        return id == null ? 0 : id;
    }

    ProfileState newState(String user) {
        ProfileState s = new ProfileState(user, valueSlots, objectSlots);
        for (Slot slot : updating) {
            slot.init(s);
        }
        return s;
    }

    /** Applies an accepted event to every feature whose types match. Caller holds the state's lock. */
    void apply(ProfileState s, Event e, int typeId) {
        for (Slot slot : updating) {
            if (slot.matches[typeId]) {
                slot.apply(s, e);
            }
        }
    }

    /** Evaluates every feature as of {@code asOf}. Caller holds the state's lock. */
    LinkedHashMap<String, Object> read(ProfileState s, long asOf) {
        LinkedHashMap<String, Object> out = new LinkedHashMap<>(all.length * 2);
        for (Slot slot : all) {
            out.put(slot.spec.name(), slot.value(s, asOf));
        }
        return out;
    }

    /** Running offsets into the two state arrays. */
    private static final class Layout {
        int values;
        int objects;

        int values(int n) {
            int at = values;
            values += n;
            return at;
        }

        int objects(int n) {
            int at = objects;
            objects += n;
            return at;
        }
    }

    /** One compiled feature. */
    abstract static class Slot {
        final FeatureSpec spec;
        final boolean[] matches;

        Slot(FeatureSpec spec, boolean[] matches) {
            this.spec = spec;
            this.matches = matches;
        }

        void init(ProfileState s) {
        }

        abstract void apply(ProfileState s, Event e);

        abstract Object value(ProfileState s, long asOf);

        /** The value as a double for ratios; NaN when it is null. */
        double numeric(ProfileState s, long asOf) {
            Object v = value(s, asOf);
            return v instanceof Number n ? n.doubleValue() : Double.NaN;
        }

        /** Component {@code part} (see {@link #partIndex(String)}) as of {@code asOf}; NaN when missing. */
        double component(ProfileState s, long asOf, int part) {
            throw new IllegalStateException(spec.name() + " has no components");
        }

        /** Index of a component name, or -1 when this kind has no such component. */
        int partIndex(String part) {
            return -1;
        }

        /** The string value (last_value, leading top_k value), or null. Allocates nothing. */
        String string(ProfileState s) {
            throw new IllegalStateException(spec.name() + " has no string value");
        }

        /** The numeric field of {@code e}, or NaN when absent or not a number. */
        final double number(Event e) {
            return e.attr(spec.field()) instanceof Double d ? d : Double.NaN;
        }
    }

    static final class CountSlot extends Slot {
        private final int at;

        CountSlot(FeatureSpec f, boolean[] m, Layout l) {
            super(f, m);
            at = l.values(1);
        }

        @Override
        void apply(ProfileState s, Event e) {
            s.values[at] += 1.0;
        }

        @Override
        Object value(ProfileState s, long asOf) {
            return (long) s.values[at];
        }

        @Override
        double numeric(ProfileState s, long asOf) {
            return s.values[at];
        }
    }

    static final class SumSlot extends Slot {
        private final int at;

        SumSlot(FeatureSpec f, boolean[] m, Layout l) {
            super(f, m);
            at = l.values(1);
        }

        @Override
        void apply(ProfileState s, Event e) {
            double x = number(e);
            if (x == x) {
                s.values[at] += x;
            }
        }

        @Override
        Object value(ProfileState s, long asOf) {
            return s.values[at];
        }

        @Override
        double numeric(ProfileState s, long asOf) {
            return s.values[at];
        }
    }

    static final class DecayedSlot extends Slot {
        private final int at;
        private final double rate;
        private final boolean weighted;

        DecayedSlot(FeatureSpec f, boolean[] m, Layout l) {
            super(f, m);
            at = l.values(ExponentialDecay.SLOTS);
            rate = ExponentialDecay.rate(f.halfLife().toMillis());
            weighted = f.kind() == FeatureKind.DECAYED_SUM;
        }

        @Override
        void init(ProfileState s) {
            ExponentialDecay.init(s.values, at);
        }

        @Override
        void apply(ProfileState s, Event e) {
            double x = weighted ? number(e) : 1.0;
            if (x == x) {
                ExponentialDecay.add(s.values, at, e.timestamp(), x, rate);
            }
        }

        @Override
        Object value(ProfileState s, long asOf) {
            return numeric(s, asOf);
        }

        @Override
        double numeric(ProfileState s, long asOf) {
            return ExponentialDecay.valueAt(s.values, at, asOf, rate);
        }
    }

    static final class WindowSlot extends Slot {
        private final int at;
        private final int n;
        private final long width;
        private final boolean weighted;

        WindowSlot(FeatureSpec f, boolean[] m, Layout l) {
            super(f, m);
            n = f.buckets();
            width = f.window().toMillis() / n;
            at = l.values(BucketRing.slots(n));
            weighted = f.kind() == FeatureKind.WINDOW_SUM;
        }

        @Override
        void init(ProfileState s) {
            BucketRing.init(s.values, at, n);
        }

        @Override
        void apply(ProfileState s, Event e) {
            double x = weighted ? number(e) : 1.0;
            if (x == x) {
                BucketRing.add(s.values, at, n, Math.floorDiv(e.timestamp(), width), x);
            }
        }

        @Override
        Object value(ProfileState s, long asOf) {
            double v = numeric(s, asOf);
            return weighted ? (Object) v : (Object) Math.round(v);
        }

        @Override
        double numeric(ProfileState s, long asOf) {
            return BucketRing.sum(s.values, at, n, Math.floorDiv(asOf, width));
        }
    }

    static final class StatsSlot extends Slot {
        private final int at;

        StatsSlot(FeatureSpec f, boolean[] m, Layout l) {
            super(f, m);
            at = l.values(RunningMoments.SLOTS);
        }

        @Override
        void init(ProfileState s) {
            RunningMoments.init(s.values, at);
        }

        @Override
        void apply(ProfileState s, Event e) {
            double x = number(e);
            if (x == x) {
                RunningMoments.add(s.values, at, x);
            }
        }

        @Override
        Object value(ProfileState s, long asOf) {
            long n = RunningMoments.count(s.values, at);
            if (n == 0) {
                return null;
            }
            return new StatsValue(n, RunningMoments.mean(s.values, at), RunningMoments.populationStd(s.values, at),
                    RunningMoments.min(s.values, at), RunningMoments.max(s.values, at));
        }

        @Override
        int partIndex(String part) {
            return List.of("count", "mean", "std", "min", "max").indexOf(part);
        }

        @Override
        double component(ProfileState s, long asOf, int part) {
            double n = s.values[at];
            return switch (part) {
                case 0 -> n;
                case 1 -> RunningMoments.mean(s.values, at);
                case 2 -> RunningMoments.populationStd(s.values, at);
                case 3 -> n == 0 ? Double.NaN : RunningMoments.min(s.values, at);
                default -> n == 0 ? Double.NaN : RunningMoments.max(s.values, at);
            };
        }
    }

    static final class RecencySlot extends Slot {
        private final int at;

        RecencySlot(FeatureSpec f, boolean[] m, Layout l) {
            super(f, m);
            at = l.values(1);
        }

        @Override
        void init(ProfileState s) {
            s.values[at] = Double.NEGATIVE_INFINITY;
        }

        @Override
        void apply(ProfileState s, Event e) {
            if (e.timestamp() > s.values[at]) {
                s.values[at] = e.timestamp();
            }
        }

        @Override
        Object value(ProfileState s, long asOf) {
            double v = numeric(s, asOf);
            return v == v ? (Object) v : null;
        }

        @Override
        double numeric(ProfileState s, long asOf) {
            double t = s.values[at];
            return t == Double.NEGATIVE_INFINITY ? Double.NaN : (asOf - (long) t) / 1000.0;
        }
    }

    static final class FirstSeenSlot extends Slot {
        private final int at;

        FirstSeenSlot(FeatureSpec f, boolean[] m, Layout l) {
            super(f, m);
            at = l.values(1);
        }

        @Override
        void init(ProfileState s) {
            s.values[at] = Double.POSITIVE_INFINITY;
        }

        @Override
        void apply(ProfileState s, Event e) {
            if (e.timestamp() < s.values[at]) {
                s.values[at] = e.timestamp();
            }
        }

        @Override
        Object value(ProfileState s, long asOf) {
            double t = s.values[at];
            return t == Double.POSITIVE_INFINITY ? null : (Object) (long) t;
        }

        @Override
        double numeric(ProfileState s, long asOf) {
            double t = s.values[at];
            return t == Double.POSITIVE_INFINITY ? Double.NaN : t;
        }
    }

    static final class LastValueSlot extends Slot {
        private final int time;
        private final int value;

        LastValueSlot(FeatureSpec f, boolean[] m, Layout l) {
            super(f, m);
            time = l.values(1);
            value = l.objects(1);
        }

        @Override
        void init(ProfileState s) {
            s.values[time] = Double.NEGATIVE_INFINITY;
        }

        @Override
        void apply(ProfileState s, Event e) {
            if (e.attr(spec.field()) instanceof String v && e.timestamp() >= s.values[time]) {
                s.values[time] = e.timestamp(); // ties: the event accepted last wins
                s.objects[value] = v;
            }
        }

        @Override
        Object value(ProfileState s, long asOf) {
            return s.objects[value];
        }

        @Override
        String string(ProfileState s) {
            return (String) s.objects[value];
        }
    }

    static final class DistinctSlot extends Slot {
        private final int at;

        DistinctSlot(FeatureSpec f, boolean[] m, Layout l) {
            super(f, m);
            at = l.objects(1);
        }

        @Override
        void apply(ProfileState s, Event e) {
            if (e.attr(spec.field()) instanceof String v) {
                DistinctCounter c = (DistinctCounter) s.objects[at];
                if (c == null) {
                    c = new DistinctCounter(DistinctCounter.DEFAULT_EXACT_LIMIT);
                    s.objects[at] = c;
                }
                c.add(v);
            }
        }

        @Override
        Object value(ProfileState s, long asOf) {
            DistinctCounter c = (DistinctCounter) s.objects[at];
            return c == null ? 0L : c.count();
        }

        @Override
        double numeric(ProfileState s, long asOf) {
            DistinctCounter c = (DistinctCounter) s.objects[at];
            return c == null ? 0.0 : c.count();
        }
    }

    static final class TopKSlot extends Slot {
        private final int at;
        private final double rate;

        TopKSlot(FeatureSpec f, boolean[] m, Layout l) {
            super(f, m);
            at = l.objects(1);
            rate = f.halfLife() == null ? 0.0 : ExponentialDecay.rate(f.halfLife().toMillis());
        }

        @Override
        void apply(ProfileState s, Event e) {
            if (e.attr(spec.field()) instanceof String v) {
                TopKCounter c = (TopKCounter) s.objects[at];
                if (c == null) {
                    c = new TopKCounter(spec.capacity(), rate);
                    s.objects[at] = c;
                }
                c.add(v, e.timestamp());
            }
        }

        @Override
        Object value(ProfileState s, long asOf) {
            TopKCounter c = (TopKCounter) s.objects[at];
            return c == null ? List.of() : List.copyOf(c.top(spec.k(), asOf));
        }

        @Override
        String string(ProfileState s) {
            TopKCounter c = (TopKCounter) s.objects[at];
            return c == null ? null : c.leading();
        }
    }

    static final class SessionsSlot extends Slot {
        private final int at;
        private final long gap;
        private final long lateness;

        SessionsSlot(FeatureSpec f, boolean[] m, Layout l, long lateness) {
            super(f, m);
            at = l.objects(1);
            gap = f.gap().toMillis();
            this.lateness = lateness;
        }

        @Override
        void apply(ProfileState s, Event e) {
            SessionTracker t = (SessionTracker) s.objects[at];
            if (t == null) {
                t = new SessionTracker(gap);
                s.objects[at] = t;
            }
            t.add(e.timestamp());
            if (lateness >= 0) {
                // every future accepted event has t >= maxAccepted - lateness
                t.closeBefore(s.maxAccepted - lateness - gap);
            }
        }

        @Override
        Object value(ProfileState s, long asOf) {
            SessionTracker t = (SessionTracker) s.objects[at];
            if (t == null || t.count() == 0) {
                return new SessionsValue(0, null);
            }
            return new SessionsValue(t.count(), t.totalDurationMs() / 1000.0 / t.count());
        }

        @Override
        int partIndex(String part) {
            return List.of("count", "mean_duration_s").indexOf(part);
        }

        @Override
        double component(ProfileState s, long asOf, int part) {
            SessionTracker t = (SessionTracker) s.objects[at];
            long n = t == null ? 0 : t.count();
            if (part == 0) {
                return n;
            }
            return n == 0 ? Double.NaN : t.totalDurationMs() / 1000.0 / n;
        }
    }

    static final class RatioSlot extends Slot {
        final Slot num;
        final Slot den;

        RatioSlot(FeatureSpec f, Slot num, Slot den) {
            super(f, null);
            this.num = num;
            this.den = den;
        }

        @Override
        void apply(ProfileState s, Event e) {
            throw new IllegalStateException("ratios are computed on read");
        }

        @Override
        Object value(ProfileState s, long asOf) {
            double d = numeric(s, asOf);
            return d == d ? (Object) d : null;
        }

        @Override
        double numeric(ProfileState s, long asOf) {
            double a = num.numeric(s, asOf);
            double b = den.numeric(s, asOf);
            return a != a || b != b || b == 0.0 ? Double.NaN : a / b;
        }
    }
}
