using FsCheck;
using FsCheck.Fluent;
using Vigil.Hashing.Pdq;

namespace Vigil.Hashing.Tests;

/// <summary>The streaming AVX2 pipeline must equal the plain reference bit for bit, on any input.</summary>
public class PdqVectorScalarPropertyTests
{
    private static bool Vectorizable => System.Runtime.Intrinsics.X86.Avx2.IsSupported;

    internal enum Texture { Noise, Smooth, Constant, Stripes }

    internal static float[] MakeLuma(int rows, int cols, int seed, Texture texture)
    {
        var random = new Random(seed);
        var luma = new float[rows * cols];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                luma[r * cols + c] = texture switch
                {
                    Texture.Noise => (float)(random.NextDouble() * 255),
                    Texture.Smooth => (float)(127.5 + 120 * Math.Sin(r * 0.07 + seed) * Math.Cos(c * 0.05)),
                    Texture.Constant => 93.25f,
                    _ => (c / 3 + r / 5) % 2 == 0 ? 250f : 3.5f,
                };
        return luma;
    }

    private static void AssertSameDownsample(float[] luma, int rows, int cols)
    {
        var expected = new float[4096];
        PdqScalarReference.Downsample((float[])luma.Clone(), rows, cols, expected);
        var actual = new float[4096];
        unsafe
        {
            fixed (float* p = luma)
                new PdqDownsampler().Downsample(new FloatLumaRows(p, rows, cols), actual);
        }
        for (int i = 0; i < 4096; i++)
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"{rows}x{cols}: 64x64[{i / 64},{i % 64}] scalar {expected[i]:R} vector {actual[i]:R}");
    }

    [Fact]
    public void DownsampleIsBitIdenticalOnRandomSizesAndTextures()
    {
        if (!Vectorizable) return;
        var gen = from rows in Gen.Choose(5, 400)
                  from cols in Gen.Choose(5, 400)
                  from seed in Gen.Choose(0, 1_000_000)
                  from texture in Gen.Elements(Texture.Noise, Texture.Smooth, Texture.Constant, Texture.Stripes)
                  select (rows, cols, seed, texture);
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            AssertSameDownsample(MakeLuma(t.rows, t.cols, t.seed, t.texture), t.rows, t.cols);
        }).QuickCheckThrowOnFailure();
    }

    [Theory]
    [InlineData(2000, 1900)] // column window 16: priming spans several strips
    [InlineData(3001, 700)]
    [InlineData(700, 3001)]
    [InlineData(5, 3000)]
    [InlineData(3000, 5)]
    [InlineData(1004, 1600)]
    [InlineData(63, 65)]
    public void DownsampleIsBitIdenticalOnLargeAndExtremeShapes(int rows, int cols)
    {
        if (!Vectorizable) return;
        AssertSameDownsample(MakeLuma(rows, cols, rows * 31 + cols, Texture.Noise), rows, cols);
    }

    [Fact]
    public void RgbInputHashesEqualTheScalarReferenceIncludingAllVariants()
    {
        if (!Vectorizable) return;
        var gen = from width in Gen.Choose(1, 300)
                  from height in Gen.Choose(1, 300)
                  from seed in Gen.Choose(0, 1_000_000)
                  select (width, height, seed);
        var vector = new PdqHasher(useVectorPipeline: true);
        var scalar = new PdqHasher(useVectorPipeline: false);
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var rgb = new byte[t.width * t.height * 3];
            new Random(t.seed).NextBytes(rgb);
            Assert.Equal(scalar.HashRgb(rgb, t.width, t.height), vector.HashRgb(rgb, t.width, t.height));
            var a = scalar.HashRgbDihedral(rgb, t.width, t.height);
            var b = vector.HashRgbDihedral(rgb, t.width, t.height);
            Assert.Equal(a.Quality, b.Quality);
            for (int v = 0; v < 8; v++)
                Assert.Equal(a[(DihedralVariant)v], b[(DihedralVariant)v]);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public unsafe void Rgb8KernelEqualsScalarLuma()
    {
        if (!Vectorizable) return;
        Prop.ForAll(Gen.ArrayOf(Gen.Choose(0, 255).Select(i => (byte)i), 32).ToArbitrary(), bytes =>
        {
            fixed (byte* p = bytes)
            {
                var v = Luma.Rgb8(p);
                for (int i = 0; i < 8; i++)
                    Assert.Equal(Luma.FromRgb(bytes[3 * i], bytes[3 * i + 1], bytes[3 * i + 2]), v[i]);
            }
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Transpose8x8Transposes()
    {
        if (!Vectorizable) return;
        var rows = new System.Runtime.Intrinsics.Vector256<float>[8];
        for (int r = 0; r < 8; r++)
            rows[r] = System.Runtime.Intrinsics.Vector256.Create(r * 8f, r * 8 + 1, r * 8 + 2, r * 8 + 3, r * 8 + 4, r * 8 + 5, r * 8 + 6, r * 8 + 7);
        Simd.Transpose8x8(ref rows[0], ref rows[1], ref rows[2], ref rows[3], ref rows[4], ref rows[5], ref rows[6], ref rows[7]);
        for (int r = 0; r < 8; r++)
            for (int c = 0; c < 8; c++)
                Assert.Equal(c * 8 + r, rows[r][c]);
    }

    [Fact]
    public void VectorDctEqualsScalarDct()
    {
        Prop.ForAll(Gen.ArrayOf(Gen.Choose(0, 255_000).Select(i => i / 1000f), 4096).ToArbitrary(), a =>
        {
            var expected = new float[256];
            var actual = new float[256];
            PdqFinisher.DctScalar(a, expected);
            PdqFinisher.Dct(a, actual);
            Assert.Equal(expected, actual);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void SelectFindsTheKthSmallest()
    {
        Prop.ForAll(Gen.ArrayOf(Gen.Choose(-50, 50).Select(i => i / 4f), 256).ToArbitrary(), Gen.Choose(0, 255).ToArbitrary(), (values, k) =>
        {
            var sorted = values.OrderBy(v => v).ToArray();
            Assert.Equal(sorted[k], PdqFinisher.Select((float[])values.Clone(), k));
        }).QuickCheckThrowOnFailure();
    }
}
