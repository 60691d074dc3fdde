using System.Buffers;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Vigil.Classifiers.Manifests;
using Vigil.Classifiers.Preprocessing;
using Vigil.Media;

namespace Vigil.Classifiers.Onnx;

/// <summary>
/// A local ONNX model on the CPU (Microsoft.ML.OnnxRuntime): one session for the classifier's life, images resized from
/// their decoded pixels into a pooled batch tensor, run in batches up to the manifest's <c>max_batch</c> (one at a time
/// when the model fixes its batch at 1), outputs turned into 0..1 scores by the manifest's activation.
/// </summary>
public sealed class OnnxMediaClassifier : IMediaClassifier
{
    private readonly InferenceSession _session;
    private readonly ImageTensorLayout _layout;
    private readonly ScoreActivation _activation;
    private readonly string _input;
    private readonly string _output;
    private readonly int _maxBatch;

    /// <summary>Loads the model the manifest's <c>onnx</c> section names; <paramref name="threads"/> bounds the threads one run uses (0: ONNX Runtime's choice).</summary>
    /// <exception cref="ClassifierException">The model is missing, not ONNX, or its input or output does not fit the manifest.</exception>
    public OnnxMediaClassifier(ClassifierManifest manifest, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var spec = manifest.Onnx ?? throw new ArgumentException("the manifest has no onnx section", nameof(manifest));
        Manifest = manifest;
        _layout = new ImageTensorLayout(spec);
        _activation = ScoreActivation.Parse(spec.Activation);
        string path = Path.IsPathRooted(spec.Model) ? spec.Model : Path.Combine(manifest.Directory, spec.Model);
        if (!File.Exists(path))
            throw new ClassifierException($"{manifest.Name}: the model {path} does not exist");
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = Math.Max(0, threads),
            InterOpNumThreads = 1,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        try
        {
            _session = new InferenceSession(path, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ClassifierException($"{manifest.Name}: {path} is not a model ONNX Runtime can load: {e.Message}", e);
        }
        try
        {
            (_input, _maxBatch) = CheckInput(spec);
            _output = CheckOutput(spec, manifest.Labels.Count);
        }
        catch
        {
            _session.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public ClassifierManifest Manifest { get; }

    /// <inheritdoc />
    public Task<IReadOnlyList<MediaScore>> ClassifyAsync(IReadOnlyList<RgbImage> images, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        var scores = new MediaScore[images.Count];
        for (int start = 0; start < images.Count; start += _maxBatch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int count = Math.Min(_maxBatch, images.Count - start);
            Run(images, start, count, scores);
        }
        return Task.FromResult<IReadOnlyList<MediaScore>>(scores);
    }

    private void Run(IReadOnlyList<RgbImage> images, int start, int count, MediaScore[] scores)
    {
        int length = count * _layout.ImageLength;
        float[] buffer = ArrayPool<float>.Shared.Rent(length);
        try
        {
            var tensor = buffer.AsSpan(0, length);
            for (int i = 0; i < count; i++)
                ImageTensorWriter.Write(images[start + i], _layout, tensor, i);
            using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, buffer.AsMemory(0, length), _layout.Shape(count));
            using var runOptions = new RunOptions();
            using var outputs = _session.Run(runOptions, [_input], [input], [_output]);
            var values = outputs[0].GetTensorDataAsSpan<float>();
            // One value per label per image (CheckOutput made sure of the shape).
            int perImage = Manifest.Labels.Count;
            if (values.Length != count * perImage)
                throw new ClassifierException($"{Manifest.Name}: the model gave {values.Length} values for {count} images, not {perImage} each");
            for (int i = 0; i < count; i++)
                scores[start + i] = ToScore(values.Slice(i * perImage, perImage));
        }
        catch (OnnxRuntimeException e)
        {
            throw new ClassifierException($"{Manifest.Name}: the model failed to run: {e.Message}", e);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }

    private MediaScore ToScore(ReadOnlySpan<float> raw)
    {
        Span<double> activated = stackalloc double[raw.Length];
        _activation.Apply(raw, activated);
        var labels = new LabelScore[raw.Length];
        for (int i = 0; i < raw.Length; i++)
            labels[i] = new LabelScore(Manifest.Labels[i], activated[i]);
        return new MediaScore(labels, activated[Manifest.ScoreIndex]);
    }

    private (string Name, int MaxBatch) CheckInput(OnnxModelSpec spec)
    {
        var inputs = _session.InputMetadata;
        string name = spec.Input ?? (inputs.Count == 1 ? inputs.Keys.First()
            : throw new ClassifierException($"{Manifest.Name}: the model has {inputs.Count} inputs ({string.Join(", ", inputs.Keys)}): name one in onnx.input"));
        if (!inputs.TryGetValue(name, out var meta))
            throw new ClassifierException($"{Manifest.Name}: onnx.input '{name}' is not an input of the model ({string.Join(", ", inputs.Keys)})");
        if (meta.ElementDataType != TensorElementType.Float)
            throw new ClassifierException($"{Manifest.Name}: input '{name}' takes {meta.ElementDataType}, not float");
        var dims = meta.Dimensions;
        long[] expected = _layout.Shape(1);
        if (dims.Length != 4)
            throw new ClassifierException($"{Manifest.Name}: input '{name}' has {dims.Length} dimensions, not 4 ({(_layout.ChannelsLast ? "NHWC" : "NCHW")})");
        for (int d = 1; d < 4; d++)
        {
            if (dims[d] >= 0 && dims[d] != expected[d])
                throw new ClassifierException($"{Manifest.Name}: input '{name}' is [{string.Join(", ", dims)}], the manifest says [N, {string.Join(", ", expected[1..])}] (onnx.width, onnx.height, onnx.layout)");
        }
        int batch = dims[0] switch
        {
            < 0 => spec.MaxBatch,
            0 => throw new ClassifierException($"{Manifest.Name}: input '{name}' has a batch of 0"),
            var fixedBatch when fixedBatch == 1 => 1,
            var fixedBatch => throw new ClassifierException($"{Manifest.Name}: input '{name}' fixes its batch at {fixedBatch}; Vigil runs models of a free batch or of 1"),
        };
        return (name, batch);
    }

    private string CheckOutput(OnnxModelSpec spec, int labels)
    {
        var outputs = _session.OutputMetadata;
        string name = spec.Output ?? outputs.Keys.First();
        if (!outputs.TryGetValue(name, out var meta))
            throw new ClassifierException($"{Manifest.Name}: onnx.output '{name}' is not an output of the model ({string.Join(", ", outputs.Keys)})");
        if (meta.ElementDataType != TensorElementType.Float)
            throw new ClassifierException($"{Manifest.Name}: output '{name}' gives {meta.ElementDataType}, not float");
        var dims = meta.Dimensions;
        // [N] for a single score, [N, labels] otherwise; trailing dimensions of 1 are allowed ([N, labels, 1, 1]).
        long perImage = 1;
        for (int d = 1; d < dims.Length; d++)
            perImage *= dims[d] < 0 ? labels : dims[d];
        if (perImage != labels)
            throw new ClassifierException($"{Manifest.Name}: output '{name}' is [{string.Join(", ", dims)}]: {perImage} values per image for {labels} labels");
        return name;
    }

    /// <inheritdoc />
    public void Dispose() => _session.Dispose();
}
