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
 * u8      format version (2; version 1 kept event ids as strings)
 * fixed64 schema fingerprint (see {@link ProfileUpdater#fingerprint()})
 * string  user
 * zigzag  largest accepted time, largest applied time
 * varint  accepted events
 * varint  n doubles, then a bitmap of n bits (slots whose bits are not all zero), then those doubles (raw bits)
 * per object feature, in schema order: u8 0 (none) or 1 and the feature's own encoding
 * varint  seen ids; when any: fixed64 x 2 the user's fingerprint key, then each: fixed64 x 2 fingerprint,
 *         zigzag time (see {@link SeenIds#encodeIds})
 * u8      0 (no model state) or 1 and the live models' per-user encoding
 * with audiences, the user's audience state if it has one (see {@link AudienceBook#encode})
 * </pre>
 * Doubles are their raw IEEE bits, so decoding gives back exactly the state that was encoded.
 */
final class StateCodec {

    static final int FORMAT_VERSION = 2;

    private final CompiledSchema compiled;
    private final CompiledFeature[] objectOwners;
    private final LiveModel<?> live;
    private final long fingerprint;
    /** The audiences whose per-user state follows the rest, or null. */
    AudienceBook audiences;

    StateCodec(CompiledSchema compiled, LiveModel<?> live, long fingerprint) {
        this.compiled = compiled;
        this.live = live;
        this.fingerprint = fingerprint;
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
        w.zigZag(s.maxAccepted);
        w.zigZag(s.maxApplied);
        w.varLong(s.accepted);
        double[] v = s.values;
        w.varInt(v.length);
        for (int i = 0; i < v.length; i += 8) {
            int bits = 0;
            for (int j = 0; j < 8 && i + j < v.length; j++) {
                if (Double.doubleToRawLongBits(v[i + j]) != 0) {
                    bits |= 1 << j;
                }
            }
            w.u8(bits);
        }
        for (double d : v) {
            if (Double.doubleToRawLongBits(d) != 0) {
                w.f64(d);
            }
        }
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
        ByteWriter w = new ByteWriter(64 + 8 * s.values.length);
        encode(s, w);
        return w.toByteArray();
    }

    /** A new state from {@code r}, which must hold exactly one encoded state. */
    ProfileState decode(ByteReader r) {
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
        ProfileState s = compiled.newState(user);
        s.maxAccepted = r.zigZag();
        s.maxApplied = r.zigZag();
        s.accepted = r.varLong();
        if (s.accepted < 0 || s.maxApplied > s.maxAccepted) {
            throw r.error("inconsistent counters of user '" + user + "'");
        }
        int n = r.varInt(Integer.MAX_VALUE);
        if (n != s.values.length) {
            throw r.error("user '" + user + "' has " + n + " value slots, the schema has " + s.values.length);
        }
        byte[] bitmap = r.bytes((n + 7) / 8);
        for (int i = 0; i < n; i++) {
            s.values[i] = (bitmap[i >> 3] >> (i & 7) & 1) != 0 ? r.f64() : 0.0;
        }
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
