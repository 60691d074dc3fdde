using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Vigil.Matching;

/// <summary>
/// The inner loop of a bucket probe: find the entries of a run whose stored bits differ from the
/// query's in at most <c>budget</c> positions. Runs are read in whole vectors, so every array
/// scanned here carries <see cref="Padding"/> spare elements at its end.
/// </summary>
internal static class FilterScan
{
    /// <summary>Spare elements every scanned array carries past its last entry.</summary>
    public const int Padding = 32;

    /// <summary>
    /// Writes to <paramref name="destination"/> the indices <c>i</c> in [start, start+count) with
    /// popcount(values[i] ^ query) &lt;= budget and returns how many it wrote. The destination needs room for count.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int ScanBytes(byte[] values, int start, int count, byte query, int budget, Span<int> destination)
    {
        if (budget >= 8)
        {
            for (int i = 0; i < count; i++)
                destination[i] = start + i;
            return count;
        }
        return Avx2.IsSupported
            ? ScanBytesAvx2(values, start, count, query, budget, destination)
            : ScanBytesScalar(values, start, count, query, budget, destination);
    }

    /// <summary>As <see cref="ScanBytes"/>, over 16-bit values, counting only the bits in <paramref name="mask"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int ScanUInt16(ushort[] values, int start, int count, ushort query, ushort mask, int budget, Span<int> destination)
    {
        if (budget >= BitOperations.PopCount(mask))
        {
            for (int i = 0; i < count; i++)
                destination[i] = start + i;
            return count;
        }
        return Avx2.IsSupported
            ? ScanUInt16Avx2(values, start, count, query, mask, budget, destination)
            : ScanUInt16Scalar(values, start, count, query, mask, budget, destination);
    }

    /// <summary>
    /// The common case inlined into the probe loop: a run of at most 32 entries, one vector, hits
    /// appended at <c>destination[found..]</c> (room for 32 is the caller's duty). AVX2 only.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ScanBytesUpTo32(ref byte values, int start, int count, Vector256<byte> query, int budget, ref int destination, int found)
    {
        var v = Vector256.LoadUnsafe(ref values, (nuint)start);
        uint hits = budget == 0
            ? Vector256.Equals(v, query).ExtractMostSignificantBits()
            : budget >= 8 ? uint.MaxValue
            : ~Vector256.GreaterThan(BytePopCount(v ^ query).AsSByte(), Vector256.Create((sbyte)budget)).ExtractMostSignificantBits();
        hits &= uint.MaxValue >> (32 - count);
        while (hits != 0)
        {
            Unsafe.Add(ref destination, found++) = start + BitOperations.TrailingZeroCount(hits);
            hits &= hits - 1;
        }
        return found;
    }

    internal static int ScanBytesScalar(byte[] values, int start, int count, byte query, int budget, Span<int> destination)
    {
        int found = 0;
        for (int i = start, end = start + count; i < end; i++)
        {
            if (BitOperations.PopCount((uint)(values[i] ^ query)) <= budget)
                destination[found++] = i;
        }
        return found;
    }

    internal static int ScanUInt16Scalar(ushort[] values, int start, int count, ushort query, ushort mask, int budget, Span<int> destination)
    {
        int found = 0;
        for (int i = start, end = start + count; i < end; i++)
        {
            if (BitOperations.PopCount((uint)((values[i] ^ query) & mask)) <= budget)
                destination[found++] = i;
        }
        return found;
    }

    private static Vector256<byte> NibblePopCounts => Vector256.Create(
        (byte)0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,
        0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);

    /// <summary>Per-byte population count of <paramref name="x"/> by two nibble table lookups.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> BytePopCount(Vector256<byte> x)
    {
        var lowNibbles = Vector256.Create((byte)0x0F);
        var lo = Avx2.Shuffle(NibblePopCounts, x & lowNibbles);
        var hi = Avx2.Shuffle(NibblePopCounts, Avx2.ShiftRightLogical(x.AsUInt16(), 4).AsByte() & lowNibbles);
        return lo + hi;
    }

    private static int ScanBytesAvx2(byte[] values, int start, int count, byte query, int budget, Span<int> destination)
    {
        ref byte first = ref values[0];
        var q = Vector256.Create(query);
        var limit = Vector256.Create((sbyte)budget);
        int found = 0;
        for (int i = 0; i < count; i += Vector256<byte>.Count)
        {
            var v = Vector256.LoadUnsafe(ref first, (nuint)(start + i));
            uint hits = budget == 0
                ? Vector256.Equals(v, q).ExtractMostSignificantBits()
                : ~Vector256.GreaterThan(BytePopCount(v ^ q).AsSByte(), limit).ExtractMostSignificantBits();
            int remaining = count - i;
            if (remaining < Vector256<byte>.Count)
                hits &= (1u << remaining) - 1;
            while (hits != 0)
            {
                destination[found++] = start + i + BitOperations.TrailingZeroCount(hits);
                hits &= hits - 1;
            }
        }
        return found;
    }

    private static int ScanUInt16Avx2(ushort[] values, int start, int count, ushort query, ushort mask, int budget, Span<int> destination)
    {
        ref ushort first = ref values[0];
        var q = Vector256.Create(query);
        var relevant = Vector256.Create(mask);
        var limit = Vector256.Create((short)budget);
        var lowByte = Vector256.Create((ushort)0x00FF);
        int found = 0;
        for (int i = 0; i < count; i += Vector256<ushort>.Count)
        {
            var x = (Vector256.LoadUnsafe(ref first, (nuint)(start + i)) ^ q) & relevant;
            uint hits;
            if (budget == 0)
            {
                hits = Vector256.Equals(x, Vector256<ushort>.Zero).ExtractMostSignificantBits();
            }
            else
            {
                var perByte = BytePopCount(x.AsByte()).AsUInt16();
                var perWord = (perByte & lowByte) + Vector256.ShiftRightLogical(perByte, 8);
                hits = ~Vector256.GreaterThan(perWord.AsInt16(), limit).ExtractMostSignificantBits() & 0xFFFF;
            }
            int remaining = count - i;
            if (remaining < Vector256<ushort>.Count)
                hits &= (1u << remaining) - 1;
            while (hits != 0)
            {
                destination[found++] = start + i + BitOperations.TrailingZeroCount(hits);
                hits &= hits - 1;
            }
        }
        return found;
    }
}
