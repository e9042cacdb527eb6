package dev.profilekit.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.profilekit.features.hash.KeyedHash;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The table's lock-free reads compare hashes kept beside the states and touch a state only where they match:
 * while a writer inserts and removes other users of the same small segments (removal shifts entries back, so a
 * reader may see a hash beside another slot's state), a reader always finds a user that stays, and never
 * another user's state.
 */
class ProfileTableTest {

    private static ProfileState state(String user) {
        return new ProfileState(user, new double[0], 0);
    }

    @Test
    void readersFindStayingUsersWhileOthersAreInsertedAndRemoved() throws Exception {
        ProfileTable table = new ProfileTable(1, Integer.MAX_VALUE);
        List<ProfileState> staying = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            ProfileState s = state("stay-" + i);
            staying.add(table.getOrCreate(s.user, s.userHash, u -> s, null, null));
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<String> wrong = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            for (int round = 0; !stop.get(); round++) {
                List<ProfileState> churn = new ArrayList<>();
                for (int i = 0; i < 512; i++) {
                    ProfileState s = state("churn-" + round + "-" + i);
                    churn.add(table.getOrCreate(s.user, s.userHash, u -> s, null, null));
                }
                for (ProfileState s : churn) {
                    table.remove(s, null);
                }
            }
        });
        writer.start();
        try {
            long end = System.nanoTime() + 1_000_000_000L;
            while (System.nanoTime() < end && wrong.get() == null) {
                for (ProfileState s : staying) {
                    ProfileState found = table.get(s.user, KeyedHash.hash(s.user));
                    if (found != s) {
                        wrong.set(s.user + " -> " + (found == null ? "null" : found.user));
                    }
                }
                assertThat(table.get("absent", KeyedHash.hash("absent"))).isNull();
            }
        } finally {
            stop.set(true);
            writer.join();
        }
        assertThat(wrong.get()).isNull();
        assertThat(table.size()).isEqualTo(staying.size());
    }

    /**
     * Listing the table while another thread removes users (removal shifts later entries back, past a lock-free
     * scan's position) still lists every user that stays: {@code users()}, {@code flush} and the snapshot writers
     * list the table this way, and a missed user is a user not forgotten, not written back or not snapshot.
     */
    @Test
    void aListingFindsEveryStayingUserWhileOthersAreRemoved() throws Exception {
        for (int round = 0; round < 200; round++) {
            ProfileTable table = new ProfileTable(1, Integer.MAX_VALUE);
            List<ProfileState> staying = new ArrayList<>();
            List<ProfileState> leaving = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                ProfileState s = state(round + "-" + i);
                table.getOrCreate(s.user, s.userHash, u -> s, null, null);
                (i % 2 == 0 ? staying : leaving).add(s);
            }
            Thread remover = new Thread(() -> leaving.forEach(s -> table.remove(s, null)));
            remover.start();
            java.util.Set<ProfileState> listed = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            table.forEach((u, s) -> listed.add(s));
            remover.join();
            assertThat(staying).as("round %d: users that stayed throughout the listing", round)
                    .allMatch(listed::contains);
        }
    }
}
