using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Vigil.Hashing.Pdq;

/// <summary>A source of luma rows for the streaming downsampler.</summary>
internal unsafe interface ILumaRows
{
    int Rows { get; }
    int Cols { get; }

    /// <summary>
    /// Writes rows [row0, row0+count) transposed into <paramref name="dst"/>: dst[c*8 + r] = luma(row0+r, c).
    /// Lanes r &gt;= count and columns Cols..paddedCols-1 are zero.
    /// </summary>
    void LoadTransposedStrip(int row0, int count, float* dst, int paddedCols);

    /// <summary>Luma of one pixel (used for the unfiltered 64x64 path and tails).</summary>
    float At(int row, int col);
}

internal static unsafe class LumaStrip
{
    /// <summary>Columns <paramref name="from"/>..paddedCols-1 of a transposed strip, one pixel at a time (tails and the last strip).</summary>
    public static void FillScalar<TRows>(in TRows source, int row0, int count, float* dst, int from, int paddedCols)
        where TRows : struct, ILumaRows
    {
        for (int c = from; c < paddedCols; c++)
            for (int r = 0; r < 8; r++)
                dst[c * 8 + r] = r < count && c < source.Cols ? source.At(row0 + r, c) : 0f;
    }
}

/// <summary>Luma given as floats, row-major (the core's native input).</summary>
internal readonly unsafe struct FloatLumaRows(float* luma, int rows, int cols) : ILumaRows
{
    public int Rows => rows;
    public int Cols => cols;

    public float At(int row, int col) => luma[(long)row * cols + col];

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void LoadTransposedStrip(int row0, int count, float* dst, int paddedCols)
    {
        int c = 0;
        if (count == 8)
        {
            float* p = luma + (long)row0 * cols;
            for (; c + 8 <= cols; c += 8)
            {
                var r0 = Vector256.Load(p + c);
                var r1 = Vector256.Load(p + cols + c);
                var r2 = Vector256.Load(p + 2 * cols + c);
                var r3 = Vector256.Load(p + 3 * cols + c);
                var r4 = Vector256.Load(p + 4 * cols + c);
                var r5 = Vector256.Load(p + 5 * cols + c);
                var r6 = Vector256.Load(p + 6 * cols + c);
                var r7 = Vector256.Load(p + 7 * cols + c);
                Simd.Transpose8x8(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
                Simd.Store8(dst + c * 8, r0, r1, r2, r3, r4, r5, r6, r7);
            }
        }
        LumaStrip.FillScalar(this, row0, count, dst, c, paddedCols);
    }
}

/// <summary>8-bit RGB pixels, 3 bytes each, rows contiguous; luma computed on the fly.</summary>
internal readonly unsafe struct Rgb24Rows(byte* rgb, int rows, int cols) : ILumaRows
{
    public int Rows => rows;
    public int Cols => cols;

    public float At(int row, int col)
    {
        byte* p = rgb + ((long)row * cols + col) * 3;
        return Luma.FromRgb(p[0], p[1], p[2]);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void LoadTransposedStrip(int row0, int count, float* dst, int paddedCols)
    {
        int c = 0;
        if (count == 8)
        {
            long stride = (long)cols * 3;
            byte* p = rgb + row0 * stride;
            // Luma.Rgb8 reads 32 bytes for 8 pixels (24 used): stop the fast path where that would pass the end.
            byte* end = rgb + (long)rows * stride;
            for (; c + 8 <= cols && p + 7 * stride + c * 3 + 32 <= end; c += 8)
            {
                byte* q = p + c * 3;
                var r0 = Luma.Rgb8(q);
                var r1 = Luma.Rgb8(q + stride);
                var r2 = Luma.Rgb8(q + 2 * stride);
                var r3 = Luma.Rgb8(q + 3 * stride);
                var r4 = Luma.Rgb8(q + 4 * stride);
                var r5 = Luma.Rgb8(q + 5 * stride);
                var r6 = Luma.Rgb8(q + 6 * stride);
                var r7 = Luma.Rgb8(q + 7 * stride);
                Simd.Transpose8x8(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
                Simd.Store8(dst + c * 8, r0, r1, r2, r3, r4, r5, r6, r7);
            }
        }
        LumaStrip.FillScalar(this, row0, count, dst, c, paddedCols);
    }
}

/// <summary>16-bit grey samples taken at their full value (python-threatexchange's mode "I" images).</summary>
internal readonly unsafe struct Grey16Rows(ushort* grey, int rows, int cols) : ILumaRows
{
    public int Rows => rows;
    public int Cols => cols;

    public float At(int row, int col) => Luma.FromGrey16(grey[(long)row * cols + col]);

    public void LoadTransposedStrip(int row0, int count, float* dst, int paddedCols) =>
        LumaStrip.FillScalar(this, row0, count, dst, 0, paddedCols);
}

/// <summary>Rec. 601 luma exactly as the exchanges compute it.</summary>
public static class Luma
{
    /// <summary>
    /// Luma of one pixel: the float nearest to 0.299 R + 0.587 G + 0.114 B. The reference pipeline
    /// evaluates that in double and rounds to float; (299R + 587G + 114B) / 1000 in float gives the
    /// same float for every input (the exact value is never within double error of a float rounding
    /// boundary; a test checks all 16.7 million colours).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float FromRgb(byte r, byte g, byte b) => (299 * r + 587 * g + 114 * b) / 1000f;

    /// <summary>
    /// Luma of a grey sample v used as R, G and B unscaled, as numpy evaluates pdqhash's
    /// <c>R*0.299 + G*0.587 + B*0.114</c> on an integer array: in double, left to right, rounded to float. For
    /// 8-bit values this equals <see cref="FromRgb(byte, byte, byte)"/>; python-threatexchange also feeds it
    /// 16-bit values (mode "I" images), 0..65535.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float FromGrey16(ushort v) => (float)(v * 0.299 + v * 0.587 + v * 0.114);

    /// <summary>Fills <paramref name="luma"/> from RGB24 pixels.</summary>
    public static void FromRgb(ReadOnlySpan<byte> rgb, Span<float> luma)
    {
        for (int i = 0; i < luma.Length; i++)
            luma[i] = FromRgb(rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2]);
    }

    private static readonly Vector256<int> s_spread = Vector256.Create(0, 1, 2, 3, 3, 4, 5, 6);
    private static readonly Vector256<sbyte> s_redGreen = Vector256.Create(
        0, -1, 1, -1, 3, -1, 4, -1, 6, -1, 7, -1, 9, -1, 10, -1,
        0, -1, 1, -1, 3, -1, 4, -1, 6, -1, 7, -1, 9, -1, 10, -1);
    private static readonly Vector256<sbyte> s_blue = Vector256.Create(
        2, -1, -1, -1, 5, -1, -1, -1, 8, -1, -1, -1, 11, -1, -1, -1,
        2, -1, -1, -1, 5, -1, -1, -1, 8, -1, -1, -1, 11, -1, -1, -1);
    private static readonly Vector256<short> s_redGreenWeights = Vector256.Create((short)299, 587, 299, 587, 299, 587, 299, 587, 299, 587, 299, 587, 299, 587, 299, 587);
    private static readonly Vector256<short> s_blueWeights = Vector256.Create((short)114, 0, 114, 0, 114, 0, 114, 0, 114, 0, 114, 0, 114, 0, 114, 0);

    /// <summary>Luma of 8 consecutive RGB24 pixels; reads 32 bytes from <paramref name="p"/> (uses 24). Requires AVX2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static unsafe Vector256<float> Rgb8(byte* p)
    {
        // Lower 128-bit lane gets bytes 0..15 (pixels 0..3), upper lane bytes 12..27 (pixels 4..7).
        var bytes = Avx2.PermuteVar8x32(Avx.LoadVector256((int*)p), s_spread).AsByte();
        var redGreen = Avx2.Shuffle(bytes, s_redGreen.AsByte()).AsInt16();
        var blue = Avx2.Shuffle(bytes, s_blue.AsByte()).AsInt16();
        var weighted = Avx2.MultiplyAddAdjacent(redGreen, s_redGreenWeights) + Avx2.MultiplyAddAdjacent(blue, s_blueWeights);
        var scale = Vector256.Create(0.001);
        var low = Avx.ConvertToVector128Single(Avx.ConvertToVector256Double(weighted.GetLower()) * scale);
        var high = Avx.ConvertToVector128Single(Avx.ConvertToVector256Double(weighted.GetUpper()) * scale);
        return Vector256.Create(low, high);
    }
}
