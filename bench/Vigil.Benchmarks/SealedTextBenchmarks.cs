using BenchmarkDotNet.Attributes;
using Vigil.Review.Evidence;

namespace Vigil.Benchmarks;

/// <summary>
/// What sealing conversation messages costs the server, one thread: sealing one message as it arrives, and opening one
/// (each request opens every stored message of its conversation to score it again), under a master key file.
/// </summary>
[MemoryDiagnoser]
public class SealedTextBenchmarks
{
    private const string Message = "this is just between us, don't tell anyone ok, see you at practice";
    private string _dir = null!;
    private KeyFileWrapper _key = null!;
    private EvidenceVault _vault = null!;
    private byte[] _sealed = null!;

    [GlobalSetup]
    public void Setup()
    {
        _dir = Directory.CreateTempSubdirectory("vigil-bench-vault-").FullName;
        _key = KeyFileWrapper.Create(Path.Combine(_dir, "master.key"));
        _vault = new EvidenceVault(_key);
        _sealed = SealedText.Seal(_vault, Message);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _key.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>One message sealed as it is stored.</summary>
    [Benchmark]
    public byte[] Seal() => SealedText.Seal(_vault, Message);

    /// <summary>One stored message opened to be scored.</summary>
    [Benchmark]
    public string Open() => SealedText.Open(_vault, _sealed);
}
