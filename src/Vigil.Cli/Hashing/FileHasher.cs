using System.Diagnostics;
using System.Security.Cryptography;
using Vigil.Hashing.Pdq;
using Vigil.Media;

namespace Vigil.Cli.Hashing;

/// <summary>
/// Hashes files on one thread: decodes (the decoder reads into a reused buffer) and hashes.
/// Not thread-safe; one per worker.
/// </summary>
internal sealed class FileHasher : IDisposable
{
    private readonly HashAlgorithmKind _algorithm;
    private readonly bool _dihedral;
    private readonly ImageDecoder? _decoder;
    private readonly PdqHasher? _pdq;
    private readonly byte[] _buffer = new byte[1 << 16];
    private long _decodeTicks;

    public FileHasher(HashAlgorithmKind algorithm, bool dihedral, DecodeOptions decodeOptions)
    {
        _algorithm = algorithm;
        _dihedral = dihedral;
        if (algorithm == HashAlgorithmKind.Pdq)
        {
            _decoder = new ImageDecoder(decodeOptions);
            _pdq = new PdqHasher();
        }
    }

    /// <summary>Stopwatch ticks spent reading and decoding files.</summary>
    public long DecodeTicks => _decodeTicks;

    public PdqStageTimings PdqTimings => _pdq?.Timings ?? default;

    public HashRecord Hash(InputFile input)
    {
        if (input.Error is not null)
            return new HashRecord { Path = input.Path, Error = input.Error };
        try
        {
            return _algorithm == HashAlgorithmKind.Pdq ? HashImage(input.Path) : HashExact(input.Path);
        }
        catch (ImageDecodeException e)
        {
            return new HashRecord { Path = input.Path, Error = e.Message };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new HashRecord { Path = input.Path, Error = e.Message };
        }
    }

    private HashRecord HashImage(string path)
    {
        long start = Stopwatch.GetTimestamp();
        using var image = _decoder!.DecodeFile(path);
        _decodeTicks += Stopwatch.GetTimestamp() - start;

        if (!_dihedral)
        {
            var plain = Plain(image);
            return new HashRecord { Path = path, Pdq = plain, Width = image.Width, Height = image.Height, Warnings = image.Warnings };
        }
        var wide = image.WideGrey;
        var all = wide.IsEmpty
            ? _pdq!.HashRgbDihedral(image.Pixels, image.Width, image.Height)
            : _pdq!.HashGrey16Dihedral(wide, image.Width, image.Height);
        // The dihedral pass's original is the plain hash, except that the reference's plain hash
        // skips the filter on exactly 64x64 inputs (its dihedral path does not).
        var original = image.Width == 64 && image.Height == 64
            ? Plain(image)
            : new PdqResult(all[DihedralVariant.Original], all.Quality);
        return new HashRecord { Path = path, Pdq = original, Dihedral = all, Width = image.Width, Height = image.Height, Warnings = image.Warnings };
    }

    /// <summary>The PDQ of the pixels, or of the full-value grey samples when the python-threatexchange pipeline kept them.</summary>
    private PdqResult Plain(RgbImage image)
    {
        var wide = image.WideGrey;
        return wide.IsEmpty
            ? _pdq!.HashRgb(image.Pixels, image.Width, image.Height)
            : _pdq!.HashGrey16(wide, image.Width, image.Height);
    }

    private HashRecord HashExact(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        using var hash = IncrementalHash.CreateHash(_algorithm == HashAlgorithmKind.Md5 ? HashAlgorithmName.MD5 : HashAlgorithmName.SHA256);
        int n;
        while ((n = stream.Read(_buffer)) > 0)
            hash.AppendData(_buffer, 0, n);
        return new HashRecord { Path = path, ExactHex = Convert.ToHexStringLower(hash.GetHashAndReset()) };
    }

    /// <summary>The file's MD5 in lowercase hex, read in a stream (the exchanges' exact-match signal).</summary>
    public static async Task<string> Md5HexAsync(string path, CancellationToken cancellationToken)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(await MD5.HashDataAsync(stream, cancellationToken));
    }

    public void Dispose() => _decoder?.Dispose();
}
