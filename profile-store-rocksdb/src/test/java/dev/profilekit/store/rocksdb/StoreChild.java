package dev.profilekit.store.rocksdb;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The child JVM of {@link RocksDbKillTest}.
 * <ul>
 *   <li>{@code write DIR SYNC_EVERY_WRITE MAX}: opens the store, prints {@code ready N} (N = batches already
 *       in it), then for b = N, N+1, ... writes {@link KillBatches#batch(int) batch b}, calls
 *       {@code flush()} and prints {@code ack b}, until it is killed (or MAX batches are written);</li>
 *   <li>{@code hold DIR}: opens the store, writes and flushes one key, prints {@code open}, keeps the store
 *       open until its standard input ends, then closes it and prints {@code closed}.</li>
 * </ul>
 */
public final class StoreChild {

    private StoreChild() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[1]);
        switch (args[0]) {
            case "write" -> write(dir, Boolean.parseBoolean(args[2]), Integer.parseInt(args[3]));
            case "hold" -> hold(dir);
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    private static void write(Path dir, boolean syncEveryWrite, int max) throws IOException {
        RocksDbProfileStore.Options options = RocksDbProfileStore.Options.builder()
                .syncEveryWrite(syncEveryWrite)
                .writeBufferBytes(256 << 10) // small memtables: table files are written out during the run too
                .build();
        RocksDbProfileStore store = RocksDbProfileStore.open(dir, options); // never closed: the parent kills us
        int start = KillBatches.next(store);
        say("ready " + start);
        for (int b = start; b < start + max; b++) {
            store.write(KillBatches.batch(b));
            store.flush();
            say("ack " + b);
        }
        say("done");
    }

    private static void hold(Path dir) throws IOException {
        try (RocksDbProfileStore store = RocksDbProfileStore.open(dir)) {
            store.write(List.of(RocksDbProfileStore.Write.put("held", "yes".getBytes(StandardCharsets.UTF_8))));
            store.flush();
            say("open");
            InputStream in = System.in;
            while (in.read() >= 0) {
                // wait for the parent to close our standard input
            }
        }
        say("closed");
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
