package dev.profilekit.core.engine;

import dev.profilekit.core.spi.LiveModel;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Expiry (TTL) of the updater's profiles: the event-time watermark (the largest accepted event time over all users),
 * emptying a state in place when its user's next event finds it expired, and the table's sweeper, which removes an
 * expired state (and deletes its stored copy). Whether a state has expired is {@link Admission#expired}'s rule.
 * Thread-safe; a state is changed under its own lock.
 */
final class Expiry {

    private final Admission admission;
    private final CompiledSchema compiled;
    /** The live models, or null without models (they forget an expired user's examples). */
    private final LiveModel<?> live;
    private final CopyOnWriteCut cut;
    /** The store cache, or null without a store. */
    private final StoreCache cache;
    /** The largest accepted event time over all users (the updater's; snapshots record it), MIN_VALUE before any. */
    private final AtomicLong watermark;
    /** The audiences, or null: an expiry ends every membership at the exact expiry millisecond. */
    private final AudienceBook audiences;
    /** The slab an expired state's stripe leaves. */
    private final Stripes stripes;

    Expiry(Admission admission, CompiledSchema compiled, LiveModel<?> live, CopyOnWriteCut cut, StoreCache cache,
           AtomicLong watermark, Stripes stripes, AudienceBook audiences) {
        this.admission = admission;
        this.audiences = audiences;
        this.stripes = stripes;
        this.compiled = compiled;
        this.live = live;
        this.cut = cut;
        this.cache = cache;
        this.watermark = watermark;
    }

    /** Raises the watermark to {@code t} if later; returns the watermark after it. */
    long advanceWatermark(long t) {
        long w = watermark.get();
        while (t > w && !watermark.compareAndSet(w, t)) {
            w = watermark.get();
        }
        return Math.max(w, t);
    }

    /** Whether {@code s} has been idle longer than the TTL at watermark {@code wm}. Caller holds the lock. */
    private boolean expired(ProfileState s, long wm) {
        return admission.expired(s, wm);
    }

    /** Empties {@code s} in place (expiry): the user starts again with no history. Caller holds the lock. */
    void reset(ProfileState s) {
        if (audiences != null) {
            audiences.expire(s);
        }
        compiled.clearStripe(s);
        compiled.release(s);
        java.util.Arrays.fill(s.objects, null);
        compiled.adopt(s);
        s.clearIds();
        s.maxAccepted = Long.MIN_VALUE;
        s.maxApplied = Long.MIN_VALUE;
        s.accepted = 0;
        if (live != null) {
            live.forget(s);
            s.live = live.newUserState();
        }
        s.dirty = true;
    }

    /** The sweeper with a TTL: removes an expired state (and its stored copy). Under its segment's lock. */
    boolean expireIfIdle(ProfileState s) {
        synchronized (s) {
            if (!expired(s, watermark.get())) {
                return false;
            }
            cut.preserve(s);
            if (audiences != null) {
                audiences.expire(s);
            }
            s.evicted = true;
            if (live != null) {
                live.forget(s);
            }
            stripes.release(s);
            compiled.release(s);
        }
        if (cache != null) {
            cache.expire(s.user);
        }
        return true;
    }
}
