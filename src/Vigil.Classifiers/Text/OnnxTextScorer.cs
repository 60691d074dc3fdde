using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.ML.Tokenizers;

namespace Vigil.Classifiers.Text;

/// <summary>
/// Scores one message's text (0..1) with a licensed ONNX text model, tokenised with its WordPiece vocabulary
/// (Microsoft.ML.Tokenizers' BERT tokenizer: [CLS] text [SEP], cut at the model's token limit). One session for the
/// scorer's life; safe to call from several threads.
/// </summary>
public sealed class OnnxTextScorer : IDisposable
{
    private readonly InferenceSession _session;
    private readonly BertTokenizer _tokenizer;
    private readonly string _output;

    /// <summary>Loads the model and vocabulary the manifest names.</summary>
    /// <exception cref="ClassifierException">A file is missing or not what the manifest says.</exception>
    public OnnxTextScorer(TextModelManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        Manifest = manifest;
        string model = Resolve(manifest.Model), vocab = Resolve(manifest.Vocab);
        foreach (string file in new[] { model, vocab })
        {
            if (!File.Exists(file))
                throw new ClassifierException($"{manifest.Name}: {file} does not exist");
        }
        try
        {
            _tokenizer = BertTokenizer.Create(vocab, new BertOptions { LowerCaseBeforeTokenization = manifest.Lowercase });
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or IOException)
        {
            throw new ClassifierException($"{manifest.Name}: {vocab} is not a WordPiece vocabulary: {e.Message}", e);
        }
        using var options = new SessionOptions { IntraOpNumThreads = 1, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        try
        {
            _session = new InferenceSession(model, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ClassifierException($"{manifest.Name}: {model} is not a model ONNX Runtime can load: {e.Message}", e);
        }
        var inputs = _session.InputMetadata;
        foreach (string? name in new[] { manifest.Input, manifest.MaskInput })
        {
            if (name is null)
                continue;
            if (!inputs.TryGetValue(name, out var meta) || meta.ElementDataType != TensorElementType.Int64)
            {
                _session.Dispose();
                throw new ClassifierException($"{manifest.Name}: the model has no int64 input '{name}' (it has {string.Join(", ", inputs.Keys)})");
            }
        }
        _output = manifest.Output ?? _session.OutputMetadata.Keys.First();
        if (!_session.OutputMetadata.ContainsKey(_output))
        {
            _session.Dispose();
            throw new ClassifierException($"{manifest.Name}: the model has no output '{_output}'");
        }

        string Resolve(string file) => Path.IsPathRooted(file) ? file : Path.Combine(manifest.Directory, file);
    }

    /// <summary>The manifest the scorer was made from.</summary>
    public TextModelManifest Manifest { get; }

    /// <summary>The token ids the model is given for <paramref name="text"/>: [CLS], the text's WordPiece tokens (cut to fit), [SEP].</summary>
    public IReadOnlyList<int> Tokens(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return _tokenizer.EncodeToIds(text, Manifest.MaxTokens, addSpecialTokens: true, out _, out _);
    }

    /// <summary>The text's score, 0..1.</summary>
    /// <exception cref="ClassifierException">The model failed to run or gave no single number.</exception>
    public double Score(string text)
    {
        var ids = Tokens(text);
        var values = new long[ids.Count];
        for (int i = 0; i < values.Length; i++)
            values[i] = ids[i];
        long[] shape = [1, values.Length];
        try
        {
            using var input = OrtValue.CreateTensorValueFromMemory(values, shape);
            using var mask = Manifest.MaskInput is null ? null : OrtValue.CreateTensorValueFromMemory(Ones(values.Length), shape);
            var names = new List<string>(2) { Manifest.Input };
            var tensors = new List<OrtValue>(2) { input };
            if (mask is not null)
            {
                names.Add(Manifest.MaskInput!);
                tensors.Add(mask);
            }
            using var runOptions = new RunOptions();
            using var outputs = _session.Run(runOptions, names, tensors, [_output]);
            var output = outputs[0].GetTensorDataAsSpan<float>();
            if (output.Length != 1)
                throw new ClassifierException($"{Manifest.Name}: the model gave {output.Length} values for one text, not 1");
            double raw = output[0];
            double score = Manifest.Activation == "sigmoid" ? 1 / (1 + Math.Exp(-raw)) : raw;
            return double.IsNaN(score) ? 0 : Math.Clamp(score, 0, 1);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ClassifierException($"{Manifest.Name}: the model failed to run: {e.Message}", e);
        }
    }

    private static long[] Ones(int count)
    {
        var ones = new long[count];
        Array.Fill(ones, 1L);
        return ones;
    }

    /// <inheritdoc />
    public void Dispose() => _session.Dispose();
}
