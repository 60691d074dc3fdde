namespace Vigil.Conversations.Tests;

/// <summary>A text model as one more signal: it fires at or past its point, counts like a rule, and is named in the result.</summary>
public sealed class ModelSignalTests
{
    // A stand-in for a licensed model: the share of words that are "zebra" (benign and countable).
    private static double Zebras(string text)
    {
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return words.Length == 0 ? 0 : words.Count(w => w == "zebra") / (double)words.Length;
    }

    private static readonly MessageModelSignal Model = new("text-model:zebras", 0.4, 0.5, Zebras);

    [Fact]
    public void The_model_fires_at_its_point_and_combines_with_the_rules()
    {
        var scorer = new ConversationRiskScorer(null, Model);
        var low = scorer.Add("c", Messages.From("a", "b", "one zebra two three", 0));
        Assert.Empty(low.Signals);
        var fired = scorer.Add("c", Messages.From("a", "b", "zebra zebra hi", 1));
        var signal = Assert.Single(fired.Signals);
        Assert.Equal(("text-model:zebras", 0.4, 1, 1), (signal.Id, signal.Weight, signal.Count, signal.FirstMessage));
        Assert.Equal(0.4, fired.Score, 1e-12);
        Assert.Equal(["text-model:zebras"], Assert.Single(fired.RaisedBy).Signals);
        // With a rule: 1 - (1 - 0.4)(1 - 0.35).
        var both = scorer.Add("c", Messages.From("a", "b", "this is our secret", 2));
        Assert.Equal(1 - (1 - 0.4) * (1 - 0.35), both.Score, 1e-12);
        // A repeat of the model's signal adds the rules' capped bonus, as a rule's repeat does.
        var repeat = scorer.Add("c", Messages.From("a", "b", "zebra", 3));
        double contribution = 1 - Math.Pow(1 - 0.4, 1 + RiskRules.Default.RepeatBonus);
        Assert.Equal(1 - (1 - contribution) * (1 - 0.35), repeat.Score, 1e-12);
    }

    [Fact]
    public void Without_a_model_nothing_changes()
    {
        var plain = new ConversationRiskScorer();
        var withModel = new ConversationRiskScorer(null, Model with { Score = _ => 0 });
        foreach (var (text, i) in new[] { "how old are you", "zebra zebra", "this is our secret", "we should meet" }.Select((t, i) => (t, i)))
        {
            var a = plain.Add("c", Messages.From("a", "b", text, i));
            var b = withModel.Add("c", Messages.From("a", "b", text, i));
            Assert.Equal(a.Score, b.Score);
            Assert.Equal(a.Signals.Select(s => s.Id), b.Signals.Select(s => s.Id));
        }
    }

    [Theory]
    [InlineData(0.0, 0.5)]
    [InlineData(1.0, 0.5)]
    [InlineData(0.3, 1.5)]
    [InlineData(0.3, -0.1)]
    public void Out_of_range_weights_and_points_are_refused(double weight, double firesAt) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConversationRiskScorer(null, Model with { Weight = weight, FiresAt = firesAt }));
}
