using System.Diagnostics;
using System.Globalization;
using Vigil.Classifiers;
using Vigil.Classifiers.Onnx;
using Vigil.Classifiers.Preprocessing;
using Vigil.Media;

namespace Vigil.Cli.Benchmarks;

/// <summary>
/// <c>vigil bench classify</c>: images per second through an ONNX model on the CPU, pre-processing (resize and
/// normalise from decoded pixels) and inference apart, per batch size. Without <c>--model</c> it builds a MobileNet-sized
/// network with seeded random weights (<see cref="SyntheticModels.ConvNet"/>): what it measures is the runtime, not a model.
/// </summary>
internal static class ClassifyBenchmark
{
    public static async Task<int> RunAsync(string? manifestPath, int images, int threads, int[] batches, TextWriter output, TextWriter log, CancellationToken ct)
    {
        string? dir = null;
        try
        {
            if (manifestPath is null)
            {
                dir = Directory.CreateTempSubdirectory("vigil-bench-classify-").FullName;
                File.WriteAllBytes(Path.Combine(dir, "convnet.onnx"), SyntheticModels.ConvNet());
                manifestPath = Path.Combine(dir, "convnet.json");
                File.WriteAllText(manifestPath, """
                    { "name": "convnet-random", "version": "1", "labels": ["a", "b"], "score_label": "b", "threshold": 0.9,
                      "onnx": { "model": "convnet.onnx", "width": 224, "height": 224, "activation": "softmax",
                                "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225], "max_batch": 64 } }
                    """);
                log.WriteLine($"model: a MobileNet-sized network with random weights ({new FileInfo(Path.Combine(dir, "convnet.onnx")).Length / 1e6:F1} MB)");
            }
            using var classifier = MediaClassifiers.Open(manifestPath, threads);
            var spec = classifier.Manifest.Onnx ?? throw new ClassifierException("vigil bench classify measures ONNX models (an http manifest measures the vendor)");
            var photos = Pictures(images, 1280, 960);
            var inputs = Pictures(images, spec.Width, spec.Height);
            var layout = new ImageTensorLayout(spec);
            var tensor = new float[layout.ImageLength];
            var prep = Stopwatch.StartNew();
            foreach (var photo in photos)
                ImageTensorWriter.Write(photo, layout, tensor, 0);
            double prepMs = prep.Elapsed.TotalMilliseconds / photos.Count;
            output.WriteLine("| model | batch | threads | images/s from 1280x960 pixels | images/s, inference alone | ms per image: resize and normalise |");
            output.WriteLine("|---|---|---|---|---|---|");
            foreach (int batch in batches)
            {
                ct.ThrowIfCancellationRequested();
                double whole = await ImagesPerSecondAsync(classifier, photos, batch, ct);
                double inference = await ImagesPerSecondAsync(classifier, inputs, batch, ct);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {classifier.Manifest.Name} {spec.Width}x{spec.Height} | {batch} | {(threads == 0 ? "auto" : threads.ToString(CultureInfo.InvariantCulture))} | {whole:F1} | {inference:F1} | {prepMs:F2} |"));
            }
            foreach (var picture in inputs)
                picture.Dispose();
            foreach (var photo in photos)
                photo.Dispose();
            return ExitCodes.Success;
        }
        catch (Exception e) when (e is ClassifierException or Vigil.Classifiers.Manifests.ClassifierManifestException)
        {
            log.WriteLine("error: " + e.Message);
            return ExitCodes.Failure;
        }
        finally
        {
            if (dir is not null)
                Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<double> ImagesPerSecondAsync(IMediaClassifier classifier, List<RgbImage> images, int batch, CancellationToken ct)
    {
        await classifier.ClassifyAsync(images.GetRange(0, Math.Min(batch, images.Count)), ct); // warm-up
        var timer = Stopwatch.StartNew();
        for (int start = 0; start < images.Count; start += batch)
            await classifier.ClassifyAsync(images.GetRange(start, Math.Min(batch, images.Count - start)), ct);
        return images.Count / timer.Elapsed.TotalSeconds;
    }

    /// <summary>Benign generated pictures (gradients with noise): decoded pixels without the decode.</summary>
    private static List<RgbImage> Pictures(int count, int width, int height)
    {
        var random = new Random(1);
        var list = new List<RgbImage>(count);
        for (int i = 0; i < count; i++)
        {
            var rgb = new byte[3 * width * height];
            int r = random.Next(256), g = random.Next(256);
            for (int y = 0, o = 0; y < height; y++)
            {
                for (int x = 0; x < width; x++, o += 3)
                {
                    rgb[o] = (byte)((r + x / 5) & 255);
                    rgb[o + 1] = (byte)((g + y / 4) & 255);
                    rgb[o + 2] = (byte)random.Next(256);
                }
            }
            list.Add(RgbImage.FromPixels(width, height, rgb));
        }
        return list;
    }
}
