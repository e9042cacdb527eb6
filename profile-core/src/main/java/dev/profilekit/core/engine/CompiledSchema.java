package dev.profilekit.core.engine;

import dev.profilekit.features.codec.ByteReader;
import dev.profilekit.features.codec.ByteWriter;
import dev.profilekit.features.hash.HashMix;

import dev.profilekit.core.schema.FeatureKind;
import dev.profilekit.core.schema.FeatureSpec;
import dev.profilekit.core.schema.ProfileSchema;
import dev.profilekit.core.spi.FeatureAccess;
import dev.profilekit.core.spi.FeatureReader;
import dev.profilekit.core.spi.InvalidEventException;
import dev.profilekit.core.spi.LiveModel;
import dev.profilekit.core.spi.UserView;

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
 *
 * <p>Reading as of a time T is the one place values are evaluated ({@link #read} for profiles,
 * {@link Slot#numeric(UserView, long)} for the live models): a value that is not finite as of T (a ratio or a
 * window sum that overflows as time moves, a quotient over a decayed value that underflowed) reads as null,
 * or NaN (missing) for a model, exactly as a zero denominator does. Overflow checked when an event is applied
 * ({@link #apply}) cannot see later read times, so this rule covers them.
 */
final class CompiledSchema implements FeatureAccess {

    final ProfileSchema schema;
    /** Allowed lateness in ms, or -1 when the schema sets none. */
    final long latenessMs;
    private final Slot[] all;
    private final Slot[] initialising;
    private final TypeTable types;
    /** plans[typeId]: what an event of that type updates; plans[0] serves every type no feature names. */
    private final UpdatePlan[] plans;
    private final int valueSlots;
    private final int objectSlots;
    private final int maxStringFields;
    /** Per-thread copies for putting a profile back when an event fails part-way (see {@link #apply}). */
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(this::newScratch);

    /**
     * Compiles {@code schema}; {@code extraTypes} are types that no feature needs to name but that the live
     * models watch (they get their own ids).
     */
    CompiledSchema(ProfileSchema schema, java.util.Collection<String> extraTypes) {
        this.schema = schema;
        this.latenessMs = schema.allowedLateness().map(d -> d.toMillis()).orElse(-1L);
        List<String> typeNames = new ArrayList<>();
        for (FeatureSpec f : schema.features()) {
            for (String t : f.types()) {
                if (!typeNames.contains(t)) {
                    typeNames.add(t); // ids from 1: 0 stands for every other type
                }
            }
        }
        for (String t : extraTypes) {
            if (!typeNames.contains(t)) {
                typeNames.add(t);
            }
        }
        this.types = new TypeTable(typeNames);
        int nTypes = typeNames.size() + 1;
        UpdatePlan.Builder[] builders = new UpdatePlan.Builder[nTypes];
        for (int i = 0; i < nTypes; i++) {
            builders[i] = new UpdatePlan.Builder(latenessMs);
        }
        Layout layout = new Layout();
        Map<String, Slot> byName = new HashMap<>();
        List<Slot> slots = new ArrayList<>();
        List<Slot> init = new ArrayList<>();
        Map<Slot, List<UpdatePlan.Builder>> targetsOf = new java.util.IdentityHashMap<>();
        for (FeatureSpec f : schema.features()) {
            List<UpdatePlan.Builder> targets = new ArrayList<>();
            if (f.types().isEmpty()) {
                targets.addAll(List.of(builders));
            } else {
                for (String t : f.types()) {
                    targets.add(builders[types.id(t)]);
                }
            }
            Slot s = switch (f.kind()) {
                case COUNT -> new CountSlot(f, layout);
                case SUM -> new SumSlot(f, layout);
                case DECAYED_COUNT, DECAYED_SUM -> new DecayedSlot(f, layout);
                case WINDOW_COUNT, WINDOW_SUM -> new WindowSlot(f, layout);
                case STATS -> new StatsSlot(f, layout);
                case RECENCY -> new RecencySlot(f, layout);
                case FIRST_SEEN -> new FirstSeenSlot(f, layout);
                case LAST_VALUE -> new LastValueSlot(f, layout);
                case DISTINCT_COUNT -> new DistinctSlot(f, layout);
                case TOP_K -> new TopKSlot(f, layout);
                case SESSIONS -> new SessionsSlot(f, layout);
                case RATIO -> new RatioSlot(f, byName.get(f.numerator()), byName.get(f.denominator()));
            };
            for (UpdatePlan.Builder b : targets) {
                s.compile(b);
            }
            targetsOf.put(s, targets);
            slots.add(s);
            byName.put(f.name(), s);
            init.add(s);
        }
        // a ratio may name features declared after it: resolve its operands once all slots exist
        for (int i = 0; i < slots.size(); i++) {
            if (slots.get(i) instanceof RatioSlot r && (r.num == null || r.den == null)) {
                slots.set(i, new RatioSlot(r.spec, byName.get(r.spec.numerator()), byName.get(r.spec.denominator())));
            }
        }
        this.all = slots.toArray(new Slot[0]);
        this.initialising = init.toArray(new Slot[0]);
        this.plans = new UpdatePlan[nTypes];
        int strings = 0;
        for (int i = 0; i < nTypes; i++) {
            UpdatePlan plan = builders[i].build();
            if (plan.isEmpty()) {
                plan = UpdatePlan.EMPTY;
            } else {
                plan.checked(checkedBy(slots, targetsOf, builders[i]));
            }
            plans[i] = plan;
            strings = Math.max(strings, plan.stringFields());
        }
        this.maxStringFields = strings;
        this.valueSlots = layout.values;
        this.objectSlots = layout.objects;
    }

    /** The slots whose values an event of the plan of {@code b} can change: its own, and ratios over them. */
    private static Slot[] checkedBy(List<Slot> slots, Map<Slot, List<UpdatePlan.Builder>> targetsOf,
                                    UpdatePlan.Builder b) {
        List<Slot> out = new ArrayList<>();
        for (Slot s : slots) {
            if (s instanceof RatioSlot r) {
                if (targetsOf.getOrDefault(r.num, List.of()).contains(b)
                        || targetsOf.getOrDefault(r.den, List.of()).contains(b)) {
                    out.add(s);
                }
            } else if (targetsOf.getOrDefault(s, List.of()).contains(b) && s.canOverflow()) {
                out.add(s);
            }
        }
        return out.toArray(new Slot[0]);
    }

    /** Every compiled feature, in schema order. */
    Slot[] slots() {
        return all;
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

    @Override
    public FeatureReader reader(String name) {
        return slot(name);
    }

    @Override
    public long latenessMs() {
        return latenessMs;
    }

    /** The small integer for an event type; 0 for a type no feature names. Allocates nothing. */
    @Override
    public int typeId(String type) {
        return types.id(type);
    }

    /** The schema compiled. */
    public ProfileSchema schema() {
        return schema;
    }

    ProfileState newState(String user) {
        ProfileState s = new ProfileState(user, valueSlots, objectSlots);
        for (Slot slot : initialising) {
            slot.init(s);
        }
        return s;
    }

    /**
     * Per-thread scratch space: a copy of a profile's {@code double[]} and the string attributes read. The
     * object slots need no copy: phase 1 only fills empty slots with empty counters (which read like no
     * counter), and everything else that writes them runs in the commit.
     */
    static final class Scratch {
        final double[] values;
        final String[] strings;
        /** The fingerprint of the event id being decided and applied ({@link SeenIds#idHash}). */
        final long[] idHash = new long[2];

        Scratch(int values, int strings) {
            this.values = new double[values];
            this.strings = new String[strings];
        }
    }

    private Scratch newScratch() {
        return new Scratch(valueSlots, maxStringFields);
    }

    /** This thread's scratch space. */
    Scratch scratch() {
        return scratch.get();
    }

    /**
     * Applies an accepted event with type id {@code typeId}, all or nothing: prepares the object kinds
     * (allocation only), keeps a copy of the profile's {@code double[]}, applies the numeric kinds, checks that every
     * value they changed is finite as of {@code readAt} and that {@code check} passes, and only then commits
     * the object kinds and last values, which cannot fail. On any failure the array is put back and the failure is thrown;
     * a non-finite value is thrown as {@link InvalidEventException} with reason {@code OVERFLOW}. Caller holds
     * the state's lock.
     *
     * @param check live models whose inputs are checked after the numeric update and before anything
     *              irreversible ({@link LiveModel#checkInputs}), or null
     */
    void apply(ProfileState s, Event e, int typeId, long readAt, LiveModel<?> check, Scratch sc) {
        UpdatePlan plan = plans[typeId];
        if (plan == UpdatePlan.EMPTY && check == null) {
            return;
        }
        long t = e.timestamp();
        String[] read = sc.strings;
        plan.prepare(s, e, read);
        System.arraycopy(s.values, 0, sc.values, 0, valueSlots);
        try {
            plan.applyRestorable(s, e, t, read);
            if (plan.overflowed(s, readAt)) {
                throw new InvalidEventException(InvalidEventException.Reason.OVERFLOW, "event '" + e.id()
                        + "' of user '" + s.user + "' would make a feature value non-finite");
            }
            if (check != null) {
                check.checkInputs(s, readAt);
            }
        } catch (RuntimeException | Error failure) {
            System.arraycopy(sc.values, 0, s.values, 0, valueSlots);
            throw failure;
        }
        plan.commit(s, t, read);
    }

    /**
     * Evaluates every feature as of {@code asOf}; a value that is not finite as of {@code asOf} is null (the
     * specification's rule for reads). Caller holds the state's lock.
     */
    LinkedHashMap<String, Object> read(ProfileState s, long asOf) {
        LinkedHashMap<String, Object> out = new LinkedHashMap<>(all.length * 2);
        for (Slot slot : all) {
            Object v = slot.value(s, asOf);
            out.put(slot.spec.name(), v instanceof Double d && !Double.isFinite(d) ? null : v);
        }
        return out;
    }

    /** {@code x}, or NaN (a missing value) when it is infinite: the read rule for model inputs. */
    static double finiteOrMissing(double x) {
        return Double.isInfinite(x) ? Double.NaN : x;
    }

    /**
     * Event type names to ids without boxing: an open-addressing table of the names with their hashes,
     * probed linearly. A few entries, built once, read by every event.
     */
    private static final class TypeTable {
        private final String[] names;
        private final int[] hashes;
        private final int[] ids;
        private final int mask;

        TypeTable(List<String> typeNames) {
            int cap = Integer.highestOneBit(Math.max(4, typeNames.size() * 4 - 1)) << 1;
            names = new String[cap];
            hashes = new int[cap];
            ids = new int[cap];
            mask = cap - 1;
            for (int i = 0; i < typeNames.size(); i++) {
                String t = typeNames.get(i);
                int h = t.hashCode();
                int j = HashMix.spread(h) & mask;
                while (names[j] != null) {
                    j = (j + 1) & mask;
                }
                names[j] = t;
                hashes[j] = h;
                ids[j] = i + 1;
            }
        }

        int id(String type) {
            int h = type.hashCode();
            for (int j = HashMix.spread(h) & mask; ; j = (j + 1) & mask) {
                String n = names[j];
                if (n == null) {
                    return 0;
                }
                if (hashes[j] == h && (n == type || n.equals(type))) {
                    return ids[j];
                }
            }
        }
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
    abstract static class Slot implements FeatureReader {
        final FeatureSpec spec;

        Slot(FeatureSpec spec) {
            this.spec = spec;
        }

        void init(ProfileState s) {
        }

        /** Adds this feature's updates to the plan of one event type it counts. */
        abstract void compile(UpdatePlan.Builder plan);

        /** Whether a finite update can make this feature's value non-finite (sums, decays, windows, moments). */
        boolean canOverflow() {
            return false;
        }

        /** Whether this feature reads as non-finite as of {@code asOf} (NaN counts where it cannot mean "none"). */
        boolean overflowed(ProfileState s, long asOf) {
            return !Double.isFinite(numeric(s, asOf));
        }

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

        /** The index in {@code ProfileState.objects} this feature owns, or -1 when it keeps only doubles. */
        int objectSlot() {
            return -1;
        }

        /** Writes this feature's (non-null) object for the state codec. */
        void encodeObject(Object o, ByteWriter w) {
            throw new IllegalStateException(spec.name() + " keeps no object");
        }

        /** Reads what {@link #encodeObject} wrote. */
        Object decodeObject(ByteReader r) {
            throw new IllegalStateException(spec.name() + " keeps no object");
        }

        /** The string value (last_value, leading top_k value), or null. Allocates nothing. */
        String string(ProfileState s) {
            throw new IllegalStateException(spec.name() + " has no string value");
        }

        @Override
        public FeatureSpec spec() {
            return spec;
        }

        @Override
        public String part() {
            return null;
        }

        /** The value a live model reads: NaN (missing) when it is null or not finite as of {@code asOf}. */
        @Override
        public double numeric(UserView user, long asOf) {
            return finiteOrMissing(numeric((ProfileState) user, asOf));
        }

        @Override
        public String string(UserView user) {
            return string((ProfileState) user);
        }

        @Override
        public FeatureReader part(String part) {
            int index = partIndex(part);
            return index < 0 ? null : new PartReader(this, part, index);
        }
    }

    /** One component of a stats or sessions feature, as a {@link FeatureReader}. */
    private record PartReader(Slot slot, String part, int index) implements FeatureReader {
        @Override
        public FeatureSpec spec() {
            return slot.spec;
        }

        @Override
        public double numeric(UserView user, long asOf) {
            return finiteOrMissing(slot.component((ProfileState) user, asOf, index));
        }

        @Override
        public String string(UserView user) {
            throw new IllegalStateException(slot.spec.name() + "." + part + " has no string value");
        }

        @Override
        public FeatureReader part(String p) {
            return null;
        }
    }

    static final class CountSlot extends Slot {
        private final int at;

        CountSlot(FeatureSpec f, Layout l) {
            super(f);
            at = l.values(1);
        }

        @Override
        void compile(UpdatePlan.Builder b) {
            b.numeric(null).sum(at);
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

        SumSlot(FeatureSpec f, Layout l) {
            super(f);
            at = l.values(1);
        }

        @Override
        boolean canOverflow() {
            return true;
        }

        @Override
        void compile(UpdatePlan.Builder b) {
            b.numeric(spec.field()).sum(at);
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

        DecayedSlot(FeatureSpec f, Layout l) {
            super(f);
            at = l.values(ExponentialDecay.SLOTS);
            rate = ExponentialDecay.rate(f.halfLife().toMillis());
            weighted = f.kind() == FeatureKind.DECAYED_SUM;
        }

        @Override
        void init(ProfileState s) {
            ExponentialDecay.init(s.values, at);
        }

        @Override
        boolean canOverflow() {
            return true;
        }

        /**
         * The stored value decays towards the read time ({@code asOf} is never before its reference time), so
         * the read is finite exactly when the stored value is: no {@code Math.exp} needed.
         */
        @Override
        boolean overflowed(ProfileState s, long asOf) {
            return !Double.isFinite(s.values[at]);
        }

        @Override
        void compile(UpdatePlan.Builder b) {
            b.numeric(weighted ? spec.field() : null).decayed(at, rate);
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

        WindowSlot(FeatureSpec f, Layout l) {
            super(f);
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
        boolean canOverflow() {
            return true;
        }

        @Override
        void compile(UpdatePlan.Builder b) {
            b.numeric(weighted ? spec.field() : null).ring(at, n, width);
        }

        /** A window sum whose buckets overflow when summed as of {@code asOf} reads as null (not Infinity). */
        @Override
        Object value(ProfileState s, long asOf) {
            double v = numeric(s, asOf);
            if (!Double.isFinite(v)) {
                return null;
            }
            return weighted ? (Object) v : (Object) Math.round(v);
        }

        @Override
        double numeric(ProfileState s, long asOf) {
            return BucketRing.sum(s.values, at, n, Math.floorDiv(asOf, width));
        }
    }

    static final class StatsSlot extends Slot {
        private final int at;

        StatsSlot(FeatureSpec f, Layout l) {
            super(f);
            at = l.values(RunningMoments.SLOTS);
        }

        @Override
        void init(ProfileState s) {
            RunningMoments.init(s.values, at);
        }

        @Override
        boolean canOverflow() {
            return true;
        }

        /** Mean, standard deviation (from M2), min and max are finite exactly when the stored moments are. */
        @Override
        boolean overflowed(ProfileState s, long asOf) {
            double[] v = s.values;
            if (v[at] == 0) {
                return false; // no value yet (the event may lack the attribute): nothing to overflow
            }
            for (int i = 1; i < RunningMoments.SLOTS; i++) {
                if (!Double.isFinite(v[at + i])) {
                    return true;
                }
            }
            return false;
        }

        @Override
        void compile(UpdatePlan.Builder b) {
            b.numeric(spec.field()).moments(at);
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

        RecencySlot(FeatureSpec f, Layout l) {
            super(f);
            at = l.values(1);
        }

        @Override
        void init(ProfileState s) {
            s.values[at] = Double.NEGATIVE_INFINITY;
        }

        @Override
        void compile(UpdatePlan.Builder b) {
            b.recency(at);
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

        FirstSeenSlot(FeatureSpec f, Layout l) {
            super(f);
            at = l.values(1);
        }

        @Override
        void init(ProfileState s) {
            s.values[at] = Double.POSITIVE_INFINITY;
        }

        @Override
        void compile(UpdatePlan.Builder b) {
            b.firstSeen(at);
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

        LastValueSlot(FeatureSpec f, Layout l) {
            super(f);
            time = l.values(1);
            value = l.objects(1);
        }

        @Override
        void init(ProfileState s) {
            s.values[time] = Double.NEGATIVE_INFINITY;
        }

        @Override
        void compile(UpdatePlan.Builder b) {
            b.string(spec.field()).lastValue(time, value);
        }

        @Override
        Object value(ProfileState s, long asOf) {
            return s.objects[value];
        }

        @Override
        String string(ProfileState s) {
            return (String) s.objects[value];
        }

        @Override
        int objectSlot() {
            return value;
        }

        @Override
        void encodeObject(Object o, ByteWriter w) {
            w.string((String) o);
        }

        @Override
        Object decodeObject(ByteReader r) {
            return r.string();
        }
    }

    static final class DistinctSlot extends Slot {
        private final int at;

        DistinctSlot(FeatureSpec f, Layout l) {
            super(f);
            at = l.objects(1);
        }

        @Override
        void compile(UpdatePlan.Builder b) {
            b.string(spec.field()).distinct(at);
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

        @Override
        int objectSlot() {
            return at;
        }

        @Override
        void encodeObject(Object o, ByteWriter w) {
            ((DistinctCounter) o).encode(w);
        }

        @Override
        Object decodeObject(ByteReader r) {
            return DistinctCounter.decode(r, DistinctCounter.DEFAULT_EXACT_LIMIT);
        }
    }

    static final class TopKSlot extends Slot {
        private final int at;
        /** The half-life in ms, 0 for plain counts. */
        private final long halfLifeMs;

        TopKSlot(FeatureSpec f, Layout l) {
            super(f);
            at = l.objects(1);
            halfLifeMs = f.halfLife() == null ? 0L : f.halfLife().toMillis();
        }

        @Override
        void compile(UpdatePlan.Builder b) {
            b.string(spec.field()).topK(at, spec.capacity(), halfLifeMs);
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

        @Override
        int objectSlot() {
            return at;
        }

        @Override
        void encodeObject(Object o, ByteWriter w) {
            ((TopKCounter) o).encode(w);
        }

        @Override
        Object decodeObject(ByteReader r) {
            return TopKCounter.decode(r, spec.capacity(), halfLifeMs);
        }
    }

    static final class SessionsSlot extends Slot {
        private final int at;
        private final long gap;

        SessionsSlot(FeatureSpec f, Layout l) {
            super(f);
            at = l.objects(1);
            gap = f.gap().toMillis();
        }

        @Override
        void compile(UpdatePlan.Builder b) {
            b.sessions(at, gap);
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

        @Override
        int objectSlot() {
            return at;
        }

        @Override
        void encodeObject(Object o, ByteWriter w) {
            ((SessionTracker) o).encode(w);
        }

        @Override
        Object decodeObject(ByteReader r) {
            return SessionTracker.decode(r, gap);
        }
    }

    static final class RatioSlot extends Slot {
        final Slot num;
        final Slot den;

        RatioSlot(FeatureSpec f, Slot num, Slot den) {
            super(f);
            this.num = num;
            this.den = den;
        }

        /** An event that makes the ratio infinite as of its own time is still rejected ({@code OVERFLOW}). */
        @Override
        boolean overflowed(ProfileState s, long asOf) {
            return Double.isInfinite(quotient(s, asOf)); // NaN is a missing ratio (0 or null denominator)
        }

        @Override
        void compile(UpdatePlan.Builder b) {
            // computed on read
        }

        @Override
        Object value(ProfileState s, long asOf) {
            double d = numeric(s, asOf);
            return d == d ? (Object) d : null;
        }

        /** The ratio as of {@code asOf}; NaN (null) when an operand is null, the denominator 0 or the quotient not finite. */
        @Override
        double numeric(ProfileState s, long asOf) {
            return finiteOrMissing(quotient(s, asOf));
        }

        /**
         * The operands' values as read (a decayed operand may have underflowed to a subnormal or 0) divided; NaN
         * when an operand is null or the denominator 0, and possibly infinite.
         */
        private double quotient(ProfileState s, long asOf) {
            double a = num.numeric(s, asOf);
            double b = den.numeric(s, asOf);
            return a != a || b != b || b == 0.0 ? Double.NaN : a / b;
        }
    }
}
