package dev.profilekit.flink;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.function.Consumer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * Merges the trainer's records from several keyed operator instances into one event-time order, as close to the
 * order of arrival at a single engine as the instances allow: each instance's records are kept in their own order,
 * and the next record released is the earliest (by event time, then instance) of the instances' oldest records,
 * once every instance has passed its time (or the watermark has). A label of one instance thus never comes after
 * the other instances' event time has moved its example past its horizon. With one instance, every record is
 * released at once, in its order. Not thread-safe.
 */
final class ArrivalMerge {

    private ArrayDeque<ModelRecord>[] queues = newQueues(0);
    /** The largest record time of each instance ({@code Long.MIN_VALUE}: none yet). */
    private long[] clocks = new long[0];

    @SuppressWarnings("unchecked")
    private static ArrayDeque<ModelRecord>[] newQueues(int n) {
        ArrayDeque<ModelRecord>[] q = new ArrayDeque[n];
        for (int i = 0; i < n; i++) {
            q[i] = new ArrayDeque<>();
        }
        return q;
    }

    /**
     * Adds {@code r} and releases what may go, in order.
     *
     * @param watermark the receiver's watermark (every instance has passed it)
     */
    void add(ModelRecord r, long watermark, Consumer<ModelRecord> release) {
        if (r.senders() != queues.length) { // the first record, or the instances were rescaled: start over
            flush(release);
            queues = newQueues(r.senders());
            clocks = new long[r.senders()];
            java.util.Arrays.fill(clocks, Long.MIN_VALUE);
        }
        queues[r.sender()].add(r);
        clocks[r.sender()] = Math.max(clocks[r.sender()], r.time());
        long bound = watermark;
        long min = Long.MAX_VALUE;
        for (long c : clocks) {
            min = Math.min(min, c);
        }
        release(Math.max(bound, min), release);
    }

    /** Releases every held record with a time up to {@code bound}, earliest first. */
    private void release(long bound, Consumer<ModelRecord> release) {
        while (true) {
            int next = -1;
            for (int i = 0; i < queues.length; i++) {
                ModelRecord h = queues[i].peek();
                if (h != null && (next < 0 || h.time() < queues[next].peek().time())) {
                    next = i;
                }
            }
            if (next < 0 || queues[next].peek().time() > bound) {
                return;
            }
            release.accept(queues[next].poll());
        }
    }

    /** Releases everything held (the end of the input). */
    void flush(Consumer<ModelRecord> release) {
        release(Long.MAX_VALUE, release);
    }

    /** The held records and clocks, for a checkpoint. */
    byte[] encode() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        out.writeInt(queues.length);
        for (int i = 0; i < queues.length; i++) {
            out.writeLong(clocks[i]);
            out.writeInt(queues[i].size());
            for (ModelRecord r : queues[i]) {
                ModelRecord.Serializer.INSTANCE.serialize(r, out);
            }
        }
        return out.getCopyOfBuffer();
    }

    /** A merge holding what {@link #encode} wrote. */
    static ArrivalMerge decode(byte[] bytes) throws IOException {
        DataInputDeserializer in = new DataInputDeserializer(bytes);
        ArrivalMerge m = new ArrivalMerge();
        int n = in.readInt();
        m.queues = newQueues(n);
        m.clocks = new long[n];
        for (int i = 0; i < n; i++) {
            m.clocks[i] = in.readLong();
            int size = in.readInt();
            for (int j = 0; j < size; j++) {
                m.queues[i].add(ModelRecord.Serializer.INSTANCE.deserialize(in));
            }
        }
        return m;
    }
}
