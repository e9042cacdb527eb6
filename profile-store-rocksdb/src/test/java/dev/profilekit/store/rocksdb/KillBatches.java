package dev.profilekit.store.rocksdb;

import dev.profilekit.core.store.ProfileStore;
import dev.profilekit.core.store.ProfileStore.Write;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * The batches the kill test's child writes: batch {@code b} depends only on {@code b}, so the store's content
 * after batches {@code 0..n-1} is known exactly. Each batch puts and deletes user keys of a shared key space
 * (so later batches overwrite and delete what earlier ones wrote), puts its marker {@code batch-b} and sets
 * {@code next} to {@code b + 1}, all in one atomic batch.
 */
final class KillBatches {

    static final String NEXT = "next";

    private KillBatches() {
    }

    static List<Write> batch(int b) {
        Random r = new Random(b * 0x9E3779B97F4A7C15L + 12345);
        int n = 1 + r.nextInt(40);
        List<Write> out = new ArrayList<>(n + 2);
        for (int i = 0; i < n; i++) {
            String key = "u" + r.nextInt(400);
            if (r.nextInt(5) == 0) {
                out.add(Write.delete(key));
            } else {
                byte[] v = new byte[8 + r.nextInt(600)];
                r.nextBytes(v);
                ByteBuffer.wrap(v).putInt(b).putInt(i); // which batch and element wrote it
                out.add(Write.put(key, v));
            }
            if (i == n / 2) {
                out.add(Write.put("batch-" + b, ("batch " + b).getBytes(StandardCharsets.UTF_8)));
            }
        }
        out.add(Write.put(NEXT, Integer.toString(b + 1).getBytes(StandardCharsets.UTF_8)));
        return out;
    }

    /** The content after batches {@code 0..n-1}. */
    static Map<String, byte[]> model(int n) {
        TreeMap<String, byte[]> m = new TreeMap<>();
        for (int b = 0; b < n; b++) {
            for (Write w : batch(b)) {
                if (w.value() == null) {
                    m.remove(w.key());
                } else {
                    m.put(w.key(), w.value());
                }
            }
        }
        return m;
    }

    /** How many batches the store says it holds ({@code next}), 0 for a new store. */
    static int next(ProfileStore store) {
        byte[] v = store.get(NEXT);
        return v == null ? 0 : Integer.parseInt(new String(v, StandardCharsets.UTF_8));
    }
}
