package dev.profilekit.core.live.internal;

import dev.profilekit.core.spi.Prequential;

import java.util.Arrays;

/**
 * Running prequential metrics in bounded memory: AUC over everything from per-class histograms of the
 * score (65,536 bins, ties within a bin counted half), mean log loss, and exact metrics over a ring of the
 * most recent examples. Guarded by the caller's lock.
 */
public final class PrequentialStats {

    public static final int BINS = 1 << 16;
    public static final double EPS = 1e-15;

    private final long[] pos = new long[BINS];
    private final long[] neg = new long[BINS];
    private long n;
    private long positives;
    private double lossSum;
    private final double[] recentP;
    private final byte[] recentY;
    private int recentCount;
    private int recentNext;

    public PrequentialStats(int window) {
        recentP = new double[window];
        recentY = new byte[window];
    }

    public static double logLoss(double p, int y) {
        double q = Math.min(1 - EPS, Math.max(EPS, p));
        return y == 1 ? -Math.log(q) : -Math.log(1 - q);
    }

    /** Records one example; returns its log loss. */
    public double add(double p, int y) {
        int bin = (int) Math.min(BINS - 1, Math.max(0, Math.floor(p * BINS)));
        if (y == 1) {
            pos[bin]++;
            positives++;
        } else {
            neg[bin]++;
        }
        n++;
        double loss = logLoss(p, y);
        lossSum += loss;
        recentP[recentNext] = p;
        recentY[recentNext] = (byte) y;
        recentNext = (recentNext + 1) % recentP.length;
        recentCount = Math.min(recentCount + 1, recentP.length);
        return loss;
    }

    public Prequential snapshot() {
        // AUC = P(score_pos > score_neg) + 0.5 P(equal), with equal meaning the same bin
        double auc = Double.NaN;
        long nPos = positives;
        long nNeg = n - positives;
        if (nPos > 0 && nNeg > 0) {
            double wins = 0;
            long negBelow = 0;
            for (int b = 0; b < BINS; b++) {
                wins += pos[b] * (negBelow + 0.5 * neg[b]);
                negBelow += neg[b];
            }
            auc = wins / ((double) nPos * nNeg);
        }
        double recentLoss = 0;
        for (int i = 0; i < recentCount; i++) {
            recentLoss += logLoss(recentP[i], recentY[i]);
        }
        return new Prequential(n, auc, n == 0 ? Double.NaN : lossSum / n, recentAuc(),
                recentCount == 0 ? Double.NaN : recentLoss / recentCount, positives);
    }

    private double recentAuc() {
        int m = recentCount;
        Integer[] idx = new Integer[m];
        int nPos = 0;
        for (int i = 0; i < m; i++) {
            idx[i] = i;
            nPos += recentY[i];
        }
        int nNeg = m - nPos;
        if (nPos == 0 || nNeg == 0) {
            return Double.NaN;
        }
        Arrays.sort(idx, (a, b) -> Double.compare(recentP[a], recentP[b]));
        // Mann-Whitney U with average ranks for ties
        double rankSumPos = 0;
        for (int i = 0; i < m; ) {
            int j = i;
            while (j + 1 < m && recentP[idx[j + 1]] == recentP[idx[i]]) {
                j++;
            }
            double avgRank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                if (recentY[idx[k]] == 1) {
                    rankSumPos += avgRank;
                }
            }
            i = j + 1;
        }
        return (rankSumPos - nPos * (nPos + 1) / 2.0) / ((double) nPos * nNeg);
    }

    /** Writes every statistic (histograms sparsely, the recent window in ring order) for a snapshot. */
    public void writeState(dev.profilekit.features.codec.ByteWriter out) {
        out.varLong(n).varLong(positives).f64(lossSum);
        int used = 0;
        for (int b = 0; b < BINS; b++) {
            if (pos[b] != 0 || neg[b] != 0) {
                used++;
            }
        }
        out.varInt(used);
        for (int b = 0; b < BINS; b++) {
            if (pos[b] != 0 || neg[b] != 0) {
                out.varInt(b).varLong(pos[b]).varLong(neg[b]);
            }
        }
        out.varInt(recentP.length).varInt(recentCount).varInt(recentNext);
        for (int i = 0; i < recentCount; i++) {
            out.f64(recentP[i]).u8(recentY[i]);
        }
    }

    /** Replaces every statistic with what {@link #writeState} wrote (the window length must match). */
    public void readState(dev.profilekit.features.codec.ByteReader in) {
        long nn = in.varLong();
        long pp = in.varLong();
        double loss = in.f64();
        long[] p = new long[BINS];
        long[] q = new long[BINS];
        int used = in.varInt(BINS);
        for (int i = 0; i < used; i++) {
            int b = in.varInt(BINS - 1);
            p[b] = in.varLong();
            q[b] = in.varLong();
        }
        int window = in.varInt(Integer.MAX_VALUE);
        if (window != recentP.length) {
            throw in.error("prequential window " + window + ", this model's is " + recentP.length);
        }
        int count = in.varInt(window);
        int next = in.varInt(Math.max(0, window - 1));
        double[] rp = new double[window];
        byte[] ry = new byte[window];
        for (int i = 0; i < count; i++) {
            rp[i] = in.f64();
            ry[i] = (byte) in.u8();
        }
        n = nn;
        positives = pp;
        lossSum = loss;
        System.arraycopy(p, 0, pos, 0, BINS);
        System.arraycopy(q, 0, neg, 0, BINS);
        System.arraycopy(rp, 0, recentP, 0, window);
        System.arraycopy(ry, 0, recentY, 0, window);
        recentCount = count;
        recentNext = next;
    }

    /** Copies every statistic of {@code other} (same window) into this one. */
    public void readStateFrom(PrequentialStats other) {
        n = other.n;
        positives = other.positives;
        lossSum = other.lossSum;
        System.arraycopy(other.pos, 0, pos, 0, BINS);
        System.arraycopy(other.neg, 0, neg, 0, BINS);
        System.arraycopy(other.recentP, 0, recentP, 0, recentP.length);
        System.arraycopy(other.recentY, 0, recentY, 0, recentY.length);
        recentCount = other.recentCount;
        recentNext = other.recentNext;
    }
}
