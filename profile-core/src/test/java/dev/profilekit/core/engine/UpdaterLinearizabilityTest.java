package dev.profilekit.core.engine;

import dev.profilekit.core.schema.FeatureSpec;
import dev.profilekit.core.schema.ProfileSchema;
import java.time.Duration;
import java.util.Map;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * {@code onEvent} and the profile reads are linearizable: Lincheck runs random scenarios of these
 * operations on 4 threads and checks that every outcome and every value read could have come from some
 * sequential order of the same calls (run on a fresh updater). Users, ids and times come from small ranges,
 * so duplicates, late events, out-of-order events and races on one user are frequent. ({@code counts()} is
 * left out on purpose: it sums striped counters and is documented as a statistic, not a snapshot.)
 */
@Param(name = "user", gen = IntGen.class, conf = "0:2")
@Param(name = "id", gen = IntGen.class, conf = "0:5")
@Param(name = "minute", gen = IntGen.class, conf = "0:600")
public class UpdaterLinearizabilityTest {

    private static final long T0 = 1_767_225_600_000L;

    private final ProfileUpdater updater = ProfileUpdater.builder(ProfileSchema.builder()
                    .allowedLateness(Duration.ofHours(2))
                    .feature(FeatureSpec.count("n"))
                    .feature(FeatureSpec.sum("spend", "amount"))
                    .feature(FeatureSpec.firstSeen("first"))
                    .feature(FeatureSpec.sessions("sessions", Duration.ofMinutes(30)))
                    .feature(FeatureSpec.distinctCount("ids", "tag"))
                    .build())
            .dedupRetention(DedupRetention.ALL)
            .build();

    @Operation
    public Outcome onEvent(@Param(name = "user") int user, @Param(name = "id") int id,
                           @Param(name = "minute") int minute) {
        return updater.onEvent(Event.of("e" + id, "u" + user, "view", T0 + minute * 60_000L,
                Map.of("amount", (double) id, "tag", "t" + (id % 3))));
    }

    /** Every feature of the user as of a fixed late time, as one string (null for a user with no events). */
    @Operation
    public String profile(@Param(name = "user") int user) {
        return updater.profile("u" + user).map(p -> p.getLong("n") + "/" + p.getDouble("spend") + "/"
                + p.get("first") + "/" + p.get("sessions") + "/" + p.getLong("ids")).orElse(null);
    }

    @Test
    public void onEventAndReadsAreLinearizable() {
        new StressOptions().threads(4).actorsPerThread(2).actorsBefore(1).actorsAfter(1)
                .iterations(30).invocationsPerIteration(100).check(getClass());
    }
}
