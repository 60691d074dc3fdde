using Vigil.Classifiers.Manifests;
using Vigil.Classifiers.Onnx;
using Vigil.Media;
using Vigil.Media.Processing;
using Vigil.Testing;

namespace Vigil.Classifiers.Tests;

/// <summary>
/// ONNX models the tests write (<see cref="SyntheticModels"/>), run on the benign fixture photos: the brightness model's
/// score of each photo is its mean brightness, which the test computes from the pixels itself.
/// </summary>
public sealed class OnnxClassifierTests : IDisposable
{
    private static readonly string[] Photos =
    [
        "pdq/data/bridge-mods/aaa-orig.jpg",
        "pdq/data/reg-test-input/pen-and-coaster.png",
        "pdq/data/reg-test-input/labelme-subset/q0003.jpg",
        "pdq/data/reg-test-input/labelme-subset/q0746.jpg",
        "pdq/data/reg-test-input/labelme-subset/q2821.jpg",
    ];

    private readonly Models _models = new();

    public void Dispose() => _models.Dispose();

    private static RgbImage Photo(string name)
    {
        using var decoder = new ImageDecoder();
        return decoder.DecodeFile(Fixtures.ThreatExchange(name));
    }

    private static double MeanBrightness(RgbImage image)
    {
        long sum = 0;
        foreach (byte b in image.Pixels)
            sum += b;
        return sum / (255.0 * image.Pixels.Length);
    }

    [Theory]
    [InlineData(false, 4)]
    [InlineData(false, 1)]
    [InlineData(true, 16)]
    public async Task The_brightness_models_score_of_each_photo_is_its_mean_brightness(bool fixedBatch, int maxBatch)
    {
        using var classifier = MediaClassifiers.Open(_models.Brightness(fixedBatch, maxBatch));
        var photos = Photos.Select(Photo).ToList();
        try
        {
            var scores = await classifier.ClassifyAsync(photos);
            Assert.Equal(photos.Count, scores.Count);
            for (int i = 0; i < photos.Count; i++)
            {
                using var resized = ImageEdits.Resize(photos[i], 64, 64);
                Assert.Equal(MeanBrightness(resized), scores[i].Score, 4);
                // The resize keeps the mean: the score is the photo's own brightness to within a percent.
                Assert.InRange(scores[i].Score, MeanBrightness(photos[i]) - 0.01, MeanBrightness(photos[i]) + 0.01);
                Assert.Equal([new LabelScore("bright", scores[i].Score)], scores[i].Labels);
                Assert.Null(scores[i].Priority);
            }
            // The photos differ in brightness: the scores are not one number repeated.
            Assert.True(scores.Max(s => s.Score) - scores.Min(s => s.Score) > 0.1);
        }
        finally
        {
            photos.ForEach(p => p.Dispose());
        }
    }

    [Fact]
    public async Task Uniform_images_score_exactly_and_in_order_across_batches()
    {
        using var classifier = MediaClassifiers.Open(_models.Brightness(maxBatch: 3));
        var images = Enumerable.Range(0, 10).Select(i => Uniform(50 + 7 * i, 40, (byte)(i * 25))).ToList();
        var scores = await classifier.ClassifyAsync(images);
        for (int i = 0; i < images.Count; i++)
            Near(i * 25 / 255.0, scores[i].Score); // float sums over 12,288 values
        images.ForEach(i => i.Dispose());
        Assert.Empty(await classifier.ClassifyAsync([]));
    }

    [Theory]
    [InlineData("rgb", "none")]
    [InlineData("bgr", "none")]
    [InlineData("rgb", "softmax")]
    [InlineData("rgb", "sigmoid")]
    public async Task Channel_order_and_activation_follow_the_manifest(string channels, string activation)
    {
        using var classifier = MediaClassifiers.Open(_models.ChannelMeans(channels, activation));
        using var image = Uniform(40, 30, 0, r: 255, g: 51, b: 102);
        var score = (await classifier.ClassifyAsync([image]))[0];
        double[] raw = channels == "rgb" ? [1.0, 0.2, 0.4] : [0.4, 0.2, 1.0];
        double[] expected = activation switch
        {
            "softmax" => raw.Select(v => Math.Exp(v) / raw.Sum(Math.Exp)).ToArray(),
            "sigmoid" => raw.Select(v => 1 / (1 + Math.Exp(-v))).ToArray(),
            _ => raw,
        };
        Assert.Equal(["red", "green", "blue"], score.Labels.Select(l => l.Label));
        for (int k = 0; k < 3; k++)
            Assert.Equal(expected[k], score.Labels[k].Score, 4);
        Assert.Equal(expected[2], score.Score, 4); // score_label blue
    }

    [Fact]
    public async Task Several_threads_share_one_classifier()
    {
        using var classifier = MediaClassifiers.Open(_models.Brightness());
        var tasks = Enumerable.Range(0, 8).Select(t => Task.Run(async () =>
        {
            using var image = Uniform(64, 64, (byte)(t * 30));
            for (int r = 0; r < 5; r++)
                Near(t * 30 / 255.0, (await classifier.ClassifyAsync([image]))[0].Score);
        }));
        await Task.WhenAll(tasks);
    }

    [Fact]
    public void A_model_that_does_not_fit_its_manifest_is_a_clear_error()
    {
        // The manifest says 48x48, the model takes 64x64.
        string wrongSize = _models.Write("wrong-size", SyntheticModels.Brightness(64), """
            { "name": "b", "version": "1", "labels": ["bright"], "threshold": 0.5, "onnx": { "model": "wrong-size.onnx", "width": 48, "height": 48 } }
            """);
        Assert.Contains("the manifest says [N, 3, 48, 48]", Assert.Throws<ClassifierException>(() => MediaClassifiers.Open(wrongSize)).Message, StringComparison.Ordinal);
        // Two labels for a one-value output.
        string labels = _models.Write("labels", SyntheticModels.Brightness(64), """
            { "name": "b", "version": "1", "labels": ["a", "b"], "score_label": "a", "threshold": 0.5, "onnx": { "model": "labels.onnx", "width": 64, "height": 64 } }
            """);
        Assert.Contains("1 values per image for 2 labels", Assert.Throws<ClassifierException>(() => MediaClassifiers.Open(labels)).Message, StringComparison.Ordinal);
        string input = _models.Write("input", SyntheticModels.Brightness(64), """
            { "name": "b", "version": "1", "labels": ["a"], "threshold": 0.5, "onnx": { "model": "input.onnx", "input": "image", "width": 64, "height": 64 } }
            """);
        Assert.Contains("onnx.input 'image' is not an input of the model (pixels)", Assert.Throws<ClassifierException>(() => MediaClassifiers.Open(input)).Message, StringComparison.Ordinal);
        string nhwc = _models.Write("nhwc", SyntheticModels.Brightness(64), """
            { "name": "b", "version": "1", "labels": ["a"], "threshold": 0.5, "onnx": { "model": "nhwc.onnx", "layout": "nhwc", "width": 64, "height": 64 } }
            """);
        Assert.Contains("the manifest says [N, 64, 64, 3]", Assert.Throws<ClassifierException>(() => MediaClassifiers.Open(nhwc)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_and_garbage_model_files_are_clear_errors()
    {
        string manifest = _models.Write("garbage", [1, 2, 3, 4, 5], """
            { "name": "g", "version": "1", "labels": ["a"], "threshold": 0.5, "onnx": { "model": "garbage.onnx", "width": 8, "height": 8 } }
            """);
        Assert.Contains("is not a model ONNX Runtime can load", Assert.Throws<ClassifierException>(() => MediaClassifiers.Open(manifest)).Message, StringComparison.Ordinal);
        File.Delete(Path.Combine(_models.Directory, "garbage.onnx"));
        Assert.Contains("does not exist", Assert.Throws<ClassifierException>(() => MediaClassifiers.Open(manifest)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_benchmark_network_runs_and_gives_two_logits()
    {
        string manifest = _models.Write("convnet", SyntheticModels.ConvNet(), """
            { "name": "convnet", "version": "1", "labels": ["a", "b"], "score_label": "b", "threshold": 0.9,
              "onnx": { "model": "convnet.onnx", "width": 224, "height": 224, "activation": "softmax", "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225] } }
            """);
        using var classifier = MediaClassifiers.Open(manifest);
        using var photo = Photo(Photos[0]);
        var scores = await classifier.ClassifyAsync([photo, photo]);
        Assert.Equal(1.0, scores[0].Labels.Sum(l => l.Score), 5);
        Assert.Equal(scores[0].Score, scores[1].Score, 6);
    }

    private static void Near(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 2e-5, $"{actual} is not {expected}");

    private static RgbImage Uniform(int width, int height, byte level, byte? r = null, byte? g = null, byte? b = null)
    {
        var rgb = new byte[3 * width * height];
        for (int i = 0; i < rgb.Length; i += 3)
        {
            rgb[i] = r ?? level;
            rgb[i + 1] = g ?? level;
            rgb[i + 2] = b ?? level;
        }
        return RgbImage.FromPixels(width, height, rgb);
    }
}
