using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Vigil.Hashing.Pdq;

/// <summary>
/// The stages after downsampling, shared by every path: quality from the 64x64 buffer, the 64-to-16
/// DCT, and median thresholding into bits (for one or all eight dihedral variants).
/// All float arithmetic runs in the reference's order, so results are bit-exact.
/// </summary>
internal static class PdqFinisher
{
    public const int Size = 64;
    public const int DctSize = 16;

    /// <summary>D[i][j], 16x64, row-major.</summary>
    internal static readonly float[] DctMatrix = BuildDctMatrix();

    /// <summary>D transposed (64x16), so that the second product can run down rows of 16.</summary>
    private static readonly float[] s_dctTransposed = Transpose(DctMatrix, DctSize, Size);

    private static float[] BuildDctMatrix()
    {
        var d = new float[DctSize * Size];
        float scale = (float)Math.Sqrt(2.0 / 64.0);
        for (int i = 0; i < DctSize; i++)
            for (int j = 0; j < Size; j++)
                d[i * Size + j] = (float)(scale * Math.Cos(Math.PI / 2 / 64.0 * (i + 1) * (2 * j + 1)));
        return d;
    }

    private static float[] Transpose(float[] m, int rows, int cols)
    {
        var t = new float[rows * cols];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                t[j * rows + i] = m[i * cols + j];
        return t;
    }

    /// <summary>Quality 0..100 from the sum of absolute neighbour differences in the 64x64 buffer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Quality(ReadOnlySpan<float> buffer64)
    {
        int gradientSum = 0;
        for (int i = 0; i < Size - 1; i++)
            for (int j = 0; j < Size; j++)
                gradientSum += Math.Abs((int)(((buffer64[i * Size + j] - buffer64[(i + 1) * Size + j]) * 100f) / 255f));
        for (int i = 0; i < Size; i++)
            for (int j = 0; j < Size - 1; j++)
                gradientSum += Math.Abs((int)(((buffer64[i * Size + j] - buffer64[i * Size + j + 1]) * 100f) / 255f));
        return Math.Min(gradientSum / 90, 100);
    }

    /// <summary>
    /// B = D A D^T (16x16) from the 64x64 buffer A. Each element is a sequential sum over k from 0,
    /// as in the reference; the vector lanes run over independent output elements only.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Dct(ReadOnlySpan<float> a, Span<float> b16)
    {
        Span<float> t = stackalloc float[DctSize * Size];
        ReadOnlySpan<float> d = DctMatrix;
        // T = D A: T[i][j..j+7] = sum_k D[i][k] * A[k][j..j+7]
        for (int i = 0; i < DctSize; i++)
        {
            for (int j = 0; j < Size; j += 8)
            {
                var sum = Vector256<float>.Zero;
                for (int k = 0; k < Size; k++)
                    sum += Vector256.Create(d[i * Size + k]) * Vector256.Create(a.Slice(k * Size + j, 8));
                sum.CopyTo(t.Slice(i * Size + j, 8));
            }
        }
        // B = T D^T: B[i][j..j+7] = sum_k T[i][k] * Dt[k][j..j+7]
        ReadOnlySpan<float> dt = s_dctTransposed;
        for (int i = 0; i < DctSize; i++)
        {
            for (int j = 0; j < DctSize; j += 8)
            {
                var sum = Vector256<float>.Zero;
                for (int k = 0; k < Size; k++)
                    sum += Vector256.Create(t[i * Size + k]) * Vector256.Create(dt.Slice(k * DctSize + j, 8));
                sum.CopyTo(b16.Slice(i * DctSize + j, 8));
            }
        }
    }

    /// <summary>Scalar DCT in the reference's loop form, kept to prove the vector one equal.</summary>
    internal static void DctScalar(ReadOnlySpan<float> a, Span<float> b16)
    {
        Span<float> t = stackalloc float[DctSize * Size];
        ReadOnlySpan<float> d = DctMatrix;
        for (int i = 0; i < DctSize; i++)
            for (int j = 0; j < Size; j++)
            {
                float sum = 0f;
                for (int k = 0; k < Size; k++)
                    sum += d[i * Size + k] * a[k * Size + j];
                t[i * Size + j] = sum;
            }
        for (int i = 0; i < DctSize; i++)
            for (int j = 0; j < DctSize; j++)
            {
                float sum = 0f;
                for (int k = 0; k < Size; k++)
                    sum += t[i * Size + k] * d[j * Size + k];
                b16[i * DctSize + j] = sum;
            }
    }

    /// <summary>Hash bits: coefficient k = i*16+j above the (lower) median of all 256.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static PdqHash Threshold(ReadOnlySpan<float> b16)
    {
        Span<float> scratch = stackalloc float[256];
        b16[..256].CopyTo(scratch);
        float median = Select(scratch, 127);
        Span<ulong> limbs = stackalloc ulong[4];
        for (int k = 0; k < 256; k++)
            if (b16[k] > median)
                limbs[k >> 6] |= 1UL << (k & 63);
        return new PdqHash(limbs[0], limbs[1], limbs[2], limbs[3]);
    }

    /// <summary>All eight dihedral hashes from one DCT output (sign patterns and transposes of A).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ThresholdDihedral(ReadOnlySpan<float> a16, ref PdqDihedralHashes result)
    {
        Span<float> variant = stackalloc float[256];
        for (int v = 0; v < PdqDihedralHashes.Count; v++)
        {
            var kind = (DihedralVariant)v;
            bool transpose = kind is DihedralVariant.Rotate90 or DihedralVariant.Rotate270
                or DihedralVariant.FlipPlus1 or DihedralVariant.FlipMinus1;
            for (int i = 0; i < DctSize; i++)
            {
                for (int j = 0; j < DctSize; j++)
                {
                    float value = a16[i * DctSize + j];
                    if (IsNegated(kind, i, j))
                        value = -value;
                    variant[transpose ? j * DctSize + i : i * DctSize + j] = value;
                }
            }
            result[kind] = Threshold(variant);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsNegated(DihedralVariant kind, int i, int j) => kind switch
    {
        DihedralVariant.Rotate90 => (j & 1) == 0,
        DihedralVariant.Rotate180 => ((i + j) & 1) != 0,
        DihedralVariant.Rotate270 => (i & 1) == 0,
        // The design note's table says 'i odd' and 'j odd' for the flips; the reference's output
        // (fixtures/pdq-core/expected.csv) negates the even rows and even columns instead.
        DihedralVariant.FlipX => (i & 1) == 0,
        DihedralVariant.FlipY => (j & 1) == 0,
        DihedralVariant.FlipMinus1 => ((i + j) & 1) != 0,
        _ => false,
    };

    /// <summary>The k-th smallest value (Hoare quickselect with median-of-three; reorders <paramref name="values"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static float Select(Span<float> values, int k)
    {
        int lo = 0, hi = values.Length - 1;
        while (hi > lo)
        {
            int mid = lo + ((hi - lo) >> 1);
            if (values[mid] < values[lo]) Swap(values, mid, lo);
            if (values[hi] < values[lo]) Swap(values, hi, lo);
            if (values[hi] < values[mid]) Swap(values, hi, mid);
            float pivot = values[mid];
            int i = lo, j = hi;
            while (i <= j)
            {
                while (values[i] < pivot) i++;
                while (values[j] > pivot) j--;
                if (i <= j)
                {
                    Swap(values, i, j);
                    i++;
                    j--;
                }
            }
            if (k <= j) hi = j;
            else if (k >= i) lo = i;
            else return values[k];
        }
        return values[k];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Swap(Span<float> v, int a, int b) => (v[a], v[b]) = (v[b], v[a]);

    /// <summary>Sample index of output i (0..63) along a dimension of n: floor((i + 0.5) * n / 64) in double, as the reference.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int DecimationIndex(int i, int n) => (int)((i + 0.5) * n / 64);

    /// <summary>Jarosz box window along a dimension of n: ceil(n / 128).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int WindowSize(int n) => (n + 127) / 128;
}
