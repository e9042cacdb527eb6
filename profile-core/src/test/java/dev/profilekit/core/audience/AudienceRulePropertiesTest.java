package dev.profilekit.core.audience;

import static dev.profilekit.core.audience.AudienceRuleTest.DAY;
import static dev.profilekit.core.audience.AudienceRuleTest.SCHEMA;
import static dev.profilekit.core.audience.AudienceRuleTest.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.profilekit.core.engine.Event;
import dev.profilekit.core.engine.KernelState;
import dev.profilekit.core.engine.Profile;
import dev.profilekit.core.engine.ProfileKernel;
import dev.profilekit.core.spi.InvalidEventException;
import dev.profilekit.features.streaming.TopKCounter.WeightedValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Random streams (out of order within the lateness, redeliveries, late events) and random rules over every feature
 * kind: the rule's value agrees with a brute-force evaluation of the same rule on the engine's {@link Profile} as
 * of every event time and every time tried, and the change found for time alone is exact: the rule has its old
 * value at every sampled time before it and one millisecond before it, and the other value at it.
 */
class AudienceRulePropertiesTest {

    private static final String[] CATEGORIES = {"toys", "games", "books"};

    /** A rule as the test builds it: its text and its brute-force value on a profile. */
    interface Rule {
        String text();

        boolean on(Profile p);
    }

    record Leaf(String ref, String op, Object literal, String literalText) implements Rule {
        @Override
        public String text() {
            return ref + " " + op + " " + literalText;
        }

        @Override
        public boolean on(Profile p) {
            Object v = value(p, ref);
            if (op.equals("is missing")) {
                return v == null;
            }
            if (op.equals("is not missing")) {
                return v != null;
            }
            if (v == null) {
                return false;
            }
            if (v instanceof String s) {
                boolean in = literal instanceof List<?> l ? l.contains(s) : s.equals(literal);
                return op.equals("!=") ? !in : in;
            }
            double x = ((Number) v).doubleValue();
            if (literal instanceof List<?> l) {
                return l.stream().anyMatch(c -> ((Double) c) == x);
            }
            double c = (Double) literal;
            return switch (op) {
                case "<" -> x < c;
                case "<=" -> x <= c;
                case ">" -> x > c;
                case ">=" -> x >= c;
                case "=" -> x == c;
                default -> x != c;
            };
        }
    }

    record Combine(String op, Rule a, Rule b) implements Rule {
        @Override
        public String text() {
            return "(" + a.text() + ") " + op + " (" + b.text() + ")";
        }

        @Override
        public boolean on(Profile p) {
            return op.equals("and") ? a.on(p) && b.on(p) : a.on(p) || b.on(p);
        }
    }

    record Negate(Rule a) implements Rule {
        @Override
        public String text() {
            return "not (" + a.text() + ")";
        }

        @Override
        public boolean on(Profile p) {
            return !a.on(p);
        }
    }

    /** The value a rule reads, from the profile as the specification defines it (not from the engine's readers). */
    static Object value(Profile p, String ref) {
        Object v = p.get(ref);
        if (v instanceof List<?> top) { // a top_k stands for its top value
            return top.isEmpty() ? null : ((WeightedValue) top.get(0)).value();
        }
        return v;
    }

    @Property(tries = 300)
    void rulesAgreeWithBruteForceAndChangesAreExact(@ForAll long seed) {
        Random r = new Random(seed);
        ProfileKernel k = AudienceRuleTest.kernel();
        KernelState s = k.newState("u");
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            rules.add(rule(r, 2));
        }
        List<AudienceRule.Bound> bound = rules.stream()
                .map(x -> AudienceRule.compile("a", x.text(), SCHEMA).bind(k.features())).toList();
        long t = T0 + r.nextInt(1000);
        long latest = Long.MIN_VALUE;
        int events = 1 + r.nextInt(12);
        List<Event> sent = new ArrayList<>();
        for (int e = 0; e < events; e++) {
            Event ev;
            if (!sent.isEmpty() && r.nextInt(10) == 0) {
                ev = sent.get(r.nextInt(sent.size())); // a redelivery
            } else {
                long at = r.nextInt(4) == 0 ? t - r.nextInt((int) (8 * 3_600_000L)) : t; // some late, some too late
                ev = event(r, "e" + e, at);
                t += (long) (r.nextDouble() * (r.nextBoolean() ? 3 * DAY : 3_600_000L));
            }
            sent.add(ev);
            try {
                k.apply(s, k.admit(ev));
            } catch (InvalidEventException x) {
                continue;
            }
            latest = Math.max(latest, k.latestAccepted(s));
            check(k, s, rules, bound, Math.max(latest, ev.timestamp()), r);
        }
    }

    private static void check(ProfileKernel k, KernelState s, List<Rule> rules, List<AudienceRule.Bound> bound,
                              long from, Random r) {
        for (int i = 0; i < rules.size(); i++) {
            Rule rule = rules.get(i);
            AudienceRule.Bound b = bound.get(i);
            boolean now = rule.on(k.profile(s, from));
            assertThat(b.holds(s, from)).as("%s at %d", rule.text(), from).isEqualTo(now);
            long flip = b.nextChange(s, from);
            long until = flip == AudienceRule.NEVER ? from + 400 * DAY : flip - 1;
            for (int j = 0; j < 6; j++) {
                long at = from + (long) (r.nextDouble() * (until - from));
                assertThat(rule.on(k.profile(s, at))).as("%s at %d, before its change at %d", rule.text(), at, flip)
                        .isEqualTo(now);
            }
            assertThat(rule.on(k.profile(s, until))).as("%s at %d", rule.text(), until).isEqualTo(now);
            if (flip != AudienceRule.NEVER) {
                assertThat(rule.on(k.profile(s, flip))).as("%s changes at %d", rule.text(), flip).isNotEqualTo(now);
                assertThat(b.holds(s, flip)).isNotEqualTo(now);
            }
        }
    }

    private static Event event(Random r, String id, long t) {
        return event(r, id, t, "u");
    }

    static Event event(Random r, String id, long t, String user) {
        String type = new String[] {"view", "view", "cart", "purchase"}[r.nextInt(4)];
        Map<String, Object> attrs = new java.util.HashMap<>();
        attrs.put("category", CATEGORIES[r.nextInt(CATEGORIES.length)]);
        attrs.put("product", "p" + r.nextInt(5));
        if (type.equals("purchase")) {
            attrs.put("amount", (double) (r.nextInt(200) - 20));
        }
        return Event.of(id, user, type, t, attrs);
    }

    static Rule rule(Random r, int depth) {
        int pick = depth == 0 ? 0 : r.nextInt(5);
        return switch (pick) {
            case 1 -> new Combine("and", rule(r, depth - 1), rule(r, depth - 1));
            case 2 -> new Combine("or", rule(r, depth - 1), rule(r, depth - 1));
            case 3 -> new Negate(rule(r, depth - 1));
            default -> leaf(r);
        };
    }

    private static final String[] NUMERIC = {"purchases", "spend", "views_1d", "spend_7d", "carts_2d", "spend_3d",
        "order_value.count", "order_value.mean", "order_value.std", "order_value.min", "order_value.max",
        "since_purchase", "since_seen", "first_seen", "products", "views_per_purchase", "sessions.count",
        "sessions.mean_duration_s"};
    private static final String[] OPS = {"<", "<=", ">", ">=", "=", "!="};

    private static Rule leaf(Random r) {
        if (r.nextInt(6) == 0) {
            String ref = r.nextBoolean() ? "fav_category" : "last_category";
            int how = r.nextInt(4);
            String c = CATEGORIES[r.nextInt(CATEGORIES.length)];
            return switch (how) {
                case 0 -> new Leaf(ref, "=", c, "'" + c + "'");
                case 1 -> new Leaf(ref, "!=", c, "'" + c + "'");
                case 2 -> new Leaf(ref, "in", List.of(c, "books"), "('" + c + "', 'books')");
                default -> new Leaf(ref, "is missing", null, "");
            };
        }
        String ref = NUMERIC[r.nextInt(NUMERIC.length)];
        if (r.nextInt(8) == 0) {
            return new Leaf(ref, r.nextBoolean() ? "is missing" : "is not missing", null, "");
        }
        String op = OPS[r.nextInt(OPS.length)];
        if (ref.startsWith("since_") && r.nextBoolean()) {
            long hours = 1 + r.nextInt(100);
            return new Leaf(ref, op, hours * 3600.0, "PT" + hours + "H");
        }
        double c = switch (ref) {
            case "views_1d", "spend_7d", "views_per_purchase" -> Math.round(r.nextDouble() * 40) / 10.0;
            case "since_purchase", "since_seen" -> 3600.0 * r.nextInt(100);
            case "first_seen" -> (double) (T0 + r.nextInt(5) * DAY);
            default -> r.nextInt(6) - 1;
        };
        if (op.equals("=") && r.nextBoolean()) {
            return new Leaf(ref, "in", List.of(c, c + 1), "(" + fmt(c) + ", " + fmt(c + 1) + ")");
        }
        return new Leaf(ref, op, c, fmt(c));
    }

    private static String fmt(double c) {
        return c == Math.rint(c) && Math.abs(c) < 1e15 ? String.format(Locale.ROOT, "%d", (long) c)
                : Double.toString(c);
    }
}
