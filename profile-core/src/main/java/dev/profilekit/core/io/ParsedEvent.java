package dev.profilekit.core.io;

import dev.profilekit.core.engine.Event;
import dev.profilekit.core.spi.InvalidEventException;

/**
 * One record of an event input, as an {@link EventReader} returns it: either an event or why its line was rejected.
 *
 * @param line   1-based number of the line the record starts on (every line counts, blank or not)
 * @param offset byte offset in the input where the next record starts (for resuming a replay)
 * @param event  the event, or null when {@code error} is set
 * @param error  why the record was rejected, or null
 * @param text   for a rejected record, its text as far as it can be shown (invalid bytes replaced by U+FFFD);
 *               null for an event
 */
public record ParsedEvent(long line, long offset, Event event, InvalidEventException error, String text) {

    /**
     * @throws IllegalArgumentException unless exactly one of {@code event} and {@code error} is given
     */
    public ParsedEvent {
        if ((event == null) == (error == null)) {
            throw new IllegalArgumentException("exactly one of event and error must be given (line " + line + ")");
        }
    }
}
