using System.Buffers.Binary;
using System.Security.Cryptography;
using Vigil.Hashing.Pdq;
using Vigil.Testing;

namespace Vigil.Hashing.Tests;

/// <summary>The PDQ core against the reference's own output on float luma buffers (no decoder involved).</summary>
public class PdqCoreFixtureTests
{
    public static TheoryData<string> CoreFiles()
    {
        var data = new TheoryData<string>();
        foreach (var row in Fixtures.ReadCsv(Fixtures.Path("pdq-core", "expected.csv")))
            data.Add(row["file"]);
        return data;
    }

    [Theory]
    [MemberData(nameof(CoreFiles))]
    public void PlainHashAndQualityAreBitExact(string file)
    {
        var expected = Fixtures.ReadCsv(Fixtures.Path("pdq-core", "expected.csv")).Single(r => r["file"] == file);
        var (luma, rows, cols) = Fixtures.ReadLuma(file);
        foreach (var vectorized in HasherKinds())
        {
            var result = new PdqHasher(vectorized).HashLuma(luma, rows, cols);
            Assert.Equal(expected["pdq"], result.Hash.ToString());
            Assert.Equal(int.Parse(expected["quality"]), result.Quality);
        }
    }

    [Theory]
    [MemberData(nameof(CoreFiles))]
    public void AllEightDihedralHashesAreBitExact(string file)
    {
        var expected = Fixtures.ReadCsv(Fixtures.Path("pdq-core", "expected.csv")).Single(r => r["file"] == file);
        var (luma, rows, cols) = Fixtures.ReadLuma(file);
        string[] columns = ["dihedral_original", "rotate90", "rotate180", "rotate270", "flipx", "flipy", "flipplus1", "flipminus1"];
        foreach (var vectorized in HasherKinds())
        {
            var hashes = new PdqHasher(vectorized).HashLumaDihedral(luma, rows, cols);
            var wrong = Enumerable.Range(0, 8)
                .Where(v => expected[columns[v]] != hashes[(DihedralVariant)v].ToString())
                .Select(v => $"{columns[v]}: expected {expected[columns[v]]}, got {hashes[(DihedralVariant)v]}");
            Assert.True(!wrong.Any(), $"{file} (vectorized={vectorized}):\n" + string.Join("\n", wrong));
        }
    }

    [Fact]
    public void DctMatrixMatchesTheReferenceDigest()
    {
        var bytes = new byte[16 * 64 * 4];
        for (int i = 0; i < PdqFinisher.DctMatrix.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), PdqFinisher.DctMatrix[i]);
        Assert.Equal("db354678fc6c99b7d442c35d8e89b002b71cb35eff6ae436c5f36392277a83c8",
            Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    [Fact]
    public void OneHasherGivesTheSameAnswersWhenReusedAcrossSizes()
    {
        // Scratch buffers are reused between images of different sizes; results must not leak across.
        var hasher = new PdqHasher();
        var files = Fixtures.ReadCsv(Fixtures.Path("pdq-core", "expected.csv")).Select(r => r["file"]).ToArray();
        var first = files.Select(f => { var (l, r, c) = Fixtures.ReadLuma(f); return hasher.HashLuma(l, r, c); }).ToArray();
        var second = files.Reverse().Select(f => { var (l, r, c) = Fixtures.ReadLuma(f); return hasher.HashLuma(l, r, c); }).Reverse().ToArray();
        Assert.Equal(first, second);
    }

    internal static IEnumerable<bool> HasherKinds() =>
        System.Runtime.Intrinsics.X86.Avx2.IsSupported ? [true, false] : [false];
}
