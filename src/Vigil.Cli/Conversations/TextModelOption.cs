using System.CommandLine;
using Vigil.Classifiers;
using Vigil.Classifiers.Manifests;
using Vigil.Classifiers.Text;
using Vigil.Conversations;

namespace Vigil.Cli.Conversations;

/// <summary><c>--text-model MANIFEST</c> of <c>vigil text score</c>, <c>vigil bench text</c> and <c>vigil serve</c>: a licensed ONNX text model as one more conversation signal.</summary>
internal static class TextModelOption
{
    public static Option<string?> Create() => new("--text-model")
    {
        Description = "A licensed ONNX text model's manifest (docs/conversations.md): its score of each message is one more signal, with the manifest's signal_weight, firing at fires_at",
        HelpName = "MANIFEST",
    };

    /// <summary>The model and the signal it makes, or (null, null) when no manifest is given; an error is written and <paramref name="failed"/> set when it does not load.</summary>
    public static (OnnxTextScorer? Scorer, MessageModelSignal? Signal) Load(string? manifestPath, TextWriter error, out bool failed)
    {
        failed = false;
        if (manifestPath is null)
            return (null, null);
        try
        {
            var scorer = new OnnxTextScorer(TextModelManifest.Read(manifestPath));
            var m = scorer.Manifest;
            return (scorer, new MessageModelSignal("text-model:" + m.Name, m.SignalWeight, m.FiresAt, scorer.Score));
        }
        catch (Exception e) when (e is ClassifierManifestException or ClassifierException)
        {
            error.WriteLine($"error: --text-model: {e.Message}");
            failed = true;
            return (null, null);
        }
    }
}
