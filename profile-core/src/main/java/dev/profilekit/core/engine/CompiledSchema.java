package dev.profilekit.core.engine;

import dev.profilekit.features.hash.HashMix;
import dev.profilekit.features.streaming.StringDictionary;

import dev.profilekit.core.schema.FeatureSpec;
import dev.profilekit.core.schema.ProfileSchema;
import dev.profilekit.core.spi.FeatureAccess;
import dev.profilekit.core.spi.FeatureReader;
import dev.profilekit.core.spi.InvalidEventException;
import dev.profilekit.core.spi.LiveModel;
import dev.profilekit.core.spi.UserView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A schema compiled once into slots: each feature (compiled by its kind's class, see {@link CompiledFeature} and
 * {@link FeatureKinds}) owns offsets into the per-profile {@code double[]}
 * (all scalar state, counts and times included) and {@code Object[]} arrays, and event types are mapped to small integers so that
 * type matching is an array lookup. Applying an event to scalar features allocates nothing.
 * Derived values (ratios) are computed on read.
 *
 * <p>Reading as of a time T is the one place values are evaluated ({@link #read} for profiles,
 * {@link CompiledFeature#numeric(UserView, long)} for the live models): a value that is not finite as of T (a ratio or a
 * window sum that overflows as time moves, a quotient over a decayed value that underflowed) reads as null,
 * or NaN (missing) for a model, exactly as a zero denominator does. Overflow checked when an event is applied
 * ({@link #apply}) cannot see later read times, so this rule covers them.
 */
final class CompiledSchema implements FeatureAccess {

    final ProfileSchema schema;
    /** Allowed lateness in ms, or -1 when the schema sets none. */
    final long latenessMs;
    private final CompiledFeature[] all;
    private final TypeTable types;
    /** The event types with an id, in id order (id 1 first; 0 stands for every other type). */
    private final List<String> typeNames;
    /** plans[typeId]: what an event of that type updates; plans[0] serves every type no feature names. */
    private final UpdatePlan[] plans;
    private final int valueSlots;
    private final int objectSlots;
    /** The stripe of a state with no history (every kind's init), copied into each new state. */
    private final double[] initial;
    private final int maxStringFields;
    /**
     * The dictionary of the profiles {@link #adopt adopted} (an updater's table), or null: then every string is kept
     * as it came (states of a kernel, copies, history).
     */
    private final StringDictionary dictionary;
    /**
     * The object slot holding an adopted state's dictionary (null: not adopted), or -1 when no feature codes
     * strings.
     */
    private final int dictSlot;
    /** The features whose objects keep coded strings. */
    private final CompiledFeature[] coders;
    /** Per-thread copies for putting a profile back when an event fails part-way (see {@link #apply}). */
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(this::newScratch);

    /**
     * Compiles {@code schema}; {@code extraTypes} are types that no feature needs to name but that the live
     * models watch (they get their own ids).
     */
    CompiledSchema(ProfileSchema schema, java.util.Collection<String> extraTypes) {
        this(schema, extraTypes, FeatureKinds.STANDARD);
    }

    /** Compiles {@code schema} with the feature kinds of {@code kinds}. */
    CompiledSchema(ProfileSchema schema, java.util.Collection<String> extraTypes, FeatureKinds kinds) {
        this(schema, extraTypes, kinds, null);
    }

    /**
     * Compiles {@code schema} with the feature kinds of {@code kinds}; the profiles {@link #adopt}ed code their
     * strings in {@code dictionary} (null: no coding).
     */
    CompiledSchema(ProfileSchema schema, java.util.Collection<String> extraTypes, FeatureKinds kinds,
                   StringDictionary dictionary) {
        this.schema = schema;
        this.dictionary = dictionary;
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
        this.typeNames = List.copyOf(typeNames);
        int nTypes = typeNames.size() + 1;
        UpdatePlan.Builder[] builders = new UpdatePlan.Builder[nTypes];
        for (int i = 0; i < nTypes; i++) {
            builders[i] = new UpdatePlan.Builder(latenessMs);
        }
        Layout layout = new Layout();
        Map<String, CompiledFeature> byName = new HashMap<>();
        List<CompiledFeature> slots = new ArrayList<>();
        Map<CompiledFeature, List<UpdatePlan.Builder>> targetsOf = new java.util.IdentityHashMap<>();
        for (FeatureSpec f : schema.features()) {
            List<UpdatePlan.Builder> targets = new ArrayList<>();
            if (f.types().isEmpty()) {
                targets.addAll(List.of(builders));
            } else {
                for (String t : f.types()) {
                    targets.add(builders[types.id(t)]);
                }
            }
            CompiledFeature s = kinds.compile(f, layout);
            for (UpdatePlan.Builder b : targets) {
                b.feature(f.kind());
                s.compile(b);
            }
            targetsOf.put(s, targets);
            slots.add(s);
            byName.put(f.name(), s);
        }
        // a ratio may name features declared after it: resolve operands once all features exist
        for (CompiledFeature s : slots) {
            s.link(byName::get);
        }
        this.all = slots.toArray(new CompiledFeature[0]);
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
        this.coders = slots.stream().filter(CompiledFeature::codesStrings).toArray(CompiledFeature[]::new);
        this.dictSlot = coders.length == 0 ? -1 : layout.objects(1);
        this.valueSlots = layout.values;
        this.objectSlots = layout.objects;
        this.initial = initialStripe();
    }

    /**
     * The features whose values an event of the plan of {@code b} can change and that may overflow: its own that
     * {@link CompiledFeature#canOverflow() can}, and those computed from a feature it changes (ratios).
     */
    private static CompiledFeature[] checkedBy(List<CompiledFeature> slots,
                                               Map<CompiledFeature, List<UpdatePlan.Builder>> targetsOf,
                                               UpdatePlan.Builder b) {
        List<CompiledFeature> out = new ArrayList<>();
        for (CompiledFeature s : slots) {
            boolean operandChanges = false;
            for (CompiledFeature operand : s.operands()) {
                operandChanges |= targetsOf.getOrDefault(operand, List.of()).contains(b);
            }
            if (operandChanges || targetsOf.getOrDefault(s, List.of()).contains(b) && s.canOverflow()) {
                out.add(s);
            }
        }
        return out.toArray(new CompiledFeature[0]);
    }

    /** Every compiled feature, in schema order. */
    CompiledFeature[] slots() {
        return all;
    }

    /** The compiled feature named {@code name}, or null. */
    CompiledFeature slot(String name) {
        for (CompiledFeature s : all) {
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

    /** The event type of id {@code id} ({@link #typeId}), or null for 0 (every type no feature names). */
    String typeName(int id) {
        return id == 0 ? null : typeNames.get(id - 1);
    }

    /** Number of type ids, 0 included. */
    int typeIds() {
        return typeNames.size() + 1;
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

    /** A new state of {@code user} with no history, its stripe in a private page. */
    ProfileState newState(String user) {
        return new ProfileState(user, initial, objectSlots);
    }

    /**
     * A new state of {@code user} with no history, its stripe in a new slot of {@code into}, or in a private page
     * when {@code into} is null.
     */
    ProfileState newState(String user, Stripes into) {
        if (into == null) {
            return newState(user);
        }
        ProfileState s = new ProfileState(user, objectSlots);
        into.attach(s, initial, 0);
        return s;
    }

    /** The stripe of a state with no history: every kind's {@link CompiledFeature#init}. */
    private double[] initialStripe() {
        ProfileState s = new ProfileState("", new double[valueSlots], objectSlots);
        for (CompiledFeature slot : all) {
            slot.init(s);
        }
        return s.page;
    }

    /** Sets the stripe of {@code s} to that of a state with no history (expiry). Caller holds the lock. */
    void clearStripe(ProfileState s) {
        System.arraycopy(initial, 0, s.page, s.base, valueSlots);
    }

    /** Doubles per user's stripe. */
    int stride() {
        return valueSlots;
    }

    /** The dictionary of adopted profiles, or null. */
    StringDictionary dictionary() {
        return dictionary;
    }

    /** The dictionary {@code s} codes its strings in, or null when it was not adopted. */
    private StringDictionary dictionaryOf(ProfileState s) {
        return dictSlot < 0 ? null : (StringDictionary) s.objects[dictSlot];
    }

    /**
     * Makes {@code s} a profile of this schema's dictionary: the strings it keeps (a decoded state keeps them as
     * strings) are coded, and so are those it keeps from now on. For the states of an updater's table only: each
     * one must be {@link #release}d when it leaves the table, or its strings stay in the dictionary. Does nothing
     * without a dictionary or when {@code s} is adopted. Caller holds the state's lock (or owns it alone).
     */
    void adopt(ProfileState s) {
        if (dictionary == null || dictSlot < 0 || s.objects[dictSlot] != null) {
            return;
        }
        Object[] o = s.objects;
        o[dictSlot] = dictionary; // first: a failure part-way leaves a state that release() cleans up
        for (CompiledFeature f : coders) {
            int at = f.objectSlot();
            if (o[at] != null) {
                o[at] = f.adopt(o[at], dictionary);
            }
        }
    }

    /**
     * Gives back every code {@code s} holds in the dictionary (it leaves the table: evicted, expired, forgotten);
     * {@code s} reads the same afterwards, its strings kept as strings. Does nothing for a state not adopted.
     */
    void release(ProfileState s) {
        StringDictionary d = dictionaryOf(s);
        if (d == null) {
            return;
        }
        Object[] o = s.objects;
        for (CompiledFeature f : coders) {
            int at = f.objectSlot();
            if (o[at] != null) {
                o[at] = f.release(o[at], d);
            }
        }
        o[dictSlot] = null;
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
        /**
         * The dictionary codes pinned per string attribute while an event is applied (see
         * {@link UpdatePlan#prepare}).
         */
        final int[] pins;
        /** The codes the counters find each string attribute by (see {@link UpdatePlan#prepare}). */
        final int[] codes;

        Scratch(int values, int strings) {
            this.values = new double[values];
            this.strings = new String[strings];
            this.pins = new int[strings];
            this.codes = new int[strings];
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
        StringDictionary d = dictionaryOf(s);
        plan.prepare(s, e, read, d, sc.pins, sc.codes);
        try {
            System.arraycopy(s.page, s.base, sc.values, 0, valueSlots);
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
                System.arraycopy(sc.values, 0, s.page, s.base, valueSlots);
                throw failure;
            }
            plan.commit(s, t, read, d, sc.pins, sc.codes);
        } finally {
            plan.unpin(d, sc.pins);
        }
    }

    /**
     * Evaluates every feature as of {@code asOf}; a value that is not finite as of {@code asOf} is null (the
     * specification's rule for reads). Caller holds the state's lock.
     */
    LinkedHashMap<String, Object> read(ProfileState s, long asOf) {
        LinkedHashMap<String, Object> out = new LinkedHashMap<>(all.length * 2);
        for (CompiledFeature slot : all) {
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
}
