namespace Vigil.Conversations;

/// <summary>
/// Scores a labelled corpus (conversation JSON Lines with <c>"label": "grooming"|"benign"</c>) and measures the rules on
/// it, split into the part the rules were tuned on and the part held out (by conversation id, see <see cref="IsTunePart"/>).
/// </summary>
internal static class CorpusEvaluator
{
    public const string GroomingLabel = "grooming";
    public const string BenignLabel = "benign";

    /// <summary>The shipped corpus was tuned on c001-c030; c031 and after are held out.</summary>
    public static bool IsTunePart(string conversation) => string.CompareOrdinal(conversation, "c030") <= 0;

    public static IReadOnlyList<ParsedLine> ReadCorpus(string path)
    {
        using var reader = File.OpenText(path);
        var lines = new List<ParsedLine>();
        foreach (var line in ConversationLineReader.Read(reader))
        {
            if (line.Label is not (GroomingLabel or BenignLabel))
                throw new ConversationLineException(line.LineNumber, $"label must be {GroomingLabel} or {BenignLabel}, not '{line.Label}'");
            lines.Add(line);
        }
        return lines;
    }

    /// <summary>Every conversation's final risk, in order of first appearance.</summary>
    public static IReadOnlyList<LabelledResult> Score(IReadOnlyList<ParsedLine> corpus, RiskRules rules, MessageModelSignal? model = null)
    {
        var scorer = new ConversationRiskScorer(rules, model);
        var order = new List<(string Id, bool IsGrooming)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in corpus)
        {
            scorer.Add(line.Conversation, line.Message, line.SenderFacts, line.RecipientFacts);
            if (seen.Add(line.Conversation))
                order.Add((line.Conversation, line.Label == GroomingLabel));
        }
        var results = new List<LabelledResult>(order.Count);
        foreach (var (id, isGrooming) in order)
            results.Add(new LabelledResult(id, isGrooming, scorer.Current(id)!));
        return results;
    }

    public static (PartEvaluation Tune, PartEvaluation HeldOut) Evaluate(IReadOnlyList<ParsedLine> corpus, RiskRules rules, MessageModelSignal? model = null)
    {
        var results = Score(corpus, rules, model);
        return (Part("tune", results.Where(r => IsTunePart(r.Conversation)).ToList(), rules, model),
            Part("held-out", results.Where(r => !IsTunePart(r.Conversation)).ToList(), rules, model));
    }

    public static PartEvaluation Part(string name, IReadOnlyList<LabelledResult> results, RiskRules rules, MessageModelSignal? model = null)
    {
        int grooming = results.Count(r => r.IsGrooming);
        int truePositives = results.Count(r => r.IsGrooming && r.Risk.PastThreshold);
        int falsePositives = results.Count(r => !r.IsGrooming && r.Risk.PastThreshold);
        var ids = rules.Rules.Select(r => r.Id).ToList();
        if (rules.AgeGap is { } gap)
            ids.Add(gap.Id);
        if (model is not null)
            ids.Add(model.Id);
        var perRule = ids.Select(id => new RuleEvaluation(id,
            results.Count(r => r.IsGrooming && r.Risk.Signals.Any(s => s.Id == id)),
            results.Count(r => !r.IsGrooming && r.Risk.Signals.Any(s => s.Id == id)),
            grooming)).ToList();
        return new PartEvaluation(name, grooming, results.Count - grooming, truePositives, falsePositives, perRule);
    }
}
