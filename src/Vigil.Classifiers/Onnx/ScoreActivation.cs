namespace Vigil.Classifiers.Onnx;

/// <summary>What turns a model's raw outputs into 0..1 scores: nothing (clamped), a sigmoid per output, or a softmax over them.</summary>
internal sealed class ScoreActivation
{
    private readonly string _kind;

    private ScoreActivation(string kind) => _kind = kind;

    public static ScoreActivation Parse(string kind) => kind is "none" or "sigmoid" or "softmax"
        ? new ScoreActivation(kind)
        : throw new ArgumentException($"unknown activation '{kind}'", nameof(kind));

    public void Apply(ReadOnlySpan<float> raw, Span<double> scores)
    {
        switch (_kind)
        {
            case "sigmoid":
                for (int i = 0; i < raw.Length; i++)
                    scores[i] = 1 / (1 + Math.Exp(-raw[i]));
                break;
            case "softmax":
                double max = double.NegativeInfinity, sum = 0;
                for (int i = 0; i < raw.Length; i++)
                    max = Math.Max(max, raw[i]);
                for (int i = 0; i < raw.Length; i++)
                    sum += scores[i] = Math.Exp(raw[i] - max);
                for (int i = 0; i < raw.Length; i++)
                    scores[i] /= sum;
                break;
            default:
                // A NaN from a broken model is no score at all: 0, never a reason to look and never a crash.
                for (int i = 0; i < raw.Length; i++)
                    scores[i] = float.IsNaN(raw[i]) ? 0 : Math.Clamp(raw[i], 0, 1);
                break;
        }
    }
}
