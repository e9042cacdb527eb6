/**
 * ProfileKit's persistent {@code ProfileStore}: encoded user states in an embedded RocksDB database
 * ({@link dev.profilekit.store.rocksdb.RocksDbProfileStore}).
 *
 * <p>{@code rocksdbjni} ships no {@code Automatic-Module-Name}: its automatic module name is derived from the
 * jar's file name ({@code rocksdbjni-<version>.jar} -> {@code rocksdbjni}). No RocksDB type appears in this
 * module's API, so the dependency is not transitive.
 */
@SuppressWarnings("requires-automatic")
module dev.profilekit.store.rocksdb {
    requires transitive dev.profilekit.core;
    requires rocksdbjni;

    exports dev.profilekit.store.rocksdb;
}
