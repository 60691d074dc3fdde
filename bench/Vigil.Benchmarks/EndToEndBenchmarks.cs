using BenchmarkDotNet.Attributes;
using Vigil.Hashing.Pdq;
using Vigil.Media;

namespace Vigil.Benchmarks;

/// <summary>
/// One 1600x1004 JPEG (the reference bridge photo, a benign test image): decode alone, and decode
/// plus all eight PDQ hashes, on one thread. Bytes are in memory, so file reading is excluded.
/// </summary>
[MemoryDiagnoser]
public class EndToEndBenchmarks
{
    private byte[] _jpeg = [];
    private ImageDecoder _decoder = null!;
    private PdqHasher _hasher = null!;

    [GlobalSetup]
    public void Setup()
    {
        _jpeg = File.ReadAllBytes(FindFixture("threatexchange/pdq/data/bridge-mods/aaa-orig.jpg"));
        _decoder = new ImageDecoder();
        _hasher = new PdqHasher();
    }

    [GlobalCleanup]
    public void Cleanup() => _decoder.Dispose();

    [Benchmark(Description = "decode 1600x1004 JPEG")]
    public int Decode()
    {
        using var image = _decoder.Decode(_jpeg);
        return image.Width;
    }

    [Benchmark(Description = "decode + 8 dihedral PDQ")]
    public int DecodeAndHash()
    {
        using var image = _decoder.Decode(_jpeg);
        return _hasher.HashRgbDihedral(image.Pixels, image.Width, image.Height).Quality;
    }

    internal static string FindFixture(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "fixtures", relative);
            if (File.Exists(candidate))
                return candidate;
        }
        throw new FileNotFoundException("run the benchmarks from inside the repository", relative);
    }
}
