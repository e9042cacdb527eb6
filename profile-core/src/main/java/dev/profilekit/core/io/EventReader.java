package dev.profilekit.core.io;

import java.io.Closeable;
import java.io.IOException;

/**
 * Events read from an input, record by record, in input order: {@link JsonLinesReader} (JSON Lines),
 * {@link CsvEventReader} (CSV with a header), {@link PipelinedEventReader} (either, parsed on another thread).
 * Blank lines are skipped; an invalid record comes back as a {@link ParsedEvent} with its error, and reading goes
 * on with the next one. Not thread-safe unless said otherwise.
 */
public interface EventReader extends Closeable {

    /**
     * The next record, or null at the end of the input.
     *
     * @throws IOException if the input cannot be read
     */
    ParsedEvent next() throws IOException;
}
