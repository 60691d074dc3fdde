using Vigil.Classifiers;
using Vigil.Cli.Hashing;
using Vigil.Media;

namespace Vigil.Cli.Classifying;

/// <summary>
/// Scores files a batch at a time: the batch's images decoded on all threads, then scored in one model call, the
/// records handed back in input order. A video (by its extension) is scored on its own, as its frames sampled every
/// <c>secondsPerFrame</c>. A file that cannot be decoded is its own record and does not stop the run; a classifier
/// that fails does (its error is the run's).
/// </summary>
internal sealed class BatchClassifier(IMediaClassifier classifier, DecodeOptions decodeOptions, int threads, int batch, double secondsPerFrame = 1)
{
    public async Task RunAsync(IReadOnlyList<InputFile> inputs, Action<ClassifyRecord> onRecord, CancellationToken cancellationToken)
    {
        // Runs of images are batched; each video splits them.
        var run = new List<InputFile>(batch);
        foreach (var input in inputs)
        {
            if (input.Error is null && Banks.VideoFiles.Extensions.Contains(Path.GetExtension(input.Path)))
            {
                await ImagesAsync(run, onRecord, cancellationToken).ConfigureAwait(false);
                run.Clear();
                onRecord(await VideoAsync(input.Path, cancellationToken).ConfigureAwait(false));
            }
            else
                run.Add(input);
        }
        await ImagesAsync(run, onRecord, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ClassifyRecord> VideoAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            var video = await VideoClassification.ClassifyAsync(classifier, path, secondsPerFrame, batch, cancellationToken).ConfigureAwait(false);
            return video is null ? new ClassifyRecord(path, null, "the video has no frames") : new ClassifyRecord(path, video.Score, null, video);
        }
        catch (Vigil.Media.Video.VideoDecodeException e)
        {
            return new ClassifyRecord(path, null, e.Message);
        }
    }

    private async Task ImagesAsync(IReadOnlyList<InputFile> inputs, Action<ClassifyRecord> onRecord, CancellationToken cancellationToken)
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
