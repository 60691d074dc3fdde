using FsCheck;
using FsCheck.Fluent;

namespace Vigil.Matching.Tests;

public class FilterScanTests
{
    [Fact]
    public void Vector_byte_scan_equals_scalar_scan()
    {
        var gen =
            from length in Gen.Choose(0, 300)
            from seed in Gen.Choose(0, int.MaxValue)
            from budget in Gen.Choose(0, 9)
            select (length, seed, budget);
        Prop.ForAll(gen.ToArbitrary(), c =>
        {
            var rng = new Random(c.seed);
            var values = new byte[c.length + FilterScan.Padding];
            rng.NextBytes(values);
            int start = c.length == 0 ? 0 : rng.Next(c.length);
            int count = c.length - start;
            byte query = (byte)rng.Next(256);
            var vector = new int[count + 32];
            var scalar = new int[count + 32];
            int v = FilterScan.ScanBytes(values, start, count, query, c.budget, vector);
            int s = FilterScan.ScanBytesScalar(values, start, count, query, c.budget, scalar);
            return v == s && vector.AsSpan(0, v).SequenceEqual(scalar.AsSpan(0, s));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Inlined_short_run_scan_equals_scalar_scan()
    {
        if (!System.Runtime.Intrinsics.X86.Avx2.IsSupported)
            return; // The probe loop only takes this path with AVX2; ScanBytes covers the rest.
        var gen =
            from count in Gen.Choose(1, 32)
            from seed in Gen.Choose(0, int.MaxValue)
            from budget in Gen.Choose(0, 9)
            select (count, seed, budget);
        Prop.ForAll(gen.ToArbitrary(), c =>
        {
            var rng = new Random(c.seed);
            var values = new byte[64 + FilterScan.Padding];
            rng.NextBytes(values);
            int start = rng.Next(64 - c.count + 1);
            byte query = (byte)rng.Next(256);
            var inlined = new int[40];
            inlined[0] = -1;
            int n = FilterScan.ScanBytesUpTo32(ref values[0], start, c.count, System.Runtime.Intrinsics.Vector256.Create(query), c.budget, ref inlined[0], 1);
            var scalar = new int[40];
            int s = FilterScan.ScanBytesScalar(values, start, c.count, query, c.budget, scalar);
            return n == s + 1 && inlined[0] == -1 && inlined.AsSpan(1, s).SequenceEqual(scalar.AsSpan(0, s));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Vector_ushort_scan_equals_scalar_scan()
    {
        var gen =
            from length in Gen.Choose(0, 300)
            from seed in Gen.Choose(0, int.MaxValue)
            from budget in Gen.Choose(0, 17)
            from unknownBits in Gen.Choose(14, 16)
            select (length, seed, budget, unknownBits);
        Prop.ForAll(gen.ToArbitrary(), c =>
        {
            var rng = new Random(c.seed);
            var values = new ushort[c.length + FilterScan.Padding];
            ushort query = (ushort)rng.Next(65536);
            for (int i = 0; i < values.Length; i++)
                values[i] = (ushort)(rng.Next(4) == 0 ? query ^ (1 << rng.Next(16)) : rng.Next(65536));
            int start = c.length == 0 ? 0 : rng.Next(c.length);
            int count = c.length - start;
            var vector = new int[count + 32];
            var scalar = new int[count + 32];
            ushort mask = (ushort)((1 << c.unknownBits) - 1);
            int v = FilterScan.ScanUInt16(values, start, count, query, mask, c.budget, vector);
            int s = FilterScan.ScanUInt16Scalar(values, start, count, query, mask, c.budget, scalar);
            return v == s && vector.AsSpan(0, v).SequenceEqual(scalar.AsSpan(0, s));
        }).QuickCheckThrowOnFailure();
    }

    [Theory]
    [InlineData(16)]
    [InlineData(18)]
    public void Flip_masks_are_every_prefix_mask_with_up_to_five_bits_once_fewest_first(int bits)
    {
        var masks = FlipMasks.For(bits);
        var all = masks.Masks;
        Assert.Equal(all.Length, all.Distinct().Count());
        Assert.All(all, m => Assert.True(m < 1u << bits));
        Assert.Equal(1, masks.CountWithin(0));
        Assert.Equal(1 + bits, masks.CountWithin(1));
        Assert.Equal(1 + bits + bits * (bits - 1) / 2, masks.CountWithin(2));
        Assert.Equal(all.Length, masks.CountWithin(5));
        for (int i = 1; i < all.Length; i++)
            Assert.True(System.Numerics.BitOperations.PopCount(all[i - 1]) <= System.Numerics.BitOperations.PopCount(all[i]));
    }
}
