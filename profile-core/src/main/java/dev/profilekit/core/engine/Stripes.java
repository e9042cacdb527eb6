package dev.profilekit.core.engine;

import java.util.Arrays;

/**
 * The fixed-size state of every user in an updater's table, in shared primitive slabs: each user holds an int
 * slot, and its stripe of {@code stride} doubles (the compiled schema's {@link Layout}) lives at a fixed offset
 * in one page of a shared {@code double[]} slab. Every page holds a power-of-two number of stripes: the first
 * {@link #FIRST_PAGE} (so a small updater allocates little), each next one twice as many up to about
 * {@link #PAGE_DOUBLES} doubles, then pages of that size. The slab grows by adding pages and never copies a
 * stripe; a freed slot is reused through a free list.
 *
 * <p>A {@link ProfileState} in the table addresses its stripe as {@code (page, base)}; a state outside the table
 * (decoded from a store or a snapshot before it is installed, or one that left the table) holds a private page of
 * one stripe at base 0, so code reading a state does not care which it is. {@link #attach} moves a state's stripe
 * into a slot and {@link #release} moves it back into a private page, under the state's lock, so a thread that
 * still holds a state that left the table (a snapshot's writer, a reader about to see {@code evicted}) reads that
 * user's values and never another user's.
 *
 * <p>Allocating and freeing take this object's lock (a leaf lock: nothing is taken inside it). Pages are published
 * through a volatile array of pages; a state's {@code page} and {@code base} are published with the state (the
 * table's release store) or under the state's lock.
 */
final class Stripes {

    /** Doubles per page at most (512 KiB), rounded down to a power-of-two number of stripes. */
    static final int PAGE_DOUBLES = 1 << 16;
    /** Stripes in the first page (fewer when a page of {@link #PAGE_DOUBLES} holds fewer). */
    static final int FIRST_PAGE = 16;

    private final int stride;
    /** log2 of the stripes in the first page. */
    private final int first;
    /** log2 of the stripes in a full page. */
    private final int full;
    /** Slots in the growing pages (those before the first full one). */
    private final int growing;
    /** The pages; grows by copying the array of references only. */
    private volatile double[][] pages = new double[0][];
    private int[] free = new int[16];
    private int freeCount;
    /** Slots handed out so far, freed or not: the next new slot. */
    private int next;
    private int pageCount;

    /**
     * @param stride     doubles per user
     * @param pageDoubles doubles per page at most (a page holds at least one stripe)
     */
    Stripes(int stride, int pageDoubles) {
        this.stride = stride;
        int perPage = Integer.highestOneBit(Math.max(1, pageDoubles / Math.max(1, stride)));
        this.full = Integer.numberOfTrailingZeros(perPage);
        this.first = Math.min(full, Integer.numberOfTrailingZeros(FIRST_PAGE));
        this.growing = (1 << full) - (1 << first);
    }

    Stripes(int stride) {
        this(stride, PAGE_DOUBLES);
    }

    /** Doubles per user. */
    int stride() {
        return stride;
    }

    /** Stripes in a full page. */
    int stripesPerPage() {
        return 1 << full;
    }

    /** The page of {@code slot}. */
    int pageOf(int slot) {
        if (slot < growing) {
            return 31 - Integer.numberOfLeadingZeros((slot >>> first) + 1);
        }
        return full - first + ((slot - growing) >>> full);
    }

    /** The stripe index of {@code slot} within its page. */
    private int indexOf(int slot, int page) {
        return slot < growing ? slot - (((1 << page) - 1) << first) : (slot - growing) & ((1 << full) - 1);
    }

    /** Stripes in page {@code page}. */
    private int stripesIn(int page) {
        return 1 << Math.min(full, first + page);
    }

    /** Number of pages allocated. */
    synchronized int pages() {
        return pageCount;
    }

    /** Number of slots in use. */
    synchronized int used() {
        return next - freeCount;
    }

    /** A free slot (a reused one first); its stripe holds whatever its last user left: the caller overwrites it. */
    private synchronized int allocate() {
        if (freeCount > 0) {
            return free[--freeCount];
        }
        int slot = next;
        if (slot < 0 || slot == Integer.MAX_VALUE) {
            throw new IllegalStateException("more than " + Integer.MAX_VALUE + " live profiles");
        }
        int page = pageOf(slot);
        double[][] p = pages;
        if (page == p.length) {
            p = Arrays.copyOf(p, Math.max(4, p.length * 2));
            for (int i = page; i < p.length; i++) {
                p[i] = null;
            }
            pages = p;
        }
        if (p[page] == null) {
            p[page] = new double[stripesIn(page) * stride];
            pageCount++;
        }
        next = slot + 1;
        return slot;
    }

    private synchronized void free(int slot) {
        if (freeCount == free.length) {
            free = Arrays.copyOf(free, free.length * 2);
        }
        free[freeCount++] = slot;
    }

    /** Copies the stripe of {@code s} (a state with a private page) into a new slot and points {@code s} at it. */
    void attach(ProfileState s) {
        attach(s, s.page, s.base);
    }

    /** Points {@code s} (a state without a slot) at a new slot holding a copy of the stripe at {@code from} in {@code src}. */
    void attach(ProfileState s, double[] src, int from) {
        if (s.slot >= 0) {
            throw new IllegalStateException("the state of user '" + s.user + "' already has a slot");
        }
        int slot = allocate();
        int index = pageOf(slot);
        double[] page = pages[index];
        int base = indexOf(slot, index) * stride;
        System.arraycopy(src, from, page, base, stride);
        s.page = page;
        s.base = base;
        s.slot = slot;
    }

    /**
     * Moves the stripe of {@code s} out of its slot into a private page and frees the slot (a state leaving the
     * table). Does nothing for a state without a slot. Caller holds the state's lock.
     */
    void release(ProfileState s) {
        int slot = s.slot;
        if (slot < 0) {
            return;
        }
        s.page = Arrays.copyOfRange(s.page, s.base, s.base + stride);
        s.base = 0;
        s.slot = -1;
        free(slot);
    }

    /** Forgets every slot (the table was cleared and no state of it is used again); keeps the pages. */
    synchronized void clear() {
        next = 0;
        freeCount = 0;
    }
}
