using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Vigil.Hashing.Pdq;

/// <summary>
/// The Jarosz filter (two passes of horizontal-then-vertical box filters) and the decimation to
/// 64x64, streamed over the image in strips of eight rows so that the working set stays in cache
/// and no full-size float buffer is ever allocated.
/// <para>
/// Exactness: every 1-D box filter keeps the reference's running sum per row or column, with the
/// same additions in the same order; vector lanes only ever hold independent rows or columns.
/// Horizontal passes work on eight rows at once in a transposed strip (lane = row); vertical passes
/// work across columns (lane = column). The second horizontal pass divides only at the 64 sampled
/// columns and the second vertical pass runs only over those columns, since nothing else is read.
/// </para>
/// </summary>
internal sealed unsafe class PdqDownsampler
{
    private const int Lanes = 8;
    private const int Out = 64;

    private float[] _strip = [];     // source rows, transposed: [paddedCols][8]
    private float[] _filtered = [];  // horizontal box output (pass 1) or running sums (pass 2), transposed
    private float[] _ring1 = [];     // pass-1 horizontal output rows, row-major, a ring of ring1Rows rows
    private float[] _sums1 = [];     // pass-1 vertical running sums, one per column
    private float[] _strip2 = [];    // pass-1 vertical output, transposed strip
    private float[] _ring2 = [];     // pass-2 horizontal output at the 64 sampled columns, ring of rows
    private readonly float[] _sums2 = GC.AllocateArray<float>(Out, pinned: true);

    private readonly int[] _colSample = new int[Out];
    private readonly float[] _colCount = new float[Out];
    private readonly int[] _rowSample = new int[Out];

    /// <summary>Stopwatch ticks spent producing luma (RGB conversion and strip transposes).</summary>
    public long LumaTicks { get; set; }

    /// <summary>Stopwatch ticks spent in the box filters and decimation.</summary>
    public long FilterTicks { get; set; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Downsample<TRows>(TRows source, Span<float> out64) where TRows : struct, ILumaRows
    {
        long start = Stopwatch.GetTimestamp();
        long lumaBefore = LumaTicks;
        int rows = source.Rows, cols = source.Cols;
        int padded = (cols + 7) & ~7;
        int rowWindow = PdqFinisher.WindowSize(cols);   // window along a row
        int colWindow = PdqFinisher.WindowSize(rows);   // window along a column
        int colHalf = (colWindow + 2) / 2;
        int ringRows = colWindow + 16;

        Ensure(ref _strip, padded * Lanes);
        Ensure(ref _filtered, padded * Lanes);
        Ensure(ref _ring1, ringRows * padded);
        Ensure(ref _sums1, padded);
        Ensure(ref _strip2, padded * Lanes);
        Ensure(ref _ring2, ringRows * Out);
        Array.Clear(_sums1, 0, padded);
        Array.Clear(_sums2);
        // Box passes write only the first `cols` vectors; the padding columns must read as zero.
        Array.Clear(_filtered, cols * Lanes, (padded - cols) * Lanes);

        int rowHalf = (rowWindow + 2) / 2;
        for (int i = 0; i < Out; i++)
        {
            _rowSample[i] = PdqFinisher.DecimationIndex(i, rows);
            int c = PdqFinisher.DecimationIndex(i, cols);
            _colSample[i] = c;
            _colCount[i] = WindowCount(c, cols, rowWindow, rowHalf);
        }

        fixed (float* out64Ptr = out64)
        {
            var state = new StreamState
            {
                Rows = rows, Cols = cols, Padded = padded, RowWindow = rowWindow,
                ColWindow = colWindow, ColHalf = colHalf, RingRows = ringRows, Out64 = out64Ptr,
            };
            int produced = 0, primed1 = 0;
            for (int o0 = 0; o0 < rows; o0 += Lanes)
            {
                int needed = Math.Min(rows, o0 + Lanes + colHalf - 1);
                while (produced < needed)
                {
                    int count = Math.Min(Lanes, rows - produced);
                    ProduceRows(source, produced, count, ref state);
                    produced += count;
                }
                for (; primed1 < colHalf - 1; primed1++)
                    AddRow(_sums1, Ring1Row(ref state, primed1), padded);

                int valid = Math.Min(Lanes, rows - o0);
                VerticalPass1(o0, valid, ref state);
                HorizontalPass2(o0, valid, ref state);
                state.Reduced = o0 + valid;
                VerticalPass2(ref state);
            }
        }
        FilterTicks += Stopwatch.GetTimestamp() - start - (LumaTicks - lumaBefore);
    }

    private struct StreamState
    {
        public int Rows, Cols, Padded, RowWindow, ColWindow, ColHalf, RingRows;
        public int Reduced;      // rows of pass-2 horizontal output in ring 2
        public int Primed2;      // rows of ring 2 summed before the first vertical output
        public int Emitted;      // next output row of the last vertical pass
        public int NextSample;   // next of the 64 sampled rows
        public float* Out64;
    }

    /// <summary>Source strip -> transposed luma -> horizontal box (pass 1) -> rows of ring 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ProduceRows<TRows>(TRows source, int row0, int count, ref StreamState s) where TRows : struct, ILumaRows
    {
        fixed (float* strip = _strip, filtered = _filtered, ring = _ring1)
        {
            long t0 = Stopwatch.GetTimestamp();
            source.LoadTransposedStrip(row0, count, strip, s.Padded);
            LumaTicks += Stopwatch.GetTimestamp() - t0;

            BoxAlongLanes(strip, filtered, s.Cols, s.RowWindow);

            Span<nint> dst = stackalloc nint[Lanes];
            for (int r = 0; r < Lanes; r++)
                dst[r] = r < count ? (nint)(ring + (long)((row0 + r) % s.RingRows) * s.Padded) : 0;
            for (int c = 0; c < s.Padded; c += Lanes)
            {
                float* src = filtered + c * Lanes;
                var v0 = Vector256.Load(src);
                var v1 = Vector256.Load(src + 8);
                var v2 = Vector256.Load(src + 16);
                var v3 = Vector256.Load(src + 24);
                var v4 = Vector256.Load(src + 32);
                var v5 = Vector256.Load(src + 40);
                var v6 = Vector256.Load(src + 48);
                var v7 = Vector256.Load(src + 56);
                Simd.Transpose8x8(ref v0, ref v1, ref v2, ref v3, ref v4, ref v5, ref v6, ref v7);
                StoreRow(dst[0], c, v0);
                StoreRow(dst[1], c, v1);
                StoreRow(dst[2], c, v2);
                StoreRow(dst[3], c, v3);
                StoreRow(dst[4], c, v4);
                StoreRow(dst[5], c, v5);
                StoreRow(dst[6], c, v6);
                StoreRow(dst[7], c, v7);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(nint row, int c, Vector256<float> v)
    {
        if (row != 0)
            v.Store((float*)row + c);
    }

    /// <summary>Vertical box (pass 1) for output rows o0..o0+7, across all columns; output transposed into strip 2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void VerticalPass1(int o0, int valid, ref StreamState s)
    {
        // Per output row: the ring row to add, the ring row to subtract (or none), and the window count.
        Span<nint> add = stackalloc nint[Lanes];
        Span<nint> sub = stackalloc nint[Lanes];
        Span<float> count = stackalloc float[Lanes];
        fixed (float* ring = _ring1, sums = _sums1, strip2 = _strip2)
        {
            for (int r = 0; r < Lanes; r++)
            {
                add[r] = sub[r] = 0;
                count[r] = 1f;
                if (r >= valid)
                    continue;
                int o = o0 + r;
                int ri = o + s.ColHalf - 1, li = ri - s.ColWindow;
                if (ri < s.Rows) add[r] = (nint)(ring + (long)(ri % s.RingRows) * s.Padded);
                if (li >= 0) sub[r] = (nint)(ring + (long)(li % s.RingRows) * s.Padded);
                count[r] = WindowCount(o, s.Rows, s.ColWindow, s.ColHalf);
            }
            bool allPow2 = true;
            for (int r = 0; r < Lanes; r++)
                allPow2 &= BitOperations.IsPow2((int)count[r]);
            if (allPow2)
                VerticalColumns<MultiplyByReciprocal>(add, sub, count, sums, strip2, s.Padded);
            else
                VerticalColumns<Divide>(add, sub, count, sums, strip2, s.Padded);
        }
    }

    /// <summary>The column loop of <see cref="VerticalPass1"/>: eight output rows per block of eight columns.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void VerticalColumns<TScale>(Span<nint> add, Span<nint> sub, Span<float> count, float* sums, float* strip2, int padded)
        where TScale : struct, IScale
    {
        nint a0 = add[0], a1 = add[1], a2 = add[2], a3 = add[3], a4 = add[4], a5 = add[5], a6 = add[6], a7 = add[7];
        nint s0 = sub[0], s1 = sub[1], s2 = sub[2], s3 = sub[3], s4 = sub[4], s5 = sub[5], s6 = sub[6], s7 = sub[7];
        var d0 = TScale.Factor(count[0]);
        var d1 = TScale.Factor(count[1]);
        var d2 = TScale.Factor(count[2]);
        var d3 = TScale.Factor(count[3]);
        var d4 = TScale.Factor(count[4]);
        var d5 = TScale.Factor(count[5]);
        var d6 = TScale.Factor(count[6]);
        var d7 = TScale.Factor(count[7]);
        for (int c = 0; c < padded; c += Lanes)
        {
            var sum = Vector256.Load(sums + c);
            var v0 = Step<TScale>(ref sum, a0, s0, c, d0);
            var v1 = Step<TScale>(ref sum, a1, s1, c, d1);
            var v2 = Step<TScale>(ref sum, a2, s2, c, d2);
            var v3 = Step<TScale>(ref sum, a3, s3, c, d3);
            var v4 = Step<TScale>(ref sum, a4, s4, c, d4);
            var v5 = Step<TScale>(ref sum, a5, s5, c, d5);
            var v6 = Step<TScale>(ref sum, a6, s6, c, d6);
            var v7 = Step<TScale>(ref sum, a7, s7, c, d7);
            sum.Store(sums + c);
            Simd.Transpose8x8(ref v0, ref v1, ref v2, ref v3, ref v4, ref v5, ref v6, ref v7);
            Simd.Store8(strip2 + c * Lanes, v0, v1, v2, v3, v4, v5, v6, v7);
        }
    }

    /// <summary>One running-sum step of a vertical box: add the incoming row, drop the outgoing one, average.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Step<TScale>(ref Vector256<float> sum, nint addRow, nint subRow, int c, Vector256<float> factor)
        where TScale : struct, IScale
    {
        if (addRow != 0) sum += Vector256.Load((float*)addRow + c);
        if (subRow != 0) sum -= Vector256.Load((float*)subRow + c);
        return TScale.Apply(sum, factor);
    }

    /// <summary>How a window sum becomes an average: always a division in the reference.</summary>
    private interface IScale
    {
        static abstract Vector256<float> Factor(float count);
        static abstract Vector256<float> Apply(Vector256<float> sum, Vector256<float> factor);
    }

    private struct Divide : IScale
    {
        public static Vector256<float> Factor(float count) => Vector256.Create(count);
        public static Vector256<float> Apply(Vector256<float> sum, Vector256<float> factor) => sum / factor;
    }

    /// <summary>
    /// For power-of-two counts only: x / 2^k and x * 2^-k are the same correctly rounded number, and
    /// multiplying is much cheaper than dividing.
    /// </summary>
    private struct MultiplyByReciprocal : IScale
    {
        public static Vector256<float> Factor(float count) => Vector256.Create(1f / count);
        public static Vector256<float> Apply(Vector256<float> sum, Vector256<float> factor) => sum * factor;
    }

    /// <summary>Horizontal box (pass 2) on strip 2, kept only at the 64 sampled columns, into ring 2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void HorizontalPass2(int o0, int valid, ref StreamState s)
    {
        fixed (float* strip2 = _strip2, sums = _filtered, ring = _ring2)
        {
            BoxSumsAlongLanes(strip2, sums, s.Cols, s.RowWindow);
            Span<nint> dst = stackalloc nint[Lanes];
            for (int r = 0; r < Lanes; r++)
                dst[r] = r < valid ? (nint)(ring + (long)((o0 + r) % s.RingRows) * Out) : 0;
            for (int j = 0; j < Out; j += Lanes)
            {
                var v0 = Sample(sums, j);
                var v1 = Sample(sums, j + 1);
                var v2 = Sample(sums, j + 2);
                var v3 = Sample(sums, j + 3);
                var v4 = Sample(sums, j + 4);
                var v5 = Sample(sums, j + 5);
                var v6 = Sample(sums, j + 6);
                var v7 = Sample(sums, j + 7);
                Simd.Transpose8x8(ref v0, ref v1, ref v2, ref v3, ref v4, ref v5, ref v6, ref v7);
                StoreRow(dst[0], j, v0);
                StoreRow(dst[1], j, v1);
                StoreRow(dst[2], j, v2);
                StoreRow(dst[3], j, v3);
                StoreRow(dst[4], j, v4);
                StoreRow(dst[5], j, v5);
                StoreRow(dst[6], j, v6);
                StoreRow(dst[7], j, v7);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector256<float> Sample(float* sums, int j) =>
        Vector256.Load(sums + _colSample[j] * Lanes) / Vector256.Create(_colCount[j]);

    /// <summary>Vertical box (pass 2) over the 64 sampled columns, emitting the 64 sampled rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void VerticalPass2(ref StreamState s)
    {
        fixed (float* ring = _ring2, sums = _sums2)
        {
            for (; s.Primed2 < s.ColHalf - 1 && s.Primed2 < s.Reduced; s.Primed2++)
                AddRow(_sums2, ring + (long)(s.Primed2 % s.RingRows) * Out, Out);
            if (s.Primed2 < s.ColHalf - 1)
                return;
            while (s.Emitted < s.Rows && (s.Emitted + s.ColHalf - 1 < s.Reduced || s.Reduced == s.Rows))
            {
                int o = s.Emitted++;
                int ri = o + s.ColHalf - 1, li = ri - s.ColWindow;
                float* addRow = ri < s.Rows ? ring + (long)(ri % s.RingRows) * Out : null;
                float* subRow = li >= 0 ? ring + (long)(li % s.RingRows) * Out : null;
                for (int c = 0; c < Out; c += Lanes)
                {
                    var sum = Vector256.Load(sums + c);
                    if (addRow != null) sum += Vector256.Load(addRow + c);
                    if (subRow != null) sum -= Vector256.Load(subRow + c);
                    sum.Store(sums + c);
                }
                if (s.NextSample < Out && _rowSample[s.NextSample] == o)
                {
                    var count = Vector256.Create((float)WindowCount(o, s.Rows, s.ColWindow, s.ColHalf));
                    var first = s.Out64 + s.NextSample * Out;
                    for (int c = 0; c < Out; c += Lanes)
                        (Vector256.Load(sums + c) / count).Store(first + c);
                    // Images under 64 rows sample the same row more than once.
                    while (++s.NextSample < Out && _rowSample[s.NextSample] == o)
                        new ReadOnlySpan<float>(first, Out).CopyTo(new Span<float>(s.Out64 + s.NextSample * Out, Out));
                }
            }
        }
    }

    private float* Ring1Row(ref StreamState s, int row)
    {
        fixed (float* ring = _ring1)
            return ring + (long)(row % s.RingRows) * s.Padded; // _ring1 is pinned (allocated on the POH)
    }

    private static void AddRow(float[] sums, float* row, int length)
    {
        fixed (float* p = sums)
            for (int c = 0; c < length; c += Lanes)
                (Vector256.Load(p + c) + Vector256.Load(row + c)).Store(p + c);
    }

    /// <summary>Number of samples in the box around output <paramref name="o"/> of a dimension of <paramref name="n"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int WindowCount(int o, int n, int window, int half) =>
        Math.Min(n, o + half) - Math.Max(0, o + half - window);

    /// <summary>The reference box filter over n vectors, each lane an independent sequence.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void BoxAlongLanes(float* input, float* output, int n, int window)
    {
        int half = (window + 2) / 2;
        var sum = Vector256<float>.Zero;
        float* ri = input, li = input, o = output;
        int current = 0;
        for (int i = 0; i < half - 1; i++, ri += Lanes, current++)
            sum += Vector256.Load(ri);
        for (int i = 0; i < window - half + 1; i++, ri += Lanes, o += Lanes)
        {
            sum += Vector256.Load(ri);
            current++;
            (sum / Vector256.Create((float)current)).Store(o);
        }
        if (BitOperations.IsPow2(window))
            FullWindow<MultiplyByReciprocal>(ref sum, ref ri, ref li, ref o, n - window, window);
        else
            FullWindow<Divide>(ref sum, ref ri, ref li, ref o, n - window, window);
        for (int i = 0; i < half - 1; i++, li += Lanes, o += Lanes)
        {
            sum -= Vector256.Load(li);
            current--;
            (sum / Vector256.Create((float)current)).Store(o);
        }
    }

    /// <summary>The steady middle of a box filter, where the window is full.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FullWindow<TScale>(ref Vector256<float> sum, ref float* ri, ref float* li, ref float* o, int steps, int window)
        where TScale : struct, IScale
    {
        var factor = TScale.Factor(window);
        for (int i = 0; i < steps; i++, ri += Lanes, li += Lanes, o += Lanes)
        {
            sum += Vector256.Load(ri);
            sum -= Vector256.Load(li);
            TScale.Apply(sum, factor).Store(o);
        }
    }

    /// <summary>As <see cref="BoxAlongLanes"/> but stores the running sums; the caller divides where it samples.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void BoxSumsAlongLanes(float* input, float* sums, int n, int window)
    {
        int half = (window + 2) / 2;
        var sum = Vector256<float>.Zero;
        float* ri = input, li = input, o = sums;
        for (int i = 0; i < half - 1; i++, ri += Lanes)
            sum += Vector256.Load(ri);
        for (int i = 0; i < window - half + 1; i++, ri += Lanes, o += Lanes)
        {
            sum += Vector256.Load(ri);
            sum.Store(o);
        }
        for (int i = 0; i < n - window; i++, ri += Lanes, li += Lanes, o += Lanes)
        {
            sum += Vector256.Load(ri);
            sum -= Vector256.Load(li);
            sum.Store(o);
        }
        for (int i = 0; i < half - 1; i++, li += Lanes, o += Lanes)
        {
            sum -= Vector256.Load(li);
            sum.Store(o);
        }
    }

    private static void Ensure(ref float[] buffer, int length)
    {
        if (buffer.Length < length)
            buffer = GC.AllocateUninitializedArray<float>(length, pinned: true);
    }
}
