using BenchmarkDotNet.Attributes;
using Vigil.Hashing.Pdq;

namespace Vigil.Benchmarks;

/// <summary>
/// The PDQ core on one thread, decode excluded: float luma in (as the reference C++ core) and RGB in
/// (Vigil's real input, luma included). Synthetic benign images (smooth gradients plus noise).
/// </summary>
[MemoryDiagnoser]
public class PdqCoreBenchmarks
{
    private PdqHasher _hasher = null!;
    private float[] _luma = [];
    private byte[] _rgb = [];

    [Params("512x512", "1600x1004", "4000x3000")]
    public string Size { get; set; } = "512x512";

    private int Width => int.Parse(Size.Split('x')[0]);
    private int Height => int.Parse(Size.Split('x')[1]);

    [GlobalSetup]
    public void Setup()
    {
        _hasher = new PdqHasher();
        var random = new Random(42);
        _rgb = new byte[Width * Height * 3];
        _luma = new float[Width * Height];
        for (int y = 0; y < Height; y++)
            for (int x = 0; x < Width; x++)
            {
                int i = y * Width + x;
                for (int ch = 0; ch < 3; ch++)
                    _rgb[3 * i + ch] = (byte)Math.Clamp(128 + 100 * Math.Sin(x * 0.01 * (ch + 1) + y * 0.013) + random.Next(-20, 20), 0, 255);
                _luma[i] = Luma.FromRgb(_rgb[3 * i], _rgb[3 * i + 1], _rgb[3 * i + 2]);
            }
    }

    [Benchmark(Description = "luma in, plain hash")]
    public PdqResult LumaPlain() => _hasher.HashLuma(_luma, Height, Width);

    [Benchmark(Description = "luma in, all 8 dihedral")]
    public int LumaDihedral() => _hasher.HashLumaDihedral(_luma, Height, Width).Quality;

    [Benchmark(Description = "RGB in, all 8 dihedral")]
    public int RgbDihedral() => _hasher.HashRgbDihedral(_rgb, Width, Height).Quality;
}
