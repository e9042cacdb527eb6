package dev.profilekit.flink;

import dev.profilekit.core.engine.Event;
import dev.profilekit.core.engine.ProfileKernel;
import dev.profilekit.core.io.EventJson;
import dev.profilekit.core.spi.InvalidEventException;
import java.util.Set;

/**
 * One input record on its way to the keyed profile operator, keyed by {@link #key()}: an admitted event (user
 * already pseudonymised, attributes already filtered), a forget request for a user, or the mark of a line that
 * was rejected or dropped (those are keyed by {@link #NO_USER} and only counted).
 */
public final class Routed {

    /** What a record is. */
    public enum Kind {
        /** An event that passed the engine's admission checks; the operator decides accepted, duplicate or late. */
        EVENT,
        /** A control record: forget the user (profile and duplicate state), as {@code ProfileUpdater.forget}. */
        FORGET,
        /** A line that was rejected (unreadable, invalid, over a limit), counted like replay's "rejected". */
        REJECTED,
        /** An event of a user on the job's forget list, dropped before the engine (replay's "forgotten_events"). */
        FORGOTTEN
    }

    /** The key of records that belong to no user (user ids are never blank). */
    public static final String NO_USER = "";

    private final Kind kind;
    private final String key;
    private final Event event;

    private Routed(Kind kind, String key, Event event) {
        this.kind = kind;
        this.key = key;
        this.event = event;
    }

    /** An admitted event (see {@link ProfileKernel#admit}); its key is the event's user. */
    public static Routed event(Event admitted) {
        if (admitted == null) {
            throw new IllegalArgumentException("event must not be null");
        }
        return new Routed(Kind.EVENT, admitted.user(), admitted);
    }

    /** A forget request for the user stored under {@code key} (a {@link ProfileKernel#key} of the raw id). */
    public static Routed forget(String key) {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("key must be a non-blank user key, was '" + key + "'");
        }
        return new Routed(Kind.FORGET, key, null);
    }

    /** The mark of a rejected line. */
    public static Routed rejected() {
        return REJECTED;
    }

    /** The mark of an event dropped because its user is on the forget list. */
    public static Routed forgotten() {
        return FORGOTTEN;
    }

    private static final Routed REJECTED = new Routed(Kind.REJECTED, NO_USER, null);
    private static final Routed FORGOTTEN = new Routed(Kind.FORGOTTEN, NO_USER, null);

    /**
     * A mark ({@link Kind#REJECTED} or {@link Kind#FORGOTTEN}) keyed by {@code key}, a blank key that no user has:
     * a reader whose records go to one subtask of the keyed operator without an exchange keys its marks in that
     * subtask's key groups ({@link UserShareFormat#markKey}).
     */
    static Routed mark(Kind kind, String key) {
        if (kind != Kind.REJECTED && kind != Kind.FORGOTTEN || key == null || !key.isBlank()) {
            throw new IllegalArgumentException("a mark is REJECTED or FORGOTTEN with a blank key, was " + kind
                    + " '" + key + "'");
        }
        if (key.equals(NO_USER)) {
            return kind == Kind.REJECTED ? REJECTED : FORGOTTEN;
        }
        return new Routed(kind, key, null);
    }

    static Routed of(Kind kind, String key, Event event) {
        return switch (kind) {
            case EVENT -> event(event);
            case FORGET -> forget(key);
            case REJECTED, FORGOTTEN -> mark(kind, key);
        };
    }

    /**
     * One line of a JSON Lines event log as {@code profilekit replay} treats it: blank lines are no record (null);
     * a line that is not a valid event or breaks the kernel's limits is {@link #rejected()}; an event of a user in
     * {@code forgotten} (raw ids) is {@link #forgotten()}; any other is the {@link ProfileKernel#admit admitted}
     * event.
     *
     * @param kernel    the engine kernel
     * @param text      the line's text (decoded, without its line end)
     * @param forgotten raw user ids whose events are dropped (empty for none)
     */
    public static Routed ofLine(ProfileKernel kernel, String text, Set<String> forgotten) {
        if (kernel == null || text == null || forgotten == null) {
            throw new IllegalArgumentException("kernel, text and forgotten must not be null");
        }
        if (text.isBlank()) {
            return null;
        }
        try {
            return ofEvent(kernel, EventJson.parse(text), forgotten);
        } catch (InvalidEventException e) {
            return REJECTED;
        }
    }

    /**
     * A parsed event as {@link #ofLine} treats it: {@link #forgotten()} if its user is in {@code forgotten} (raw
     * ids), {@link #rejected()} if the kernel's admission refuses it, else the admitted event.
     *
     * @param kernel    the engine kernel
     * @param e         the parsed event
     * @param forgotten raw user ids whose events are dropped (empty for none)
     */
    public static Routed ofEvent(ProfileKernel kernel, Event e, Set<String> forgotten) {
        if (kernel == null || e == null || forgotten == null) {
            throw new IllegalArgumentException("kernel, e and forgotten must not be null");
        }
        if (!forgotten.isEmpty() && forgotten.contains(e.user())) {
            return FORGOTTEN;
        }
        try {
            return event(kernel.admit(e));
        } catch (InvalidEventException x) {
            return REJECTED;
        }
    }

    /** What this record is. */
    public Kind kind() {
        return kind;
    }

    /** The key: the (pseudonymised) user, or {@link #NO_USER}. */
    public String key() {
        return key;
    }

    /** The admitted event, or null unless {@link #kind()} is {@link Kind#EVENT}. */
    public Event event() {
        return event;
    }

    /** The record's event time: the event's time, or {@code Long.MIN_VALUE} for other records. */
    public long timestamp() {
        return event == null ? Long.MIN_VALUE : event.timestamp();
    }

    @Override
    public String toString() {
        return kind + "(" + key + (event == null ? "" : ", " + event) + ")";
    }
}
