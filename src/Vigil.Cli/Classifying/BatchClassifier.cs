using Vigil.Classifiers;
using Vigil.Cli.Hashing;
using Vigil.Media;

namespace Vigil.Cli.Classifying;

/// <summary>
/// Scores files a batch at a time: the batch's images decoded on all threads, then scored in one model call, the
/// records handed back in input order. A file that cannot be decoded is its own record and does not stop the run;
/// a classifier that fails does (its error is the run's).
/// </summary>
internal sealed class BatchClassifier(IMediaClassifier classifier, DecodeOptions decodeOptions, int threads, int batch)
{
    public async Task RunAsync(IReadOnlyList<InputFile> inputs, Action<ClassifyRecord> onRecord, CancellationToken cancellationToken)
    {
        var images = new RgbImage?[batch];
        var errors = new string?[batch];
        for (int start = 0; start < inputs.Count; start += batch)
        {
            int count = Math.Min(batch, inputs.Count - start);
            try
            {
                Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellationToken }, i =>
                {
                    (images[i], errors[i]) = Decode(inputs[start + i]);
                });
                var decoded = new List<RgbImage>(count);
                for (int i = 0; i < count; i++)
                {
                    if (images[i] is { } image)
                        decoded.Add(image);
                }
                var scores = await classifier.ClassifyAsync(decoded, cancellationToken).ConfigureAwait(false);
                for (int i = 0, s = 0; i < count; i++)
                    onRecord(new ClassifyRecord(inputs[start + i].Path, images[i] is null ? null : scores[s++], errors[i]));
            }
            finally
            {
                for (int i = 0; i < count; i++)
                {
                    images[i]?.Dispose();
                    images[i] = null;
                }
            }
        }
    }

    private (RgbImage? Image, string? Error) Decode(InputFile input)
    {
        if (input.Error is not null)
            return (null, input.Error);
        try
        {
            using var decoder = new ImageDecoder(decodeOptions);
            return (decoder.DecodeFile(input.Path), null);
        }
        catch (ImageDecodeException e)
        {
            return (null, e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, e.Message);
        }
    }
}
