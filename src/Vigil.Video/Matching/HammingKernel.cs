using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Vigil.Hashing.Pdq;

namespace Vigil.Video;

/// <summary>
/// A set of frame hashes laid out for the all-pairs distance kernel: the four 64-bit limbs of every
/// hash in four arrays (structure of arrays), padded to a multiple of four, so one AVX2 step
/// compares a query frame with four frames at once.
/// </summary>
internal sealed class FrameLimbs
{
    public FrameLimbs(ReadOnlySpan<PdqHash> hashes)
    {
        Count = hashes.Length;
        int padded = (hashes.Length + 3) & ~3;
        Limb0 = new ulong[padded];
        Limb1 = new ulong[padded];
        Limb2 = new ulong[padded];
        Limb3 = new ulong[padded];
        for (int i = 0; i < hashes.Length; i++)
        {
            Limb0[i] = hashes[i].GetLimb(0);
            Limb1[i] = hashes[i].GetLimb(1);
            Limb2[i] = hashes[i].GetLimb(2);
            Limb3[i] = hashes[i].GetLimb(3);
        }
    }

    /// <summary>Number of hashes (the arrays are padded beyond it).</summary>
    public int Count { get; }

    public ulong[] Limb0 { get; }

    public ulong[] Limb1 { get; }

    public ulong[] Limb2 { get; }

    public ulong[] Limb3 { get; }
}

/// <summary>
/// The video rule's inner loop: which frames of one video are within a distance of some frame of
/// the other, for every pair. AVX2: four pairs per step (XOR, a nibble look-up popcount with
/// <c>vpshufb</c>, the byte counts of the four limbs summed, then <c>vpsadbw</c> for the four
/// distances and one compare); elsewhere the scalar POPCNT loop. Both give the same answer.
/// </summary>
internal static class HammingKernel
{
    /// <summary>
    /// Sets <paramref name="queryHit"/>[i] when query frame i is within <paramref name="maxDistance"/>
    /// of some frame of <paramref name="bank"/>, and <paramref name="bankHit"/>[j] when bank frame j is
    /// within it of some query frame. Both spans must be cleared by the caller.
    /// </summary>
    public static void MarkWithin(ReadOnlySpan<PdqHash> query, FrameLimbs bank, int maxDistance, Span<bool> queryHit, Span<bool> bankHit)
    {
        if (queryHit.Length < query.Length || bankHit.Length < bank.Count)
            throw new ArgumentException("the hit spans are shorter than the frame sets");
        if (Avx2.IsSupported)
            MarkWithinAvx2(query, bank, maxDistance, queryHit, bankHit);
        else
            MarkWithinScalar(query, bank, maxDistance, queryHit, bankHit);
    }

    internal static void MarkWithinScalar(ReadOnlySpan<PdqHash> query, FrameLimbs bank, int maxDistance, Span<bool> queryHit, Span<bool> bankHit)
    {
        ulong[] l0 = bank.Limb0, l1 = bank.Limb1, l2 = bank.Limb2, l3 = bank.Limb3;
        int count = bank.Count;
        for (int i = 0; i < query.Length; i++)
        {
            ulong q0 = query[i].GetLimb(0), q1 = query[i].GetLimb(1), q2 = query[i].GetLimb(2), q3 = query[i].GetLimb(3);
            bool any = false;
            for (int j = 0; j < count; j++)
            {
                int distance = BitOperations.PopCount(l0[j] ^ q0) + BitOperations.PopCount(l1[j] ^ q1)
                               + BitOperations.PopCount(l2[j] ^ q2) + BitOperations.PopCount(l3[j] ^ q3);
                if (distance <= maxDistance)
                {
                    any = true;
                    bankHit[j] = true;
                }
            }
            if (any)
                queryHit[i] = true;
        }
    }

    private static void MarkWithinAvx2(ReadOnlySpan<PdqHash> query, FrameLimbs bank, int maxDistance, Span<bool> queryHit, Span<bool> bankHit)
    {
        var lut = Vector256.Create(
            (byte)0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,
            0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
        var nibble = Vector256.Create((byte)0x0F);
        var limit = Vector256.Create((long)maxDistance + 1);
        ref ulong l0 = ref MemoryMarshal.GetArrayDataReference(bank.Limb0);
        ref ulong l1 = ref MemoryMarshal.GetArrayDataReference(bank.Limb1);
        ref ulong l2 = ref MemoryMarshal.GetArrayDataReference(bank.Limb2);
        ref ulong l3 = ref MemoryMarshal.GetArrayDataReference(bank.Limb3);
        int count = bank.Count;
        int padded = bank.Limb0.Length;
        // The last block's lanes beyond the count are padding: never marked.
        int lastValid = count - (padded - 4);
        int lastMask = lastValid >= 4 ? 0xF : (1 << Math.Max(lastValid, 0)) - 1;
        for (int i = 0; i < query.Length; i++)
        {
            var q0 = Vector256.Create(query[i].GetLimb(0));
            var q1 = Vector256.Create(query[i].GetLimb(1));
            var q2 = Vector256.Create(query[i].GetLimb(2));
            var q3 = Vector256.Create(query[i].GetLimb(3));
            bool any = false;
            for (int j = 0; j < padded; j += 4)
            {
                var counts = PopCountBytes(Vector256.LoadUnsafe(ref l0, (nuint)j) ^ q0, lut, nibble)
                             + PopCountBytes(Vector256.LoadUnsafe(ref l1, (nuint)j) ^ q1, lut, nibble)
                             + PopCountBytes(Vector256.LoadUnsafe(ref l2, (nuint)j) ^ q2, lut, nibble)
                             + PopCountBytes(Vector256.LoadUnsafe(ref l3, (nuint)j) ^ q3, lut, nibble);
                var distances = Avx2.SumAbsoluteDifferences(counts, Vector256<byte>.Zero).AsInt64();
                int mask = Avx.MoveMask(Avx2.CompareGreaterThan(limit, distances).AsDouble());
                if (j + 4 == padded)
                    mask &= lastMask;
                if (mask == 0)
                    continue;
                any = true;
                do
                {
                    bankHit[j + BitOperations.TrailingZeroCount(mask)] = true;
                    mask &= mask - 1;
                }
                while (mask != 0);
            }
            if (any)
                queryHit[i] = true;
        }
    }

    /// <summary>The number of bits set in each byte of <paramref name="value"/> (0..8).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> PopCountBytes(Vector256<ulong> value, Vector256<byte> lut, Vector256<byte> nibble)
    {
        var bytes = value.AsByte();
        var low = Avx2.Shuffle(lut, bytes & nibble);
        var high = Avx2.Shuffle(lut, Avx2.ShiftRightLogical(value.AsUInt16(), 4).AsByte() & nibble);
        return low + high;
    }
}
