namespace Vigil.Conversations;

/// <summary>
/// A text model as one more signal: its score of each message's text, and at or past <see cref="FiresAt"/> the signal
/// <see cref="Id"/> fires with <see cref="Weight"/>, counted like a rule (repeats add the rules' capped bonus). A model
/// is one indicator among the rules, never the whole score: a platform's licensed model plugs in here.
/// </summary>
/// <param name="Id">The signal's name in results (e.g. <c>text-model:vendor-grooming</c>).</param>
/// <param name="Weight">The signal's weight, more than 0 and less than 1.</param>
/// <param name="FiresAt">The message score at which it fires, 0..1.</param>
/// <param name="Score">The model: a message's text to a 0..1 score. Called under the conversation's lock, once per message.</param>
public sealed record MessageModelSignal(string Id, double Weight, double FiresAt, Func<string, double> Score)
{
    /// <summary>Throws when the weight or firing point is out of range.</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Id);
        ArgumentNullException.ThrowIfNull(Score);
        if (!(Weight > 0 && Weight < 1))
            throw new ArgumentOutOfRangeException(nameof(Weight), Weight, "a model signal's weight is more than 0 and less than 1");
        if (!(FiresAt >= 0 && FiresAt <= 1))
            throw new ArgumentOutOfRangeException(nameof(FiresAt), FiresAt, "a model signal fires at a score of 0 to 1");
    }
}
