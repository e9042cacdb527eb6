package dev.profilekit.core.audience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.profilekit.core.engine.Event;
import dev.profilekit.core.engine.KernelState;
import dev.profilekit.core.engine.ProfileKernel;
import dev.profilekit.core.engine.ProfileUpdater;
import dev.profilekit.core.schema.ProfileSchema;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rule language: its errors, and the exact millisecond of time-driven changes worked out by hand. */
class AudienceRuleTest {

    static final long DAY = 86_400_000L;
    static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

    static final ProfileSchema SCHEMA = ProfileSchema.fromJson("""
            {"allowed_lateness":"PT6H","features":[
             {"name":"purchases","kind":"count","types":["purchase"]},
             {"name":"spend","kind":"sum","types":["purchase"],"field":"amount"},
             {"name":"views_1d","kind":"decayed_count","types":["view"],"half_life":"P1D"},
             {"name":"spend_7d","kind":"decayed_sum","types":["purchase"],"field":"amount","half_life":"P7D"},
             {"name":"carts_2d","kind":"window_count","types":["cart"],"window":"P2D","buckets":2},
             {"name":"spend_3d","kind":"window_sum","types":["purchase"],"field":"amount","window":"P3D","buckets":3},
             {"name":"order_value","kind":"stats","types":["purchase"],"field":"amount"},
             {"name":"since_purchase","kind":"recency","types":["purchase"]},
             {"name":"since_seen","kind":"recency"},
             {"name":"first_seen","kind":"first_seen"},
             {"name":"last_category","kind":"last_value","types":["view"],"field":"category"},
             {"name":"products","kind":"distinct_count","types":["view"],"field":"product"},
             {"name":"fav_category","kind":"top_k","types":["view","cart","purchase"],"field":"category","k":2},
             {"name":"views_per_purchase","kind":"ratio","numerator":"views_1d","denominator":"purchases"},
             {"name":"sessions","kind":"sessions","gap":"PT30M"}]}""");

    static AudienceRule rule(String text) {
        return AudienceRule.compile("a", text, SCHEMA);
    }

    static String error(String text) {
        try {
            rule(text);
        } catch (AudienceDefinitionException e) {
            return e.getMessage();
        }
        throw new AssertionError("accepted: " + text);
    }

    @Test
    void errorsNameTheAudienceTheRuleAndTheColumn() {
        assertThat(error("carts_2d >= 1 and since_purchse > P2D")).isEqualTo("audience 'a', rule \"carts_2d >= 1 and"
                + " since_purchse > P2D\", column 19: unknown feature 'since_purchse' (the schema has purchases, spend,"
                + " views_1d, spend_7d, carts_2d, spend_3d, order_value, since_purchase, since_seen, first_seen,"
                + " last_category, products, fav_category, views_per_purchase, sessions)");
        assertThat(error("purchases > 'toys'")).contains("column 13: 'purchases' is a number (a count), 'toys' is not");
        assertThat(error("fav_category > 3")).contains("column 1: 'fav_category' is a string (the top value of a top_k):"
                + " only =, != and in compare strings, not >");
        assertThat(error("fav_category = 3")).contains("column 16: 'fav_category' is a string");
        assertThat(error("spend > P2D")).contains("column 9: the duration P2D compares only with a recency feature;"
                + " 'spend' is a sum");
        assertThat(error("order_value > 3")).contains("column 1: 'order_value' is a stats feature: name one of its parts"
                + " (order_value.count, order_value.mean, order_value.std, order_value.min, order_value.max)");
        assertThat(error("order_value.median > 3")).contains("'order_value' has no part 'median'");
        assertThat(error("spend.mean > 3")).contains("'spend' is a sum feature and has no parts");
        assertThat(error("(purchases > 1")).contains("column 15: expected ')' to close the '(' before the end");
        assertThat(error("purchases >")).contains("column 12: the rule ends where a value is expected");
        assertThat(error("purchases > 1 or")).contains("column 17: the rule ends where a feature name is expected");
        assertThat(error("purchases is gone")).contains("column 14: expected 'missing' after 'is'");
        assertThat(error("last_category = 'toys")).contains("column 17: the string starting here is not closed");
        assertThat(error("since_seen > P1M")).contains("column 14: 'P1M' is not an ISO-8601 duration");
        assertThat(error("purchases 3")).contains("column 11: expected a comparison");
        assertThat(error("   ")).contains("the rule is empty");
        assertThat(error("carts_2d > purchases")).endsWith("column 12: 'purchases' is not a value: write a number, a"
                + " 'quoted string', true, false or a duration such as P2D (a rule compares a feature with a value, not"
                + " with another feature)");
    }

    @Test
    void precedenceIsOrThenAndThenNot() {
        ProfileKernel k = kernel();
        KernelState s = k.newState("u");
        k.apply(s, k.admit(purchase("p1", T0, 10)));
        // not binds tighter than and, and tighter than or: "not A and B or C" is "((not A) and B) or C"
        assertThat(rule("not purchases = 1 and spend = 10 or spend = 10").bind(k.features()).holds(s, T0)).isTrue();
        assertThat(rule("not purchases = 1 and spend = 10").bind(k.features()).holds(s, T0)).isFalse();
        assertThat(rule("not (purchases = 1 and spend = 11)").bind(k.features()).holds(s, T0)).isTrue();
        assertThat(rule("purchases = 2 or spend = 10 and purchases = 1").bind(k.features()).holds(s, T0)).isTrue();
    }

    @Test
    void aComparisonOnAMissingValueIsFalse() {
        ProfileKernel k = kernel();
        KernelState s = k.newState("u");
        k.apply(s, k.admit(view("v1", T0, "toys", "p")));
        assertThat(rule("since_purchase < P7D").bind(k.features()).holds(s, T0)).isFalse();
        assertThat(rule("since_purchase >= P7D").bind(k.features()).holds(s, T0)).isFalse();
        assertThat(rule("not since_purchase < P7D").bind(k.features()).holds(s, T0)).isTrue();
        assertThat(rule("since_purchase is missing").bind(k.features()).holds(s, T0)).isTrue();
        assertThat(rule("order_value.count = 0").bind(k.features()).holds(s, T0)).isFalse();
        assertThat(rule("order_value.mean is missing").bind(k.features()).holds(s, T0)).isTrue();
        assertThat(rule("fav_category in ('toys', 'games')").bind(k.features()).holds(s, T0)).isTrue();
        assertThat(rule("last_category != 'games'").bind(k.features()).holds(s, T0)).isTrue();
        assertThat(rule("fav_category is not missing").bind(k.features()).holds(s, T0)).isTrue();
    }

    @Test
    void recencyFlipsTheMillisecondAfterTheDuration() {
        ProfileKernel k = kernel();
        KernelState s = k.newState("u");
        k.apply(s, k.admit(purchase("p1", T0, 10)));
        AudienceRule.Bound lapsed = rule("since_purchase > P2D").bind(k.features());
        // (asOf - t) / 1000 > 172800 first holds at asOf = t + 172,800,001 ms
        assertThat(lapsed.nextChange(s, T0)).isEqualTo(T0 + 2 * DAY + 1);
        assertThat(lapsed.nextChange(s, T0 + DAY)).isEqualTo(T0 + 2 * DAY + 1);
        assertThat(lapsed.nextChange(s, T0 + 2 * DAY + 1)).isEqualTo(AudienceRule.NEVER);
        AudienceRule.Bound recent = rule("since_purchase <= P2D").bind(k.features());
        assertThat(recent.nextChange(s, T0)).isEqualTo(T0 + 2 * DAY + 1);
    }

    @Test
    void windowFlipsAtTheBucketEdgeWhereTheCartLeavesIt() {
        ProfileKernel k = kernel();
        KernelState s = k.newState("u");
        long t = T0 + DAY / 2; // in the bucket [T0, T0 + 1 day)
        k.apply(s, k.admit(Event.builder("c1", "u", "cart", t).attr("category", "toys").build()));
        AudienceRule.Bound carted = rule("carts_2d >= 1").bind(k.features());
        assertThat(carted.holds(s, t)).isTrue();
        // 2 buckets of 1 day: the cart's bucket leaves the window at T0 + 2 days
        assertThat(carted.nextChange(s, t)).isEqualTo(T0 + 2 * DAY);
        AudienceRule.Bound abandoners = rule("carts_2d >= 1 and since_purchase > P2D or carts_2d >= 1 and"
                + " since_purchase is missing").bind(k.features());
        assertThat(abandoners.holds(s, t)).isTrue();
        assertThat(abandoners.nextChange(s, t)).isEqualTo(T0 + 2 * DAY);
    }

    @Test
    void decayedCountFallsBelowHalfAfterOneHalfLife() {
        ProfileKernel k = kernel();
        KernelState s = k.newState("u");
        k.apply(s, k.admit(view("v1", T0, "toys", "p")));
        AudienceRule.Bound fading = rule("views_1d < 0.5").bind(k.features());
        long flip = fading.nextChange(s, T0);
        // 2^(-d / 1 day) < 0.5 exactly when d > 1 day, up to the last bit of the engine's exp
        assertThat(flip).isBetween(T0 + DAY - 2, T0 + DAY + 2);
        assertThat(fading.holds(s, flip)).isTrue();
        assertThat(fading.holds(s, flip - 1)).isFalse();
    }

    @Test
    void aRuleOverConstantFeaturesNeverChangesWithTime() {
        ProfileKernel k = kernel();
        KernelState s = k.newState("u");
        k.apply(s, k.admit(purchase("p1", T0, 600)));
        AudienceRule spenders = rule("spend > 500 and order_value.max >= 600");
        assertThat(spenders.timeDependent()).isFalse();
        assertThat(spenders.bind(k.features()).nextChange(s, T0)).isEqualTo(AudienceRule.NEVER);
        assertThat(rule("since_seen > P30D").timeDependent()).isTrue();
    }

    @Test
    void audiencesFileErrorsNameTheEntry() {
        assertThat(Audiences.parse("""
                {"audiences":[{"name":"cart_abandoners","rule":"carts_2d >= 1 and since_purchase > P2D"},
                {"name":"lapsed","rule":"since_seen > P30D"},
                {"name":"fans","rule":"fav_category in ('toys', 'games') and not purchases = 0"}]}""", SCHEMA))
                .extracting(AudienceRule::audience).containsExactly("cart_abandoners", "lapsed", "fans");
        assertThatThrownBy(() -> Audiences.parse("{\"audiences\":[{\"name\":\"x\",\"rule\":\"a > 1\"},"
                + "{\"name\":\"x\",\"rule\":\"purchases > 1\"}]}", SCHEMA))
                .hasMessageContaining("audience 'x', rule \"a > 1\", column 1: unknown feature 'a'");
        assertThatThrownBy(() -> Audiences.parse("{\"audiences\":[{\"name\":\"x\",\"rule\":\"purchases > 1\"},"
                + "{\"name\":\"x\",\"rule\":\"purchases > 1\"}]}", SCHEMA))
                .hasMessage("audiences[1]: the audience name 'x' is used twice");
        assertThatThrownBy(() -> Audiences.parse("{\"audiences\":[{\"name\":\"x\",\"rules\":\"p\"}]}", SCHEMA))
                .hasMessage("audiences[0]: unknown field 'rules' (an audience has \"name\" and \"rule\")");
        assertThatThrownBy(() -> Audiences.parse("{\"audience\":[]}", SCHEMA))
                .hasMessageContaining("expected an object {\"audiences\"");
    }

    static ProfileKernel kernel() {
        return ProfileKernel.of(ProfileUpdater.builder(SCHEMA));
    }

    static Event purchase(String id, long t, double amount) {
        return Event.of(id, "u", "purchase", t, Map.of("amount", amount, "category", "toys"));
    }

    static Event view(String id, long t, String category, String product) {
        return Event.of(id, "u", "view", t, Map.of("category", category, "product", product));
    }
}
