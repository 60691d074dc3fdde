using System.Diagnostics;
using System.Security.Cryptography;
using Vigil.Hashing.Pdq;
using Vigil.ImageHashing;
using Vigil.Media;

namespace Vigil.Cli.Hashing;

/// <summary>
/// Hashes files on one thread: decodes (the decoder reads into a reused buffer) and hashes.
/// Not thread-safe; one per worker.
/// </summary>
internal sealed class FileHasher : IDisposable
{
    private readonly HashAlgorithmKind _algorithm;
    private readonly QueryMode _mode;
    private readonly ImageDecoder? _decoder;
    private readonly QueryHasher? _query;
    private readonly RobustBankHasher? _bankVariants;
    private readonly Vigil.Classifiers.IMediaClassifier? _classifier;
    private readonly byte[] _buffer = new byte[1 << 16];
    private long _decodeTicks;

    /// <param name="algorithm">What to hash.</param>
    /// <param name="dihedral">Also the eight rotations and flips of each image.</param>
    /// <param name="decodeOptions">How to decode.</param>
    /// <param name="robust">Also the pictures inside each image (trimmed borders, a picture in a plain canvas), with theirs: <see cref="HashRecord.Query"/>.</param>
    /// <param name="bankVariants">Also the variants a bank stores beside the image's hash (<see cref="RobustBankHasher"/>): <see cref="HashRecord.BankVariants"/>.</param>
    /// <param name="classifier">Also score each decoded image with this (thread-safe) classifier: <see cref="HashRecord.Score"/>.</param>
    public FileHasher(HashAlgorithmKind algorithm, bool dihedral, DecodeOptions decodeOptions, bool robust = false, bool bankVariants = false,
        Vigil.Classifiers.IMediaClassifier? classifier = null)
    {
        _algorithm = algorithm;
        _classifier = classifier;
        _mode = robust ? QueryMode.Robust : dihedral ? QueryMode.Dihedral : QueryMode.Plain;
        if (algorithm == HashAlgorithmKind.Pdq)
        {
            _decoder = new ImageDecoder(decodeOptions);
            _query = new QueryHasher();
            if (bankVariants)
                _bankVariants = new RobustBankHasher(_query.Pdq);
        }
    }

    /// <summary>Stopwatch ticks spent reading and decoding files.</summary>
    public long DecodeTicks => _decodeTicks;

    public PdqStageTimings PdqTimings => _query?.Pdq.Timings ?? default;

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

        var query = _query!.Hash(image, _mode);
        var (score, classifyError) = Classify(image);
        return new HashRecord
        {
            Score = score,
            ClassifyError = classifyError,
            Path = path,
            Pdq = new PdqResult(query.Hashes[0], query.Qualities[0]),
            Dihedral = query.Whole,
            Query = _mode == QueryMode.Robust ? query : null,
            BankVariants = _bankVariants?.Hash(image),
            Width = image.Width,
            Height = image.Height,
            Warnings = image.Warnings,
        };
    }

    private (Vigil.Classifiers.MediaScore? Score, string? Error) Classify(RgbImage image)
    {
        if (_classifier is null)
            return (null, null);
        try
        {
            return (_classifier.ClassifyAsync([image]).GetAwaiter().GetResult()[0], null);
        }
        catch (Vigil.Classifiers.ClassifierException e)
        {
            // The hash stands; only the score is missing, and the scan says so.
            return (null, e.Message);
        }
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
