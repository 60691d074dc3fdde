using System.Text.Json;
using Vigil.Cli.Hashing;
using Vigil.Cli.Interaction;
using Vigil.Hashing.Pdq;
using Vigil.Hashing.Signals;
using Vigil.ImageHashing;
using Vigil.Media;
using Vigil.Storage;

namespace Vigil.Cli.Banks;

/// <summary>Turns image files into bank content: PDQ and MD5 signals, the file name kept in the metadata.</summary>
internal static class BankFiles
{
    /// <summary>
    /// Hashes the files (in parallel, results in input order); failures and low-quality hashes are reported on
    /// <paramref name="error"/>. A file the decoder warned about (damaged data it decoded past) is refused, and
    /// counted as a failure, unless <paramref name="allowDamaged"/>: a bank is a reference list, and a hash of
    /// half a picture would match what the damage looks like rather than the picture. Allowed, it is added with
    /// the warnings in its metadata (<c>decoder_warnings</c>).
    /// </summary>
    /// <remarks>
    /// With <paramref name="robust"/> each image also gets the variants a bank stores for robust matching
    /// (<see cref="RobustBankHasher.DefaultVariants"/>) as <c>pdq_variant</c> signals of the same content: those of
    /// trusted quality that differ from the image's own hash.
    /// </remarks>
    public static List<ImportItem> Hash(IReadOnlyList<InputFile> inputs, int threads, string? classification, string? note, bool allowDamaged, DecodeOptions decodeOptions,
        TextWriter error, CommandProgress? progress, out int failures, bool robust = false)
    {
        var items = new List<ImportItem>();
        int failed = 0;
        OrderedParallelHasher.Run(inputs, threads,
            () => new FileHasher(HashAlgorithmKind.Pdq, dihedral: false, decodeOptions, bankVariants: robust),
            record =>
            {
                progress?.Clear();
                if (ToItem(record, classification, note, allowDamaged, decodeOptions, error) is { } item)
                    items.Add(item);
                else
                    failed++;
                progress?.Advance();
            });
        failures = failed;
        return items;
    }

    private static ImportItem? ToItem(HashRecord record, string? classification, string? note, bool allowDamaged, DecodeOptions decodeOptions, TextWriter error)
    {
        if (record.Error is not null)
        {
            error.WriteLine($"error: {record.Path}: {record.Error}");
            return null;
        }
        if (record.Warnings.Count > 0 && !allowDamaged)
        {
            error.WriteLine($"error: {record.Path}: damaged image, not added ({string.Join("; ", record.Warnings)}); --allow-damaged adds it anyway");
            return null;
        }
        DecoderWarnings.Write(error, record.Path, record.Warnings);
        if (record.Pdq.Quality < PdqResult.MinimumTrustedQuality)
            error.WriteLine($"warning: {record.Path}: PDQ quality {record.Pdq.Quality} is below {PdqResult.MinimumTrustedQuality}; matches against it will be unreliable");
        string md5 = FileHasher.Md5HexAsync(record.Path, CancellationToken.None).GetAwaiter().GetResult();
        var fields = new Dictionary<string, object>
        {
            ["file_name"] = Path.GetFileName(record.Path),
            ["pdq_quality"] = record.Pdq.Quality,
            ["width"] = record.Width,
            ["height"] = record.Height,
        };
        if (record.Warnings.Count > 0)
            fields["decoder_warnings"] = record.Warnings;
        if (decodeOptions.Compat == DecodeCompat.Pytx)
            fields["pdq_compat"] = "pytx";
        var signals = new List<Signal> { new(SignalType.Pdq, record.Pdq.Hash.ToString()), new(SignalType.Md5, md5) };
        if (record.BankVariants is { } variants)
            fields["pdq_variants"] = RobustBankHasher.AddSignals(signals, record.Pdq.Hash, variants);
        return ImportItem.Add(new NewContent(signals)
        {
            Metadata = JsonSerializer.Serialize(fields),
            Note = note,
            Classification = classification,
            Source = "vigil bank add",
        });
    }
}
