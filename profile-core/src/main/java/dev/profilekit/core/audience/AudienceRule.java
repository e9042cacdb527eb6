package dev.profilekit.core.audience;

import dev.profilekit.core.audience.RuleParser.Literal;
import dev.profilekit.core.audience.RuleParser.Node;
import dev.profilekit.core.schema.FeatureKind;
import dev.profilekit.core.schema.FeatureSpec;
import dev.profilekit.core.schema.ProfileSchema;
import dev.profilekit.core.spi.FeatureAccess;
import dev.profilekit.core.spi.FeatureReader;
import dev.profilekit.core.spi.UserView;
import dev.profilekit.features.streaming.ExponentialDecay;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One audience: a name and a rule over a user's profile, type-checked against a schema (the rule language is in
 * the specification, section "Audiences"; {@link RuleParser} has its grammar).
 *
 * <p>A rule is evaluated as of a time T on a user's state ({@link Bound#holds}); {@link Bound#nextChange} finds the
 * first millisecond after T at which the rule's value differs, when no event arrives in between. Between events a
 * feature is constant, moves monotonically with time (recency grows, a decayed value falls towards 0, a ratio over
 * them), or steps at bucket edges (windows); so the next change is found by checking each bucket edge and bisecting
 * each monotone stretch between edges over the engine's own reads, which makes the millisecond exact as the engine
 * evaluates the feature (its floating-point reads of recency and decay are monotone in T).
 */
public final class AudienceRule {

    /** A time no change happens before. */
    public static final long NEVER = Long.MAX_VALUE;
    /** How far from a closed-form guess the change is looked for before a full bisection. */
    private static final long GUESS_SLACK = 4;
    /** The latest time searched for a change (about 146 million years after the epoch). */
    static final long HORIZON = Long.MAX_VALUE / 2;

    private final String audience;
    private final String text;
    private final Expr expr;
    private final List<Atom> atoms;
    /** The atoms time can move, the only ones the search for the next change looks at. */
    private final Atom[] timeAtoms;

    private AudienceRule(String audience, String text, Expr expr, List<Atom> atoms) {
        this.audience = audience;
        this.text = text;
        this.expr = expr;
        this.atoms = atoms;
        this.timeAtoms = atoms.stream().filter(Atom::timeDependent).toArray(Atom[]::new);
    }

    /**
     * Parses and type-checks {@code rule} against {@code schema}.
     *
     * @throws AudienceDefinitionException naming the audience, the rule and the column of the first problem
     */
    public static AudienceRule compile(String audience, String rule, ProfileSchema schema) {
        if (audience == null || audience.isBlank()) {
            throw new IllegalArgumentException("an audience needs a name");
        }
        if (rule == null) {
            throw new AudienceDefinitionException(audience, "", 0, "the audience has no rule");
        }
        if (schema == null) {
            throw new IllegalArgumentException("schema must not be null");
        }
        Node tree;
        try {
            tree = RuleParser.parse(rule);
        } catch (RuleParser.RuleSyntaxError e) {
            throw new AudienceDefinitionException(audience, rule, e.column, e.getMessage());
        }
        List<Atom> atoms = new ArrayList<>();
        Expr expr = new Checker(audience, rule, schema, atoms).check(tree);
        return new AudienceRule(audience, rule, expr, List.copyOf(atoms));
    }

    /** The audience's name. */
    public String audience() {
        return audience;
    }

    /** The rule as written. */
    public String rule() {
        return text;
    }

    /** The names of the features the rule reads, in order of first use. */
    public List<String> features() {
        List<String> out = new ArrayList<>();
        for (Atom a : atoms) {
            if (!out.contains(a.spec.name())) {
                out.add(a.spec.name());
            }
        }
        return out;
    }

    /**
     * Whether an accepted event of {@code type} can change a feature the rule reads (a ratio's: its numerator's and
     * denominator's): one of them counts every type, or names this one. {@code null} stands for a type no feature
     * of the schema names. Otherwise the rule's value over time is as it was before the event.
     */
    public boolean changesWith(String type) {
        for (Atom a : atoms) {
            for (FeatureSpec f : a.inputs) {
                if (f.types().isEmpty() || (type != null && f.types().contains(type))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether the rule can change value with time alone (it reads a recency, decayed, window or ratio feature). */
    public boolean timeDependent() {
        return timeAtoms.length > 0;
    }

    /** The rule bound to a compiled schema's readers (the schema this rule was checked against). */
    public Bound bind(FeatureAccess access) {
        if (access == null) {
            throw new IllegalArgumentException("access must not be null");
        }
        FeatureReader[] readers = new FeatureReader[atoms.size()];
        FeatureReader[] counts = new FeatureReader[atoms.size()];
        for (int i = 0; i < readers.length; i++) {
            Atom a = atoms.get(i);
            FeatureReader r = access.reader(a.spec.name());
            if (r == null || !r.spec().equals(a.spec)) {
                throw new IllegalArgumentException("audience '" + audience + "': the engine's schema has no feature '"
                        + a.spec.name() + "' as the rule was checked against");
            }
            readers[i] = a.part == null ? r : r.part(a.part);
            counts[i] = a.spec.kind() == FeatureKind.STATS ? r.part("count") : null;
        }
        return new Bound(readers, counts);
    }

    @Override
    public String toString() {
        return audience + ": " + text;
    }

    /** The rule with its readers: evaluation and the search for the next change. Reads allocate nothing. */
    public final class Bound {
        private final FeatureReader[] readers;
        /** For a stats part, the stats count (a stats value with no observation is missing, parts included). */
        private final FeatureReader[] statsCounts;

        private Bound(FeatureReader[] readers, FeatureReader[] statsCounts) {
            this.readers = readers;
            this.statsCounts = statsCounts;
        }

        /** The rule this binds. */
        public AudienceRule rule() {
            return AudienceRule.this;
        }

        /** Whether the rule holds for {@code user} as of {@code asOf} (callers hold the user's lock). */
        public boolean holds(UserView user, long asOf) {
            return expr.eval(this, user, asOf);
        }

        /**
         * The first millisecond after {@code from} at which {@link #holds} differs from its value at {@code from},
         * assuming no event of the user is applied after {@code from}; {@link #NEVER} when it stays as it is.
         *
         * @param from a time not before the user's latest applied event
         */
        public long nextChange(UserView user, long from) {
            return nextChange(user, from, holds(user, from));
        }

        /**
         * {@link #nextChange(UserView, long)} for a caller that has just evaluated the rule at {@code from}.
         *
         * @param now the rule's value at {@code from}: {@link #holds}{@code (user, from)}
         */
        public long nextChange(UserView user, long from, boolean now) {
            if (from >= HORIZON || timeAtoms.length == 0) {
                return NEVER;
            }
            if (expr.settled(this, user, from) != OPEN) {
                return NEVER; // the atoms that time cannot move decide the rule on their own
            }
            long t = from;
            while (true) {
                long next = NEVER;
                for (Atom a : timeAtoms) {
                    next = Math.min(next, a.nextChange(this, user, t));
                }
                if (next == NEVER || holds(user, next) != now) {
                    return next;
                }
                t = next;
            }
        }

        double numeric(int atom, UserView user, long asOf) {
            FeatureReader count = statsCounts[atom];
            if (count != null && count.numeric(user, asOf) == 0.0) {
                return Double.NaN;
            }
            return readers[atom].numeric(user, asOf);
        }

        String string(int atom, UserView user) {
            return readers[atom].string(user);
        }
    }

    // ---------------------------------------------------------------- typed tree

    /** {@link Expr#settled}: the node's value can still change with time. */
    static final int OPEN = 0;
    /** {@link Expr#settled}: false whatever time does. */
    static final int SETTLED_FALSE = 1;
    /** {@link Expr#settled}: true whatever time does. */
    static final int SETTLED_TRUE = 2;

    /**
     * {@link Expr#settled} of a disjunction ({@code decisive} {@link #SETTLED_TRUE}) or a conjunction
     * ({@link #SETTLED_FALSE}): decided when one term is settled at the decisive value; else open when one term is
     * open; else settled at the other value.
     */
    private static int settledBy(Expr[] terms, int decisive, Bound b, UserView user, long asOf) {
        int out = SETTLED_FALSE + SETTLED_TRUE - decisive;
        for (Expr e : terms) {
            int s = e.settled(b, user, asOf);
            if (s == decisive) {
                return decisive;
            }
            if (s == OPEN) {
                out = OPEN;
            }
        }
        return out;
    }

    /** A typed node. */
    interface Expr {
        boolean eval(Bound b, UserView user, long asOf);

        /**
         * Whether the node's value as of {@code asOf} is decided by atoms that time cannot move ({@link #SETTLED_TRUE}
         * or {@link #SETTLED_FALSE}, the same until the user's next event), or may still change ({@link #OPEN}).
         */
        int settled(Bound b, UserView user, long asOf);
    }

    private record Or(Expr[] terms) implements Expr {
        @Override
        public boolean eval(Bound b, UserView user, long asOf) {
            for (Expr e : terms) {
                if (e.eval(b, user, asOf)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public int settled(Bound b, UserView user, long asOf) {
            return settledBy(terms, SETTLED_TRUE, b, user, asOf); // one term true for good decides a disjunction
        }
    }

    private record And(Expr[] terms) implements Expr {
        @Override
        public boolean eval(Bound b, UserView user, long asOf) {
            for (Expr e : terms) {
                if (!e.eval(b, user, asOf)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int settled(Bound b, UserView user, long asOf) {
            return settledBy(terms, SETTLED_FALSE, b, user, asOf); // one term false for good decides a conjunction
        }
    }

    private record Not(Expr term) implements Expr {
        @Override
        public boolean eval(Bound b, UserView user, long asOf) {
            return !term.eval(b, user, asOf);
        }

        @Override
        public int settled(Bound b, UserView user, long asOf) {
            int s = term.settled(b, user, asOf);
            return s == OPEN ? OPEN : SETTLED_FALSE + SETTLED_TRUE - s;
        }
    }

    /** What a comparison does with the value. */
    enum Test { LT, LE, GT, GE, EQ, NE, IN, MISSING, PRESENT }

    /**
     * One comparison over one feature (or part): the leaves of the tree and the unit of the change search.
     * Numeric atoms hold their literals as doubles (durations in seconds), string atoms as strings.
     */
    static final class Atom implements Expr {
        final int index;
        final FeatureSpec spec;
        final String part;
        final Test test;
        final double[] numbers;
        final String[] strings;
        /** The windows whose bucket edges step the value: widths in ms and bucket counts. */
        final long[] widths;
        final int[] buckets;
        final boolean continuous;
        /** The features whose state the atom reads: its own, or a ratio's numerator and denominator. */
        final List<FeatureSpec> inputs;

        Atom(int index, FeatureSpec spec, String part, Test test, double[] numbers, String[] strings,
             List<FeatureSpec> operands) {
            this.index = index;
            this.spec = spec;
            this.part = part;
            this.test = test;
            this.numbers = numbers;
            this.strings = strings;
            this.inputs = operands.isEmpty() ? List.of(spec) : operands;
            List<FeatureSpec> windows = new ArrayList<>();
            boolean cont = false;
            for (FeatureSpec f : operands) {
                switch (f.kind()) {
                    case WINDOW_COUNT, WINDOW_SUM -> windows.add(f);
                    case RECENCY, DECAYED_COUNT, DECAYED_SUM -> cont = true;
                    default -> {
                    }
                }
            }
            this.continuous = cont;
            this.widths = new long[windows.size()];
            this.buckets = new int[windows.size()];
            for (int i = 0; i < widths.length; i++) {
                buckets[i] = windows.get(i).buckets();
                widths[i] = windows.get(i).window().toMillis() / buckets[i];
            }
        }

        boolean timeDependent() {
            return continuous || widths.length > 0;
        }

        @Override
        public int settled(Bound b, UserView user, long asOf) {
            if (timeDependent()) {
                return OPEN;
            }
            return eval(b, user, asOf) ? SETTLED_TRUE : SETTLED_FALSE;
        }

        @Override
        public boolean eval(Bound b, UserView user, long asOf) {
            if (strings != null) {
                String s = b.string(index, user);
                return switch (test) {
                    case MISSING -> s == null;
                    case PRESENT -> s != null;
                    case EQ, IN -> s != null && contains(strings, s);
                    case NE -> s != null && !contains(strings, s);
                    default -> throw new IllegalStateException(test.name());
                };
            }
            double v = b.numeric(index, user, asOf);
            if (test == Test.MISSING || test == Test.PRESENT) {
                return (v != v) == (test == Test.MISSING);
            }
            if (v != v) {
                return false; // a comparison on a missing value is false
            }
            double c = numbers[0];
            return switch (test) {
                case LT -> v < c;
                case LE -> v <= c;
                case GT -> v > c;
                case GE -> v >= c;
                case EQ -> v == c;
                case NE -> v != c;
                case IN -> contains(numbers, v);
                default -> throw new IllegalStateException(test.name());
            };
        }

        private static boolean contains(String[] set, String s) {
            for (String x : set) {
                if (x.equals(s)) {
                    return true;
                }
            }
            return false;
        }

        private static boolean contains(double[] set, double v) {
            for (double x : set) {
                if (x == v) {
                    return true;
                }
            }
            return false;
        }

        /**
         * Whether values {@code a} and {@code b} stand alike against every literal (both missing, or both below,
         * equal to or above each one). Between bucket edges the value is monotone in time, so its standing against
         * each literal moves one way only and the first time it changes is found by bisection.
         */
        private boolean alike(double a, double b) {
            if (a != a || b != b) {
                return (a != a) == (b != b);
            }
            for (double c : numbers) {
                if (Double.compare(a, c) != Double.compare(b, c) && !(a == c && b == c)) {
                    return false;
                }
            }
            return true;
        }

        /** The first time after {@code from} at which this atom's standing changes, or {@link #NEVER}. */
        long nextChange(Bound b, UserView user, long from) {
            long lo = from;
            double v = b.numeric(index, user, lo);
            while (true) {
                long edge = nextEdge(user, lo);
                long end = edge == NEVER ? HORIZON : edge;
                if (continuous && end - 1 > lo && !alike(v, b.numeric(index, user, end - 1))) {
                    long l = lo; // alike at l
                    long h = end - 1; // not alike at h
                    long g = guess(v, lo);
                    if (g > l + 1 && g <= h && alike(v, b.numeric(index, user, g - 1))
                            && !alike(v, b.numeric(index, user, g))) {
                        return g; // the closed form is exact (as it is for a recency): two reads confirm it
                    }
                    if (g > l + GUESS_SLACK && g < h - GUESS_SLACK
                            && alike(v, b.numeric(index, user, g - GUESS_SLACK))
                            && !alike(v, b.numeric(index, user, g + GUESS_SLACK))) {
                        l = g - GUESS_SLACK; // the change is within a few ms of the closed form: bisect there
                        h = g + GUESS_SLACK;
                    }
                    while (h - l > 1) {
                        long m = l + (h - l) / 2;
                        if (alike(v, b.numeric(index, user, m))) {
                            l = m;
                        } else {
                            h = m;
                        }
                    }
                    return h;
                }
                if (edge == NEVER) {
                    return NEVER;
                }
                double atEdge = b.numeric(index, user, edge);
                if (!alike(v, atEdge)) {
                    return edge;
                }
                lo = edge;
                v = atEdge;
            }
        }

        /**
         * Where a recency or decayed value read {@code v} at {@code from} first reaches the nearest literal ahead, by
         * the closed form (recency grows by 1/1000 per ms; a decayed value falls by exp(-rate) per ms), or
         * {@link #NEVER} for other kinds. Only a hint: the caller checks that the change lies within a few ms of it
         * and otherwise bisects the whole stretch.
         */
        private long guess(double v, long from) {
            if (v != v || numbers.length == 0) {
                return NEVER;
            }
            double best = Double.POSITIVE_INFINITY;
            for (double c : numbers) {
                double dt = switch (spec.kind()) {
                    case RECENCY -> (c - v) * 1000.0;
                    case DECAYED_COUNT, DECAYED_SUM -> v == 0 || c == 0 || (c > 0) != (v > 0) ? Double.NaN
                            : Math.log(v / c) / ExponentialDecay.rate(spec.halfLife().toMillis());
                    default -> Double.NaN;
                };
                if (dt >= 0 && dt < best) {
                    best = dt;
                }
            }
            return best < HORIZON / 2.0 ? from + Math.round(best) : NEVER;
        }

        /** The first bucket edge after {@code t} at which a window of this atom can still change, or NEVER. */
        private long nextEdge(UserView user, long t) {
            long next = NEVER;
            long latest = user.latestTime();
            for (int w = 0; w < widths.length; w++) {
                long width = widths[w];
                long edge = Math.multiplyExact(Math.floorDiv(t, width) + 1, width);
                // the window is empty once its newest bucket (that of the latest event) has left it
                long emptyAt = latest == Long.MIN_VALUE ? Long.MIN_VALUE
                        : (Math.floorDiv(latest, width) + buckets[w]) * width;
                if (edge <= emptyAt) {
                    next = Math.min(next, edge);
                }
            }
            return next;
        }
    }

    // ---------------------------------------------------------------- type checking

    /** Types the parsed tree against the schema, collecting the atoms. */
    private static final class Checker {
        private final String audience;
        private final String rule;
        private final ProfileSchema schema;
        private final List<Atom> atoms;

        Checker(String audience, String rule, ProfileSchema schema, List<Atom> atoms) {
            this.audience = audience;
            this.rule = rule;
            this.schema = schema;
            this.atoms = atoms;
        }

        Expr check(Node n) {
            if (n instanceof RuleParser.Or o) {
                return new Or(o.terms().stream().map(this::check).toArray(Expr[]::new));
            }
            if (n instanceof RuleParser.And a) {
                return new And(a.terms().stream().map(this::check).toArray(Expr[]::new));
            }
            if (n instanceof RuleParser.Not x) {
                return new Not(check(x.term()));
            }
            if (n instanceof RuleParser.Missing m) {
                Ref ref = ref(m.ref(), m.column());
                return atom(ref, m.negated() ? Test.PRESENT : Test.MISSING, List.of());
            }
            if (n instanceof RuleParser.In in) {
                return atom(ref(in.ref(), in.column()), Test.IN, in.literals());
            }
            RuleParser.Compare c = (RuleParser.Compare) n;
            Test test = switch (c.op()) {
                case "<" -> Test.LT;
                case "<=" -> Test.LE;
                case ">" -> Test.GT;
                case ">=" -> Test.GE;
                case "=" -> Test.EQ;
                default -> Test.NE;
            };
            Ref ref = ref(c.ref(), c.column());
            if (ref.string && test != Test.EQ && test != Test.NE) {
                throw fail(c.column(), "'" + c.ref() + "' is a string (" + describe(ref) + "): only =, != and in"
                        + " compare strings, not " + c.op());
            }
            return atom(ref, test, List.of(c.literal()));
        }

        private Atom atom(Ref ref, Test test, List<Literal> literals) {
            Atom a;
            if (ref.string) {
                String[] s = new String[literals.size()];
                for (int i = 0; i < s.length; i++) {
                    Literal l = literals.get(i);
                    if (l.value() instanceof String str) {
                        s[i] = str;
                    } else if (l.value() instanceof Boolean bool) {
                        s[i] = bool.toString();
                    } else {
                        throw fail(l.column(), "'" + ref.text + "' is a string (" + describe(ref) + "), "
                                + l.text() + " is not: write a quoted string such as 'toys'");
                    }
                }
                a = new Atom(atoms.size(), ref.spec, ref.part, test, null, s, List.of());
            } else {
                double[] d = new double[literals.size()];
                for (int i = 0; i < d.length; i++) {
                    d[i] = number(ref, literals.get(i));
                }
                a = new Atom(atoms.size(), ref.spec, ref.part, test, d, null, operands(ref.spec));
            }
            atoms.add(a);
            return a;
        }

        private double number(Ref ref, Literal l) {
            Object v = l.value();
            if (v instanceof Double d) {
                return d;
            }
            if (v instanceof Duration d) {
                if (ref.spec.kind() != FeatureKind.RECENCY) {
                    throw fail(l.column(), "the duration " + l.text() + " compares only with a recency feature; '"
                            + ref.text + "' is " + describe(ref) + ": write a number");
                }
                return d.getSeconds() + d.getNano() / 1e9; // recency reads in seconds
            }
            throw fail(l.column(), "'" + ref.text + "' is a number (" + describe(ref) + "), " + l.text()
                    + " is not: write a number" + (ref.spec.kind() == FeatureKind.RECENCY
                    ? " of seconds or a duration such as P2D" : ""));
        }

        private List<FeatureSpec> operands(FeatureSpec f) {
            if (f.kind() == FeatureKind.RATIO) {
                return List.of(schema.feature(f.numerator()).orElseThrow(),
                        schema.feature(f.denominator()).orElseThrow());
            }
            return List.of(f);
        }

        private record Ref(String text, FeatureSpec spec, String part, boolean string) {
        }

        private Ref ref(String text, int column) {
            int dot = text.indexOf('.');
            String name = dot < 0 ? text : text.substring(0, dot);
            String part = dot < 0 ? null : text.substring(dot + 1);
            FeatureSpec f = schema.feature(name).orElse(null);
            if (f == null) {
                List<String> names = schema.features().stream().map(FeatureSpec::name).toList();
                throw fail(column, "unknown feature '" + name + "' (the schema has " + String.join(", ", names) + ")");
            }
            List<String> parts = switch (f.kind()) {
                case STATS -> List.of("count", "mean", "std", "min", "max");
                case SESSIONS -> List.of("count", "mean_duration_s");
                default -> List.of();
            };
            if (part == null && !parts.isEmpty()) {
                throw fail(column, "'" + name + "' is a " + f.kind().jsonName() + " feature: name one of its parts ("
                        + String.join(", ", parts.stream().map(p -> name + "." + p).toList()) + ")");
            }
            if (part != null && !parts.contains(part)) {
                throw fail(column, parts.isEmpty()
                        ? "'" + name + "' is a " + f.kind().jsonName() + " feature and has no parts (write '" + name
                        + "')" : "'" + name + "' has no part '" + part + "' (its parts: " + String.join(", ", parts)
                        + ")");
            }
            boolean string = f.kind() == FeatureKind.LAST_VALUE || f.kind() == FeatureKind.TOP_K;
            return new Ref(text, f, part, string);
        }

        private String describe(Ref ref) {
            return switch (ref.spec.kind()) {
                case TOP_K -> "the top value of a top_k";
                case LAST_VALUE -> "a last_value";
                case RECENCY -> "a recency in seconds";
                default -> "a " + ref.spec.kind().jsonName() + (ref.part == null ? "" : " part");
            };
        }

        private AudienceDefinitionException fail(int column, String problem) {
            return new AudienceDefinitionException(audience, rule, column, problem);
        }
    }
}
