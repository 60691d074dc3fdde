using Vigil.Classifiers.Manifests;
using Vigil.Classifiers.Onnx;
using Vigil.Classifiers.Text;
using Vigil.Testing;

namespace Vigil.Classifiers.Tests;

/// <summary>
/// The ONNX text model runtime with a model the test writes: each token has a weight (only "secret" weighs 1) and the
/// score is their mean over [CLS] text [SEP], so every expected score is a count the test makes by hand.
/// </summary>
public sealed class TextScorerTests : IDisposable
{
    private static readonly string[] Vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "keep", "it", "secret", "ok", "hi", "##s"];
    private readonly TempDirectory _dir = new("vigil-text-model-");

    public void Dispose() => _dir.Dispose();

    private string Write(string extra = "", int maxTokens = 128)
    {
        var weights = new float[Vocab.Length];
        weights[Array.IndexOf(Vocab, "secret")] = 1;
        File.WriteAllBytes(_dir.File("text.onnx"), SyntheticModels.TokenWeights(weights));
        File.WriteAllLines(_dir.File("vocab.txt"), Vocab);
        string manifest = _dir.File("text.json");
        File.WriteAllText(manifest, $$"""
            { "name": "secret-words", "version": "1", "model": "text.onnx", "vocab": "vocab.txt", "output": "score", "max_tokens": {{maxTokens}} {{extra}} }
            """);
        return manifest;
    }

    [Theory]
    [InlineData("keep it secret", 1.0 / 5)]            // [CLS] keep it secret [SEP]
    [InlineData("Keep it SECRET ok", 1.0 / 6)]         // lower-cased first
    [InlineData("keep it secrets", 1.0 / 6)]           // secret ##s
    [InlineData("hi", 0.0)]
    [InlineData("secret secret secret", 3.0 / 5)]
    [InlineData("unknown words only", 0.0)]            // [UNK]s
    public void A_messages_score_is_the_models_on_its_word_pieces(string text, double expected)
    {
        using var scorer = new OnnxTextScorer(TextModelManifest.Read(Write()));
        Assert.Equal(expected, scorer.Score(text), 5);
        Assert.Equal(2, scorer.Tokens(text)[0]); // [CLS]
        Assert.Equal(3, scorer.Tokens(text)[^1]); // [SEP]
    }

    [Fact]
    public void Long_text_is_cut_to_the_models_token_limit()
    {
        using var scorer = new OnnxTextScorer(TextModelManifest.Read(Write(maxTokens: 4)));
        // [CLS] keep it [SEP]: the secret falls beyond the limit.
        Assert.Equal(4, scorer.Tokens("keep it secret secret").Count);
        Assert.Equal(0.0, scorer.Score("keep it secret secret"), 5);
        Assert.Equal(0.5, scorer.Score("secret secret hi hi"), 5);
    }

    [Fact]
    public void Sigmoid_and_threads()
    {
        using var scorer = new OnnxTextScorer(TextModelManifest.Read(Write(", \"activation\": \"sigmoid\"")));
        Parallel.For(0, 32, i => Assert.Equal(1 / (1 + Math.Exp(-0.2)), scorer.Score("keep it secret"), 5));
    }

    [Theory]
    [InlineData(", \"max_tokens\": 2", "max_tokens: 3 to 4096")]
    [InlineData(", \"activation\": \"softmax\"", "activation: 'softmax'")]
    [InlineData(", \"colour\": 1", "not a valid text model manifest")]
    public void Bad_manifests_name_the_field(string extra, string expected)
    {
        string path = _dir.File("bad.json");
        File.WriteAllText(path, $$"""{ "name": "n", "version": "1", "model": "text.onnx", "vocab": "vocab.txt" {{extra}} }""");
        Assert.Contains(expected, Assert.Throws<ClassifierManifestException>(() => TextModelManifest.Read(path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_files_and_wrong_inputs_are_clear_errors()
    {
        string manifest = Write(", \"mask_input\": \"attention_mask\"");
        Assert.Contains("no int64 input 'attention_mask' (it has input_ids)", Assert.Throws<ClassifierException>(() => new OnnxTextScorer(TextModelManifest.Read(manifest))).Message,
            StringComparison.Ordinal);
        Assert.Contains("gone.txt does not exist", Assert.Throws<ClassifierException>(() => new OnnxTextScorer(TextModelManifest.Read(Write()) with { Vocab = "gone.txt" })).Message,
            StringComparison.Ordinal);
    }
}
