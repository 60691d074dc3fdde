namespace Vigil.Conversations.Tests;

/// <summary>
/// The default rules on the shipped synthetic corpus: the figures docs/conversations.md reports, within a tolerance.
/// Synthetic conversations written by us: these check the rules do what we say, not how they do on real conversations.
/// </summary>
public sealed class CorpusTests
{
    private static readonly IReadOnlyList<ParsedLine> Corpus = CorpusEvaluator.ReadCorpus(Messages.Corpus);

    [Fact]
    public void The_corpus_is_60_labelled_conversations_of_5_to_9_messages_half_each()
    {
        // docs/conversations.md and docs/classifiers.md: 5-9 messages each, 381 in all.
        var conversations = Corpus.GroupBy(l => l.Conversation).ToList();
        Assert.Equal(60, conversations.Count);
        Assert.Equal(381, Corpus.Count);
        Assert.Equal((5, 9), (conversations.Min(c => c.Count()), conversations.Max(c => c.Count())));
        Assert.Equal(30, conversations.Count(c => c.First().Label == CorpusEvaluator.GroomingLabel));
        Assert.Equal(30, conversations.Count(c => CorpusEvaluator.IsTunePart(c.Key)));
    }

    [Fact]
    public void The_default_rules_give_the_reported_figures()
    {
        var (tune, heldOut) = CorpusEvaluator.Evaluate(Corpus, RiskRules.Default);
        // docs/conversations.md: tune 15/15 flagged, no benign; held out 11/15, no benign.
        Assert.Equal((15, 15), (tune.Grooming, tune.Benign));
        Assert.True(tune.Recall >= 0.93, $"tune recall {tune.Recall}");
        Assert.True(tune.Precision >= 0.93, $"tune precision {tune.Precision}");
        Assert.True(heldOut.Recall >= 0.70, $"held-out recall {heldOut.Recall}");
        Assert.True(heldOut.Precision >= 0.90, $"held-out precision {heldOut.Precision}");
    }

    [Fact]
    public void The_tricky_benign_conversations_fire_a_signal_yet_stay_below_the_threshold()
    {
        var results = CorpusEvaluator.Score(Corpus, RiskRules.Default);
        var benign = results.Where(r => !r.IsGrooming).ToList();
        // Surprise parties, "add me on discord for the raid", a parent rep asking which school site: some benign
        // conversations share words with the rules, so precision is measured on more than small talk.
        Assert.True(benign.Count(r => r.Risk.Signals.Count > 0) >= 10, string.Join(", ", benign.Where(r => r.Risk.Signals.Count > 0).Select(r => r.Conversation)));
        Assert.All(benign, r => Assert.False(r.Risk.PastThreshold, $"{r.Conversation}: {r.Risk.Score}"));
    }
}
