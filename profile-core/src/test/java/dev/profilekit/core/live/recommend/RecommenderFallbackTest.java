package dev.profilekit.core.live.recommend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.profilekit.core.engine.Event;
import dev.profilekit.core.engine.ProfileUpdater;
import dev.profilekit.core.models.LiveModels;
import dev.profilekit.core.models.ModelsConfig;
import dev.profilekit.core.schema.FeatureSpec;
import dev.profilekit.core.schema.ProfileSchema;
import dev.profilekit.models.recommend.ImplicitAls;
import dev.profilekit.models.recommend.ImplicitAlsModel;
import dev.profilekit.models.recommend.ImplicitAlsOptions;
import dev.profilekit.models.recommend.Interactions;
import dev.profilekit.models.recommend.ScoredItem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ALS fallback of the live recommender: background refits behind the gate, lists filled in ALS order. */
class RecommenderFallbackTest {

    private static final long T0 = 1_767_225_600_000L;

    private static ProfileUpdater updater(int retrainEvery) {
        RecommendConfig config = RecommendConfig.builder("product").k(10)
                .weights(Map.of("view", 1.0, "purchase", 5.0)).halfLife(Duration.ofDays(30))
                .exclude(List.of("purchase"))
                .fallback(new RecommendConfig.Fallback(2, 10, 0.1, 10, retrainEvery, 1000, 0.01, 7)).build();
        return ProfileUpdater.builder(ProfileSchema.builder().feature(FeatureSpec.count("views", "view")).build())
                .models(ModelsConfig.builder().recommend(config).build()).modelExecutor(Runnable::run).build();
    }

    /** 30 users in two taste blocks of 6 items; each views 3 of its block. */
    private static void feed(ProfileUpdater u) {
        int id = 0;
        for (int q = 0; q < 3; q++) {
            for (int user = 0; user < 30; user++) {
                String block = user < 15 ? "a" : "b";
                u.onEvent(Event.builder("e" + id, "u" + user, "view", T0 + id++).attr("product",
                        block + ((user + 2 * q) % 6)).build());
            }
        }
    }

    @Test
    void refitsInTheBackgroundAndFillsShortListsInAlsOrder() {
        ProfileUpdater u = updater(30);
        feed(u);
        LiveRecommender rec = u.model(LiveRecommender.class).orElseThrow();
        ImplicitAlsModel als = rec.snapshot();
        assertThat(als).isNotNull();
        assertThat(rec.retrains()).isPositive();
        assertThat(rec.retrains() + rec.rejectedRetrains()).isEqualTo(3); // one refit per 30 weighted events
        assertThat(als.users()).hasSize(30);

        // u0 buys a0: the list has u0's collaborative candidates first, then ALS items with score 0
        u.onEvent(Event.builder("buy", "u0", "purchase", T0 + 1000).attr("product", "a0").build());
        List<Recommendation> list = u.recommend("u0", 10);
        assertThat(list).hasSize(10);
        assertThat(list).extracting(Recommendation::item).doesNotContain("a0").doesNotHaveDuplicates();
        List<String> collaborative = new ArrayList<>();
        List<String> filled = new ArrayList<>();
        for (Recommendation r : list) {
            (r.score() > 0 ? collaborative : filled).add(r.item());
        }
        assertThat(collaborative).isNotEmpty().allMatch(i -> i.startsWith("a"));
        List<String> want = new ArrayList<>();
        for (ScoredItem si : rec.snapshot().recommend("u0", 12)) {
            if (!si.item().equals("a0") && !collaborative.contains(si.item()) && want.size() < filled.size()) {
                want.add(si.item());
            }
        }
        assertThat(filled).isEqualTo(want);
    }

    @Test
    void aSwappedModelIsUsedUntilARefitPassesTheGate() {
        ProfileUpdater u = updater(1_000_000); // no refit in this test
        feed(u);
        ImplicitAlsModel model = ImplicitAls.fit(Interactions.builder().add("u0", "a5", 1).add("u1", "a5", 1)
                .add("u1", "b3", 1).build(), ImplicitAlsOptions.factors(2));
        LiveModels models = u.models().orElseThrow();
        assertThat(models.snapshot().recommend()).isNull();
        models.swap(new LiveModels.Versions(null, null, null, model));
        assertThat(models.snapshot().recommend()).isSameAs(model);
        assertThat(models.recommender().orElseThrow().snapshot()).isSameAs(model);
    }
}
