package dev.profilekit.core.engine;

import dev.profilekit.core.spi.LiveModel;
import dev.profilekit.features.codec.ByteReader;
import dev.profilekit.features.codec.ByteWriter;
import dev.profilekit.features.codec.StateFormatException;

/**
 * The versioned binary encoding of one user's state: every feature's state, the duplicate and lateness
 * bookkeeping and the live models' per-user state, behind the schema fingerprint it was written under.
 *
 * <pre>
 * u8      format version (3; version 2 wrote only the non-zero doubles, version 1 kept event ids as strings)
 * fixed64 schema fingerprint (see {@link ProfileUpdater#fingerprint()})
 * string  user
 * fixed64 largest accepted time, largest applied time, accepted events
 * varint  n, then the n doubles of the user's stripe as they are (raw bits, little-endian): a bulk copy
 * per object feature, in schema order: u8 0 (none) or 1 and the feature's own encoding
 * varint  seen ids; when any: fixed64 x 2 the user's fingerprint key, then each: fixed64 x 2 fingerprint,
 *         zigzag time (see {@link SeenIds#encodeIds})
 * u8      0 (no model state) or 1 and the live models' per-user encoding
 * with audiences, the user's audience state if it has one (see {@link AudienceBook#encode})
 * </pre>
 * Doubles are their raw IEEE bits, so decoding gives back exactly the state that was encoded. The fixed part
 * (everything up to the stripe) has the same length for every user of a schema but the user id; the stripe is copied
 * in one pass ({@link ByteWriter#doubles}), and decoding copies it straight into the slab slot of the new state.
 */
final class StateCodec {

    static final int FORMAT_VERSION = 3;

    private final CompiledSchema compiled;
    private final CompiledFeature[] objectOwners;
    private final LiveModel<?> live;
    private final long fingerprint;
    /** Doubles per user's stripe. */
    private final int stride;

    /** The compiled schema whose states this codec encodes. */
    CompiledSchema compiled() {
        return compiled;
    }

    /** The audiences whose per-user state follows the rest, or null. */
    AudienceBook audiences;

    StateCodec(CompiledSchema compiled, LiveModel<?> live, long fingerprint) {
        this.compiled = compiled;
        this.live = live;
        this.fingerprint = fingerprint;
        this.stride = compiled.stride();
        java.util.List<CompiledFeature> owners = new java.util.ArrayList<>();
        for (CompiledFeature s : compiled.slots()) {
            if (s.objectSlot() >= 0) {
                owners.add(s);
            }
        }
        this.objectOwners = owners.toArray(new CompiledFeature[0]);
    }

    long fingerprint() {
        return fingerprint;
    }

    /** Appends the encoding of {@code s} to {@code w}. Caller holds the state's lock. */
    void encode(ProfileState s, ByteWriter w) {
        w.u8(FORMAT_VERSION);
        w.fixedLong(fingerprint);
        w.string(s.user);
        w.fixedLong(s.maxAccepted);
        w.fixedLong(s.maxApplied);
        w.fixedLong(s.accepted);
        w.varInt(stride);
        w.doubles(s.page, s.base, stride);
        for (CompiledFeature owner : objectOwners) {
            Object o = s.objects[owner.objectSlot()];
            if (o == null) {
                w.u8(0);
            } else {
                w.u8(1);
                owner.encodeObject(o, w);
            }
        }
        s.encodeIds(w);
        if (live == null || s.live == null) {
            w.u8(0);
        } else {
            w.u8(1);
            live.encodeUserState(s.live, w);
        }
        if (audiences != null) {
            audiences.encode(s, w);
        }
    }

    byte[] encode(ProfileState s) {
        ByteWriter w = new ByteWriter(64 + 8 * stride);
        encode(s, w);
        return w.toByteArray();
    }

    /** A new state from {@code r}, its stripe in a private page. */
    ProfileState decode(ByteReader r) {
        return decode(r, null);
    }

    /**
     * A new state from {@code r}, its stripe decoded straight into a new slot of {@code into} (a private page when
     * null). On failure the slot stays taken: the caller clears {@code into} (a restore) or uses none.
     */
    ProfileState decode(ByteReader r, Stripes into) {
        int version = r.u8();
        if (version != FORMAT_VERSION) {
            throw r.error("state format version " + version + ", this library reads only version " + FORMAT_VERSION
                    + (version < FORMAT_VERSION ? " (written by an older ProfileKit)" : ""));
        }
        long fp = r.fixedLong();
        if (fp != fingerprint) {
            throw r.error("state written under another schema or models configuration (fingerprint "
                    + Long.toHexString(fp) + ", this updater's is " + Long.toHexString(fingerprint) + ")");
        }
        String user = r.string();
        ProfileState s = compiled.newState(user, into);
        s.maxAccepted = r.fixedLong();
        s.maxApplied = r.fixedLong();
        s.accepted = r.fixedLong();
        if (s.accepted < 0 || s.maxApplied > s.maxAccepted) {
            throw r.error("inconsistent counters of user '" + user + "'");
        }
        int n = r.varInt(Integer.MAX_VALUE);
        if (n != stride) {
            throw r.error("user '" + user + "' has " + n + " value slots, the schema has " + stride);
        }
        r.doubles(s.page, s.base, n);
        for (CompiledFeature owner : objectOwners) {
            int present = r.u8();
            if (present == 1) {
                s.objects[owner.objectSlot()] = owner.decodeObject(r);
            } else if (present != 0) {
                throw r.error("object tag " + present + " of feature " + owner.spec.name());
            }
        }
        s.decodeIds(r);
        int hasLive = r.u8();
        if (hasLive == 1) {
            if (live == null) {
                throw r.error("user '" + user + "' has model state but this updater has no models");
            }
            s.live = live.decodeUserState(r, s);
        } else if (hasLive != 0) {
            throw r.error("model state tag " + hasLive);
        } else if (live != null) {
            s.live = live.newUserState();
        }
        if (audiences != null) {
            audiences.decode(s, r);
        }
        return s;
    }

    ProfileState decode(byte[] bytes, String what) {
        ByteReader r = new ByteReader(bytes, what);
        ProfileState s = decode(r);
        r.expectEnd();
        return s;
    }

    static StateFormatException wrap(String what, RuntimeException e) {
        return e instanceof StateFormatException f ? f : new StateFormatException(what + ": " + e.getMessage(), e);
    }
}
