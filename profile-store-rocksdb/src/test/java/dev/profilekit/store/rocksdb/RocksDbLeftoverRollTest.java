package dev.profilekit.store.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.profilekit.core.store.ProfileStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;

/**
 * A flush after deletes rolls the MANIFEST by creating and dropping a short-lived column family
 * ("manifest-roll"). A process killed between the two leaves that column family in the database; the next open
 * must still succeed (RocksDB refuses to open a database without naming every column family it holds) and keep
 * every profile. {@code RocksDbKillTest} hit this at one of its random kill points.
 */
class RocksDbLeftoverRollTest {

    @TempDir
    Path tmp;

    @Test
    void aStoreKilledInsideItsManifestRollOpensWithEveryProfile() throws Exception {
        Path dir = tmp.resolve("store");
        byte[] value = "profile bytes".getBytes(StandardCharsets.UTF_8);
        try (RocksDbProfileStore store = RocksDbProfileStore.open(dir)) {
            store.write(List.of(ProfileStore.Write.put("u1", value)));
            store.flush();
        }
        // what a kill between createColumnFamily and dropColumnFamily leaves behind
        RocksDB.loadLibrary();
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        try (org.rocksdb.Options o = new org.rocksdb.Options()) {
            for (byte[] name : RocksDB.listColumnFamilies(o, dir.toString())) {
                descriptors.add(new ColumnFamilyDescriptor(name));
            }
        }
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try (DBOptions options = new DBOptions();
             RocksDB db = RocksDB.open(options, dir.toString(), descriptors, handles)) {
            handles.add(db.createColumnFamily(new ColumnFamilyDescriptor(
                    "manifest-roll".getBytes(StandardCharsets.UTF_8))));
            handles.forEach(ColumnFamilyHandle::close);
        }

        try (RocksDbProfileStore store = RocksDbProfileStore.open(dir)) {
            assertThat(store.get("u1")).isEqualTo(value);
        }
        try (org.rocksdb.Options o = new org.rocksdb.Options()) {
            assertThat(RocksDB.listColumnFamilies(o, dir.toString()))
                    .noneMatch(n -> new String(n, StandardCharsets.UTF_8).equals("manifest-roll"));
        }
    }
}
