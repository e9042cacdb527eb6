package dev.profilekit.core.audience;

import static dev.profilekit.core.audience.AudienceRuleTest.DAY;
import static dev.profilekit.core.audience.AudienceRuleTest.SCHEMA;
import static dev.profilekit.core.audience.AudienceRuleTest.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.profilekit.core.audience.AudienceRulePropertiesTest.Rule;
import dev.profilekit.core.engine.DedupRetention;
import dev.profilekit.core.engine.Event;
import dev.profilekit.core.engine.KernelState;
import dev.profilekit.core.engine.Outcome;
import dev.profilekit.core.engine.ProfileKernel;
import dev.profilekit.core.engine.ProfileUpdater;
import dev.profilekit.core.spi.InvalidEventException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Random streams of several users (out of order within the allowed lateness, redeliveries, events too late) and
 * random rules over every feature kind, through an updater with audiences: folding every change delivered (ENTER,
 * EXIT, REVISE) gives, for each user at every event time, every change time and a millisecond before it, and at
 * random times, exactly the membership a brute-force evaluation gives: the rule on the profile built from only the
 * accepted events with {@code ts <= T}. The sizes and {@code audiences(user)} agree with it at the end.
 */
class AudienceHistoryPropertiesTest {


    @Property(tries = 120)
    void foldedChangesEqualBruteForceMembership(@ForAll long seed, @ForAll boolean keepAllIds) {
        Random r = new Random(seed);
        String[] users = new String[1 + r.nextInt(8)];
        for (int i = 0; i < users.length; i++) {
            users[i] = "u" + i;
        }
        List<Rule> rules = new ArrayList<>();
        List<AudienceRule> compiled = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Rule rule = AudienceRulePropertiesTest.rule(r, 2);
            rules.add(rule);
            compiled.add(AudienceRule.compile("a" + i, rule.text(), SCHEMA));
        }
        List<AudienceChange> log = new ArrayList<>();
        ProfileUpdater updater = ProfileUpdater.builder(SCHEMA).audiences(compiled).audienceListener(log::add)
                .dedupRetention(keepAllIds ? DedupRetention.ALL : DedupRetention.WITHIN_LATENESS).build();
        Map<String, List<Event>> accepted = new HashMap<>();
        Map<String, TreeSet<Long>> times = new HashMap<>();
        List<Event> sent = new ArrayList<>();
        long t = T0 + r.nextInt(1000);
        long clock = Long.MIN_VALUE;
        int n = 5 + r.nextInt(40);
        for (int e = 0; e < n; e++) {
            Event ev;
            if (!sent.isEmpty() && r.nextInt(12) == 0) {
                ev = sent.get(r.nextInt(sent.size()));
            } else {
                String user = users[r.nextInt(users.length)];
                long at = r.nextInt(3) == 0 ? t - r.nextInt((int) (8 * 3_600_000L)) : t;
                ev = AudienceRulePropertiesTest.event(r, "e" + e, at, user);
                t += (long) (r.nextDouble() * (r.nextInt(4) == 0 ? 3 * DAY : 3_600_000L));
            }
            sent.add(ev);
            Outcome o;
            try {
                o = updater.onEvent(ev);
            } catch (InvalidEventException x) {
                continue;
            }
            if (o == Outcome.ACCEPTED) {
                accepted.computeIfAbsent(ev.user(), k -> new ArrayList<>()).add(ev);
                times.computeIfAbsent(ev.user(), k -> new TreeSet<>()).add(ev.timestamp());
                clock = Math.max(clock, ev.timestamp());
            }
        }
        if (clock == Long.MIN_VALUE) {
            return;
        }
        long end = clock + r.nextInt(5) * DAY;
        updater.advanceClock(end);

        Map<String, Map<String, TreeMap<Long, Boolean>>> folded = fold(log);
        ProfileKernel k = AudienceRuleTest.kernel();
        Map<String, Long> sizes = new HashMap<>();
        for (String user : accepted.keySet()) {
            long first = times.get(user).first();
            TreeSet<Long> checks = new TreeSet<>(times.get(user));
            checks.add(end);
            for (AudienceChange c : log) {
                if (c.user().equals(user)) {
                    checks.add(c.from());
                    for (long[] iv : c.intervals()) {
                        checks.add(iv[0]);
                        if (iv[1] != AudienceRule.NEVER) {
                            checks.add(iv[1]);
                        }
                    }
                }
            }
            for (Long c : new ArrayList<>(checks)) {
                checks.add(c - 1);
            }
            for (int i = 0; i < 5; i++) {
                checks.add(first + (long) (r.nextDouble() * (end - first)));
            }
            for (long at : checks) {
                if (at < first || at > end) {
                    continue;
                }
                KernelState s = k.newState(user);
                for (Event ev : accepted.get(user)) {
                    if (ev.timestamp() <= at) {
                        k.apply(s, k.admit(ev));
                    }
                }
                var profile = k.profile(s, at);
                for (int a = 0; a < rules.size(); a++) {
                    boolean truth = rules.get(a).on(profile);
                    TreeMap<Long, Boolean> h = folded.getOrDefault(user, Map.of()).getOrDefault("a" + a, new TreeMap<>());
                    Map.Entry<Long, Boolean> got = h.floorEntry(at);
                    assertThat(got != null && got.getValue())
                            .as("user %s audience a%d (%s) at %d; log %s", user, a, rules.get(a).text(), at,
                                    log.stream().filter(c -> c.user().equals(user)).map(AudienceChange::toJson).toList())
                            .isEqualTo(truth);
                    if (at == end && truth) {
                        sizes.merge("a" + a, 1L, Long::sum);
                    }
                }
            }
            List<String> expected = new ArrayList<>();
            for (int a = 0; a < rules.size(); a++) {
                TreeMap<Long, Boolean> h = folded.getOrDefault(user, Map.of()).getOrDefault("a" + a, new TreeMap<>());
                Map.Entry<Long, Boolean> got = h.floorEntry(end);
                if (got != null && got.getValue()) {
                    expected.add("a" + a);
                }
            }
            assertThat(updater.audiences(user, end)).isEqualTo(expected);
        }
        for (int a = 0; a < rules.size(); a++) {
            assertThat(updater.audienceSizes().get("a" + a)).as("size of a%d", a)
                    .isEqualTo(sizes.getOrDefault("a" + a, 0L));
        }
    }

    /** Each user's and audience's membership as change points, folded from the log in delivery order. */
    static Map<String, Map<String, TreeMap<Long, Boolean>>> fold(List<AudienceChange> log) {
        Map<String, Map<String, TreeMap<Long, Boolean>>> out = new HashMap<>();
        Map<String, Long> last = new HashMap<>();
        for (AudienceChange c : log) {
            TreeMap<Long, Boolean> h = out.computeIfAbsent(c.user(), u -> new HashMap<>())
                    .computeIfAbsent(c.audience(), a -> new TreeMap<>());
            String key = c.user() + "/" + c.audience();
            switch (c.kind()) {
                case ENTER, EXIT -> {
                    Long prev = last.get(key);
                    assertThat(prev == null || c.ts() > prev).as("changes of %s in time order", key).isTrue();
                    h.tailMap(c.ts(), true).clear();
                    h.put(c.ts(), c.kind() == AudienceChange.Kind.ENTER);
                    last.put(key, c.ts());
                }
                case REVISE -> {
                    h.tailMap(c.from(), true).clear();
                    h.put(c.from(), false);
                    for (long[] iv : c.intervals()) {
                        assertThat(iv[0]).isGreaterThanOrEqualTo(c.from());
                        h.put(iv[0], true);
                        if (iv[1] != AudienceRule.NEVER) {
                            h.put(iv[1], false);
                        }
                    }
                }
            }
        }
        return out;
    }
}
