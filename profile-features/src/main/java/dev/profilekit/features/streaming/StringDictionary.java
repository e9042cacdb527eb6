package dev.profilekit.features.streaming;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A shared dictionary of strings: each string held by some counter has one small int code and one canonical
 * instance, and a reference count of the holders. A counter that keeps a value keeps its code (4 bytes) instead
 * of its own copy of the string. When the last holder releases a code, the entry is removed and the code is
 * reused, so a string that no holder keeps any more is not kept by the dictionary either.
 *
 * <p><b>Bounded.</b> At most {@code maxEntries} strings are coded at a time. When the dictionary is full,
 * {@link #acquire} refuses a string that is not already present (returns -1, counted by {@link #refused()}); the
 * caller then keeps that string itself, un-coded, so results stay exact and only memory grows.
 *
 * <p><b>Thread-safe.</b> {@link #find}, {@link #string}, {@link #retain}, {@link #release} and {@link #acquire}
 * of a string already present take no lock (a concurrent map read and a compare-and-set on the entry's count);
 * only a new string takes the small allocator lock. A code is valid while its holder's reference keeps it: a
 * holder must not use a code it does not hold (or pin through {@link #acquire}).
 */
public final class StringDictionary {

    /** A holder that keeps its values as codes of a dictionary once it {@link #adopt}s one. */
    public interface Coded {
        /** Codes the values kept as strings in {@code d} and codes new values there from now on. */
        void adopt(StringDictionary d);

        /** Gives back every code held, keeping those values as strings (reads the same afterwards). */
        void release();
    }

    /**
     * A counter's argument for a value's code when the caller knows the value is not coded (so the counter need not
     * look it up); -1 means unknown (the counter looks it up).
     */
    public static final int NOT_CODED = -2;

    /** The default bound: about a million coded strings. */
    public static final int DEFAULT_MAX_ENTRIES = 1 << 20;

    private static final VarHandle REFS;

    static {
        try {
            REFS = MethodHandles.lookup().findVarHandle(Entry.class, "refs", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** One coded string: its canonical instance, its code and its count of holders (0: dead, never revived). */
    private static final class Entry {
        final String value;
        final int code;
        volatile int refs;

        Entry(String value, int code) {
            this.value = value;
            this.code = code;
            this.refs = 1;
        }
    }

    private final int maxEntries;
    private final ConcurrentHashMap<String, Entry> byString = new ConcurrentHashMap<>();
    /** Entries by code; written under {@link #lock}, read without it (a holder's code is never rewritten). */
    private volatile Entry[] byCode = new Entry[64];
    private final Object lock = new Object();
    /** Codes freed for reuse, a stack. Guarded by {@link #lock}. */
    private int[] free = new int[16];
    private int freeCount;
    private int nextCode;
    private int live;
    private final LongAdder refused = new LongAdder();

    /** A dictionary of at most {@code maxEntries} strings at a time ({@code >= 1}). */
    public StringDictionary(int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be >= 1, was " + maxEntries);
        }
        this.maxEntries = maxEntries;
    }

    /** The bound on coded strings. */
    public int maxEntries() {
        return maxEntries;
    }

    /**
     * The code of {@code s} if some holder keeps it, else -1. Takes no reference: the code may be released by
     * others at any time, so it serves only to look {@code s} up among the codes the caller holds. No lock.
     */
    public int find(String s) {
        Entry e = byString.get(s);
        return e == null || e.refs <= 0 ? -1 : e.code;
    }

    /**
     * A reference to the code of {@code s}, coding {@code s} if it is new: the code, or -1 when {@code s} is new and
     * the dictionary holds {@code maxEntries} strings (the caller then keeps {@code s} un-coded). May allocate (a new
     * entry); a string already present costs a map read and a compare-and-set.
     */
    public int acquire(String s) {
        if (s == null) {
            throw new IllegalArgumentException("value must not be null");
        }
        while (true) {
            Entry e = byString.get(s);
            if (e != null) {
                if (tryRetain(e)) {
                    return e.code;
                }
                byString.remove(s, e); // dead: its releaser removes it too; help and retry
                continue;
            }
            Entry n;
            synchronized (lock) {
                if (live >= maxEntries) {
                    refused.increment();
                    return -1;
                }
                int code = freeCount > 0 ? free[--freeCount] : nextCode++;
                Entry[] table = byCode;
                if (code >= table.length) {
                    table = java.util.Arrays.copyOf(table, Math.max(code + 1, table.length * 2));
                }
                // a copy: no caller's instance is ever the canonical one
                n = new Entry(new String(s), code);
                table[code] = n;
                byCode = table;
                live++;
            }
            Entry prev = byString.putIfAbsent(n.value, n);
            if (prev == null) {
                return n.code;
            }
            free(n); // another thread coded s first: use its entry
        }
    }

    private static boolean tryRetain(Entry e) {
        while (true) {
            int r = e.refs;
            if (r <= 0) {
                return false;
            }
            if (REFS.compareAndSet(e, r, r + 1)) {
                return true;
            }
        }
    }

    /** One more reference to {@code code}, which the caller holds or has pinned. No lock, no allocation. */
    public void retain(int code) {
        REFS.getAndAdd(entry(code), 1);
    }

    /**
     * Drops one reference to {@code code}; the last one removes the string and frees the code. No lock unless it is
     * the last; allocates nothing.
     */
    public void release(int code) {
        Entry e = entry(code);
        int before = (int) REFS.getAndAdd(e, -1);
        if (before == 1) {
            byString.remove(e.value, e);
            free(e);
        } else if (before <= 0) {
            throw new IllegalStateException("code " + code + " released more often than acquired");
        }
    }

    private void free(Entry e) {
        synchronized (lock) {
            byCode[e.code] = null;
            if (freeCount == free.length) {
                free = java.util.Arrays.copyOf(free, free.length * 2);
            }
            free[freeCount++] = e.code;
            live--;
        }
    }

    private Entry entry(int code) {
        Entry e = byCode[code];
        if (e == null) {
            throw new IllegalStateException("code " + code + " is not held");
        }
        return e;
    }

    /** The canonical string of a held {@code code}. No lock, no allocation. */
    public String string(int code) {
        return entry(code).value;
    }

    /**
     * The code of {@code s} if {@code s} is the dictionary's canonical instance of a coded string (so a holder that
     * keeps instances, not codes, can tell a coded value from an un-coded copy), else -1.
     */
    public int codeOfCanonical(String s) {
        Entry e = byString.get(s);
        return e != null && e.value == s ? e.code : -1;
    }

    /** Number of strings coded now. */
    public int size() {
        synchronized (lock) {
            return live;
        }
    }

    /** The holders' references to {@code s} (0 when it is not coded). For tests and diagnostics. */
    public int references(String s) {
        Entry e = byString.get(s);
        return e == null ? 0 : Math.max(0, e.refs);
    }

    /** How many times a new string was refused because the dictionary was full. */
    public long refused() {
        return refused.sum();
    }
}
