package dev.profilekit.cli;

import dev.profilekit.core.engine.ProfileUpdater;
import dev.profilekit.core.engine.SnapshotMismatchException;
import dev.profilekit.core.models.ModelsConfig;
import dev.profilekit.core.privacy.Encryption;
import dev.profilekit.core.schema.ProfileSchema;
import dev.profilekit.features.codec.StateFormatException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Reads one snapshot written by {@code replay --snapshot-dir} into an updater, for the commands that read a snapshot
 * ({@code query}, {@code audience}): the schema, models, audiences and keys the replay used come from flags, and
 * every way the snapshot cannot be read is one usage line (exit 2) naming the file and the flag to fix.
 */
final class SnapshotReader {

    private SnapshotReader() {
    }

    /** The flags a snapshot is read with (null when not given; the schema is required). */
    record Flags(Path snapshot, Path schema, Path models, Path audiences, Path pseudonymKey, Path encryptionKey) {
    }

    /** The updater holding the snapshot's profiles; the caller closes it. */
    static ProfileUpdater open(Flags f) {
        if (f.schema() == null) {
            throw new CliSupport.UsageException("--snapshot needs --schema: the schema the snapshot was written with");
        }
        CliSupport.requireReadable(f.snapshot(), "--snapshot");
        CliSupport.requireReadable(f.schema(), "--schema");
        ProfileSchema schema;
        try {
            schema = ProfileSchema.fromJson(f.schema());
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new CliSupport.UsageException("unreadable schema " + f.schema() + ": " + CliSupport.oneLine(e), e);
        }
        ProfileUpdater.Builder b = ProfileUpdater.builder(schema);
        if (f.audiences() != null) {
            CliSupport.requireReadable(f.audiences(), "--audiences");
            try {
                b.audiences(dev.profilekit.core.audience.Audiences.read(f.audiences(), schema));
            } catch (IllegalArgumentException e) {
                throw new CliSupport.UsageException("--audiences " + CliSupport.oneLine(e), e);
            }
        }
        try {
            if (f.models() != null) {
                CliSupport.requireReadable(f.models(), "--models");
                b.models(ModelsConfig.fromJson(f.models())).modelExecutor(Runnable::run);
            }
            if (f.pseudonymKey() != null) {
                b.pseudonymise(ReplayCommand.readKey(f.pseudonymKey(), "--pseudonymise-key"));
            }
            if (f.encryptionKey() != null) {
                b.encryptionKey(ReplayCommand.readKey(f.encryptionKey(), "--encryption-key"));
            }
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new CliSupport.UsageException(CliSupport.oneLine(e), e);
        }
        ProfileUpdater u = b.build();
        try {
            u.restore(f.snapshot());
            return u;
        } catch (SnapshotMismatchException e) {
            u.close();
            throw new CliSupport.UsageException("cannot read --snapshot " + f.snapshot() + ": " + mismatch(e), e);
        } catch (Encryption.WrongKeyException e) {
            u.close();
            throw new CliSupport.UsageException("cannot read --snapshot " + f.snapshot() + ": wrong "
                    + "--encryption-key (or the file was written with another key, or altered)", e);
        } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException | StateFormatException e) {
            u.close();
            // 2, not 1: exit code 1 says the user is not there, which an unreadable snapshot cannot tell
            String named = "snapshot " + f.snapshot() + " ";
            String message = CliSupport.oneLine(e);
            throw new CliSupport.UsageException("cannot read --snapshot " + f.snapshot() + ": "
                    + (message.startsWith(named) ? "it " + message.substring(named.length()) : message), e);
        }
    }

    /** What an intact snapshot of another key, encryption, schema or audiences needs from the flags. */
    private static String mismatch(SnapshotMismatchException e) {
        String audiences = audiences(e);
        if (audiences != null) {
            return audiences;
        }
        return switch (e.kind()) {
            case WRONG_KEY -> "wrong --encryption-key (the file is intact but was written with another key)";
            case ENCRYPTED -> "it is encrypted; give the --encryption-key it was written with";
            case NOT_ENCRYPTED -> "it is not encrypted; leave out --encryption-key";
            case SCHEMA -> "it " + e.difference() + "; give the --schema and --models the replay used";
            default -> "it " + e.difference();
        };
    }

    /**
     * A snapshot whose audiences differ from the run's, worded for the command line (the flag to give or leave
     * out), or null when the mismatch is about something else.
     */
    static String audiences(SnapshotMismatchException e) {
        String d = e.difference();
        if (d.startsWith("keeps audiences, and")) {
            return "it keeps audiences: give the --audiences file the replay used";
        }
        if (d.startsWith("was written without audiences")) {
            return "it was written without audiences: leave out --audiences";
        }
        if (d.startsWith("keeps the audiences ")) {
            return "it " + d.replace(", and this updater defines ", ", and --audiences defines ");
        }
        return null;
    }
}
