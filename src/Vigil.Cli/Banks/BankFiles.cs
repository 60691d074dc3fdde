using System.Text.Json;
using Vigil.Cli.Hashing;
using Vigil.Cli.Interaction;
using Vigil.Hashing.Pdq;
using Vigil.Hashing.Signals;
using Vigil.Media;
using Vigil.Storage;

namespace Vigil.Cli.Banks;

/// <summary>Turns image files into bank content: PDQ and MD5 signals, the file name kept in the metadata.</summary>
internal static class BankFiles
{
    /// <summary>Hashes the files (in parallel, results in input order); failures and low-quality hashes are reported on <paramref name="error"/>.</summary>
    public static List<ImportItem> Hash(IReadOnlyList<InputFile> inputs, int threads, string? classification, string? note, TextWriter error,
        CommandProgress? progress, out int failures)
    {
        var items = new List<ImportItem>();
        int failed = 0;
        OrderedParallelHasher.Run(inputs, threads,
            () => new FileHasher(HashAlgorithmKind.Pdq, dihedral: false, DecodeOptions.Default),
            record =>
            {
                progress?.Clear();
                if (ToItem(record, classification, note, error) is { } item)
                    items.Add(item);
                else
                    failed++;
                progress?.Advance();
            });
        failures = failed;
        return items;
    }

    private static ImportItem? ToItem(HashRecord record, string? classification, string? note, TextWriter error)
    {
        if (record.Error is not null)
        {
            error.WriteLine($"error: {record.Path}: {record.Error}");
            return null;
        }
        if (record.Pdq.Quality < PdqResult.MinimumTrustedQuality)
            error.WriteLine($"warning: {record.Path}: PDQ quality {record.Pdq.Quality} is below {PdqResult.MinimumTrustedQuality}; matches against it will be unreliable");
        string md5 = FileHasher.Md5HexAsync(record.Path, CancellationToken.None).GetAwaiter().GetResult();
        string metadata = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["file_name"] = Path.GetFileName(record.Path),
            ["pdq_quality"] = record.Pdq.Quality,
            ["width"] = record.Width,
            ["height"] = record.Height,
        });
        return ImportItem.Add(new NewContent([new Signal(SignalType.Pdq, record.Pdq.Hash.ToString()), new Signal(SignalType.Md5, md5)])
        {
            Metadata = metadata,
            Note = note,
            Classification = classification,
            Source = "vigil bank add",
        });
    }
}
