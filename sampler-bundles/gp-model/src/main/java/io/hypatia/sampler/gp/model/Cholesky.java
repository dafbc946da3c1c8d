package io.hypatia.sampler.gp.model;

import java.util.function.Supplier;

/**
 * Cholesky factor {@code K + jitter I = L L^T} of a symmetric positive (semi-)definite matrix,
 * stored row-major in a flat array (only the lower triangle is meaningful).
 *
 * <p>When the plain factorisation fails (a kernel matrix of near-duplicate points is
 * numerically singular) a diagonal jitter is added and escalated by factors of ten, starting at
 * {@value #FIRST_JITTER} times the mean diagonal and giving up above {@value #LAST_JITTER} times it
 * (Rasmussen and Williams 2006, section A.4 and the remark on adding a small multiple of the
 * identity).
 */
public final class Cholesky {
    public static final double FIRST_JITTER = 1e-10;
    public static final double LAST_JITTER = 1e-2;

    public final int n;
    /** Lower-triangular factor, row-major n x n. */
    public final double[] l;
    /** The jitter that was added to the diagonal (0 when none was needed). */
    public final double jitter;

    private Cholesky(int n, double[] l, double jitter) {
        this.n = n;
        this.l = l;
        this.jitter = jitter;
    }

    /**
     * Factorises {@code a} (row-major n x n, only the lower triangle is read), escalating jitter
     * as needed; returns null when even the largest jitter does not make it positive definite.
     */
    public static Cholesky factor(double[] a, int n) {
        double[] l = new double[n * n];
        if (decompose(a, n, 0, l)) {
            return new Cholesky(n, l, 0);
        }
        double meanDiag = 0;
        for (int i = 0; i < n; i++) {
            meanDiag += Math.abs(a[i * n + i]);
        }
        meanDiag = Math.max(meanDiag / Math.max(1, n), 1e-300);
        for (double rel = FIRST_JITTER; rel <= LAST_JITTER * 1.0001; rel *= 10) {
            double jitter = rel * meanDiag;
            if (decompose(a, n, jitter, l)) {
                return new Cholesky(n, l, jitter);
            }
        }
        return null;
    }

    /**
     * {@link #factor} of {@code a} (row-major n x n), bit for bit, reusing a factor {@code prefix}
     * whose first {@code rows} rows are the first rows of the jitter-free factor of {@code a}:
     * those rows are copied. A later row i may also take its first {@code rows} entries from row
     * {@code moved[i - rows]} of {@code prefix} (-1: none): entry (i, j) of a factor depends only on
     * the matrix entries (i, 0..j) and the factor's rows 0..j, so when those are the same (the
     * same point against the same leading points, under the same kernel), so is the entry. The
     * other entries are computed exactly as {@link #factor} computes them, the same sums in the
     * same order. Only the lower triangle of {@code a} is read, from row {@code rows} on, and in a
     * row with a moved source from column {@code rows} on. When the jitter-free factorisation
     * fails, {@code fullMatrix} supplies the whole matrix and {@link #factor} escalates the jitter
     * as usual (null when even that fails).
     *
     * <p>Row i of a Cholesky factor costs i^2/2 multiply-adds, so the last rows are the dear ones:
     * when points are inserted among the first ones, reusing the leading columns of the rows that
     * only moved saves most of the work.
     */
    public static Cholesky factorFrom(Cholesky prefix, int rows, int[] moved, double[] a, int n, Supplier<double[]> fullMatrix) {
        if (rows < 0 || rows > Math.min(n, prefix.n) || (moved != null && moved.length != n - rows)) {
            throw new IllegalArgumentException("rows " + rows + " outside 0.." + Math.min(n, prefix.n) + " or moved rows not n - rows");
        }
        double[] l = new double[n * n];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(prefix.l, i * prefix.n, l, i * n, i + 1);
        }
        int[] firstColumn = new int[n];
        if (moved != null) {
            for (int i = rows; i < n; i++) {
                int o = moved[i - rows];
                if (o >= 0) {
                    if (o < rows || o >= prefix.n) {
                        throw new IllegalArgumentException("moved row " + o + " outside " + rows + ".." + (prefix.n - 1));
                    }
                    System.arraycopy(prefix.l, o * prefix.n, l, i * n, rows);
                    firstColumn[i] = rows;
                }
            }
        }
        if (decompose(a, n, 0, l, rows, firstColumn)) {
            return new Cholesky(n, l, 0);
        }
        return factor(fullMatrix.get(), n);
    }

    private static boolean decompose(double[] a, int n, double jitter, double[] l) {
        return decompose(a, n, jitter, l, 0, null);
    }

    /**
     * Cholesky-Banachiewicz, row by row from row {@code from}, row i from column
     * {@code firstColumn[i]} (0 when null: the entries before are given); the inner products run
     * over contiguous memory. Two rows at a time: entry (i, j) and (i + 1, j) take their inner
     * products with the same row j ({@link #dotPair}, each sum exactly {@link #dot}'s), so row j
     * is read once for both.
     */
    private static boolean decompose(double[] a, int n, double jitter, double[] l, int from, int[] firstColumn) {
        double[] pair = new double[2];
        int i = from;
        while (i < n) {
            int first = firstColumn == null ? 0 : firstColumn[i];
            if (i + 1 == n || (firstColumn != null && firstColumn[i + 1] != first)) {
                if (!decomposeRow(a, n, jitter, l, i, first)) {
                    return false;
                }
                i++;
                continue;
            }
            int ri = i * n, rk = ri + n;
            for (int j = first; j < i; j++) {
                int rj = j * n;
                dotPair(l, rj, l, ri, rk, j, pair);
                double ljj = l[rj + j];
                l[ri + j] = (a[ri + j] - pair[0]) / ljj;
                l[rk + j] = (a[rk + j] - pair[1]) / ljj;
            }
            // row i's diagonal, then row i + 1's last two entries (they need row i complete)
            if (!decomposeRow(a, n, jitter, l, i, i) || !decomposeRow(a, n, jitter, l, i + 1, i)) {
                return false;
            }
            i += 2;
        }
        return true;
    }

    /** Entries {@code first..i} of row i of the factor. */
    private static boolean decomposeRow(double[] a, int n, double jitter, double[] l, int i, int first) {
        int ri = i * n;
        for (int j = first; j <= i; j++) {
            int rj = j * n;
            double s = a[ri + j] - dot(l, ri, l, rj, j);
            if (i == j) {
                s += jitter;
                if (!(s > 0) || Double.isInfinite(s)) {
                    return false;
                }
                l[ri + i] = Math.sqrt(s);
            } else {
                l[ri + j] = s / l[rj + j];
            }
        }
        return true;
    }

    /**
     * {@code out[0] = dot(v, o1, x, xo, len)} and {@code out[1] = dot(v, o2, x, xo, len)}, each
     * sum to the last bit what {@link #dot} computes (the same four accumulators, the same order;
     * a product's operands commute exactly), with one load of x for both.
     */
    static void dotPair(double[] x, int xo, double[] v, int o1, int o2, int len, double[] out) {
        double a0 = 0, a1 = 0, a2 = 0, a3 = 0;
        double b0 = 0, b1 = 0, b2 = 0, b3 = 0;
        int k = 0;
        for (; k + 3 < len; k += 4) {
            double x0 = x[xo + k], x1 = x[xo + k + 1], x2 = x[xo + k + 2], x3 = x[xo + k + 3];
            a0 += v[o1 + k] * x0;
            a1 += v[o1 + k + 1] * x1;
            a2 += v[o1 + k + 2] * x2;
            a3 += v[o1 + k + 3] * x3;
            b0 += v[o2 + k] * x0;
            b1 += v[o2 + k + 1] * x1;
            b2 += v[o2 + k + 2] * x2;
            b3 += v[o2 + k + 3] * x3;
        }
        for (; k < len; k++) {
            double xk = x[xo + k];
            a0 += v[o1 + k] * xk;
            b0 += v[o2 + k] * xk;
        }
        out[0] = (a0 + a1) + (a2 + a3);
        out[1] = (b0 + b1) + (b2 + b3);
    }

    /**
     * {@code sum_k x[xo+k] * y[yo+k]} for k < len with four independent accumulators: the JIT does
     * not vectorise a floating-point reduction, and a single accumulator is bound by the latency of
     * the add (about 4x slower on the O(n^3) loops here).
     */
    public static double dot(double[] x, int xo, double[] y, int yo, int len) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int k = 0;
        for (; k + 3 < len; k += 4) {
            s0 += x[xo + k] * y[yo + k];
            s1 += x[xo + k + 1] * y[yo + k + 1];
            s2 += x[xo + k + 2] * y[yo + k + 2];
            s3 += x[xo + k + 3] * y[yo + k + 3];
        }
        for (; k < len; k++) {
            s0 += x[xo + k] * y[yo + k];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** Solves {@code L v = b} in place. */
    public void solveLowerInPlace(double[] b) {
        for (int i = 0; i < n; i++) {
            int ri = i * n;
            b[i] = (b[i] - dot(l, ri, b, 0, i)) / l[ri + i];
        }
    }

    /**
     * Solves {@code L v = b} in place for the first {@code count} right-hand sides of {@code b}.
     * Row i of L is applied to every right-hand side before moving on, so L is streamed from
     * memory once per call instead of once per right-hand side (the difference between ~0.1 s and
     * ~1 s for 2,000 candidates at n = 1,000).
     */
    public void solveLowerInPlace(double[][] b, int count) {
        for (int i = 0; i < n; i++) {
            int ri = i * n;
            double lii = l[ri + i];
            int c = 0;
            // Eight, then four right-hand sides at a time share each load of L and give independent
            // sums (eight chains of adds keep the adder busy); each is the same single running sum.
            for (; c + 7 < count; c += 8) {
                double[] v0 = b[c], v1 = b[c + 1], v2 = b[c + 2], v3 = b[c + 3];
                double[] v4 = b[c + 4], v5 = b[c + 5], v6 = b[c + 6], v7 = b[c + 7];
                double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
                for (int k = 0; k < i; k++) {
                    double lk = l[ri + k];
                    s0 += lk * v0[k];
                    s1 += lk * v1[k];
                    s2 += lk * v2[k];
                    s3 += lk * v3[k];
                    s4 += lk * v4[k];
                    s5 += lk * v5[k];
                    s6 += lk * v6[k];
                    s7 += lk * v7[k];
                }
                v0[i] = (v0[i] - s0) / lii;
                v1[i] = (v1[i] - s1) / lii;
                v2[i] = (v2[i] - s2) / lii;
                v3[i] = (v3[i] - s3) / lii;
                v4[i] = (v4[i] - s4) / lii;
                v5[i] = (v5[i] - s5) / lii;
                v6[i] = (v6[i] - s6) / lii;
                v7[i] = (v7[i] - s7) / lii;
            }
            for (; c + 3 < count; c += 4) {
                double[] v0 = b[c], v1 = b[c + 1], v2 = b[c + 2], v3 = b[c + 3];
                double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                for (int k = 0; k < i; k++) {
                    double lk = l[ri + k];
                    s0 += lk * v0[k];
                    s1 += lk * v1[k];
                    s2 += lk * v2[k];
                    s3 += lk * v3[k];
                }
                v0[i] = (v0[i] - s0) / lii;
                v1[i] = (v1[i] - s1) / lii;
                v2[i] = (v2[i] - s2) / lii;
                v3[i] = (v3[i] - s3) / lii;
            }
            // The rest with the same single running sum, so that a right-hand side's result does
            // not depend on its position in the block (the candidate screen scores blocks of any size).
            for (; c < count; c++) {
                double[] v = b[c];
                double s = 0;
                for (int k = 0; k < i; k++) {
                    s += l[ri + k] * v[k];
                }
                v[i] = (v[i] - s) / lii;
            }
        }
    }

    /**
     * Solves {@code L v = b} in place for each of the first {@code count} right-hand sides, each
     * with exactly the arithmetic of {@link #solveLowerInPlace(double[])} (the same four-way
     * {@link #dot}), so the results are those of solving them one by one; but row i of L is
     * applied to all of them before moving on, so L is read from memory once rather than once
     * per right-hand side.
     */
    public void solveLowerInPlaceEach(double[][] b, int count) {
        for (int i = 0; i < n; i++) {
            int ri = i * n;
            double lii = l[ri + i];
            for (int c = 0; c < count; c++) {
                double[] v = b[c];
                v[i] = (v[i] - dot(l, ri, v, 0, i)) / lii;
            }
        }
    }

    /** Solves {@code L^T x = v} in place (column-oriented so rows of L are read contiguously). */
    public void solveUpperInPlace(double[] v) {
        for (int i = n - 1; i >= 0; i--) {
            int ri = i * n;
            double xi = v[i] / l[ri + i];
            v[i] = xi;
            for (int k = 0; k < i; k++) {
                v[k] -= l[ri + k] * xi;
            }
        }
    }

    /** Solves {@code (L L^T) x = b}, returning a new array. */
    public double[] solve(double[] b) {
        double[] x = b.clone();
        solveLowerInPlace(x);
        solveUpperInPlace(x);
        return x;
    }

    /** log det(L L^T). */
    public double logDeterminant() {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += Math.log(l[i * n + i]);
        }
        return 2 * s;
    }

    /** The full inverse {@code (L L^T)^-1}, row-major and symmetric. */
    public double[] inverse() {
        // m = (L^-1)^T stored row-major, i.e. m[j][k] = (L^-1)[k][j], upper triangular.
        double[] m = new double[n * n];
        for (int j = 0; j < n; j++) {
            int rj = j * n;
            m[rj + j] = 1 / l[j * n + j];
            for (int i = j + 1; i < n; i++) {
                int ri = i * n;
                m[rj + i] = -dot(l, ri + j, m, rj + j, i - j) / l[ri + i];
            }
        }
        // inv[a][b] = sum_k (L^-1)[k][a] (L^-1)[k][b] = sum_{k >= max(a,b)} m[a][k] m[b][k]
        double[] inv = new double[n * n];
        double[] pair = new double[2];
        for (int a = 0; a < n; a++) {
            int ra = a * n;
            int b = 0;
            for (; b + 1 <= a; b += 2) { // two entries of row a share the loads of m's row a
                int rb = b * n, rc = rb + n;
                dotPair(m, ra + a, m, rb + a, rc + a, n - a, pair);
                inv[ra + b] = pair[0];
                inv[rb + a] = pair[0];
                inv[ra + b + 1] = pair[1];
                inv[rc + a] = pair[1];
            }
            for (; b <= a; b++) {
                int rb = b * n;
                double s = dot(m, ra + a, m, rb + a, n - a);
                inv[ra + b] = s;
                inv[rb + a] = s;
            }
        }
        return inv;
    }

    /**
     * Appends rows and columns to the factorised matrix: given the cross block {@code c}
     * (p x n, row-major: kernel between each new point and the old ones) and the new diagonal
     * block {@code d} (p x p), returns the factor of {@code [[A, c^T], [c, d]]} in O(n^2 p)
     * instead of refactorising from scratch; null when the extension is not positive definite.
     */
    public Cholesky extend(double[] c, double[] d, int p) {
        int m = n + p;
        double[] a = new double[m * m];
        for (int i = 0; i < n; i++) {
            System.arraycopy(l, i * n, a, i * m, i + 1);
        }
        // B = (L^-1 c^T)^T: each new row solves L b = c_row.
        double[] rest = new double[p * p];
        for (int r = 0; r < p; r++) {
            double[] b = new double[n];
            System.arraycopy(c, r * n, b, 0, n);
            solveLowerInPlace(b);
            System.arraycopy(b, 0, a, (n + r) * m, n);
        }
        // Schur complement d - B B^T, factorised with the same jitter policy.
        for (int r = 0; r < p; r++) {
            for (int s = 0; s <= r; s++) {
                double v = d[r * p + s] - dot(a, (n + r) * m, a, (n + s) * m, n);
                rest[r * p + s] = v;
                rest[s * p + r] = v;
            }
        }
        Cholesky tail = factor(rest, p);
        if (tail == null) {
            return null;
        }
        for (int r = 0; r < p; r++) {
            System.arraycopy(tail.l, r * p, a, (n + r) * m + n, r + 1);
        }
        return new Cholesky(m, a, Math.max(jitter, tail.jitter));
    }
}
