using System.Diagnostics;
using System.Globalization;
using Vigil.Conversations;

namespace Vigil.Cli.Benchmarks;

/// <summary>
/// <c>vigil bench text</c>: the conversation-risk rules on a labelled corpus (default: the shipped synthetic one), per rule
/// and at the threshold, for the part the rules were tuned on and the part held out; then messages per second on one
/// thread, scoring the whole corpus again and again for at least two seconds. Prints Markdown.
/// </summary>
internal static class TextBenchmark
{
    public static string DefaultCorpus => Path.Combine(AppContext.BaseDirectory, "samples", "conversations", "synthetic-corpus.jsonl");

    private static readonly TimeSpan MinimumTiming = TimeSpan.FromSeconds(2);

    public static int Run(string corpusPath, RiskRules rules, TextWriter output, TextWriter error, MessageModelSignal? model = null)
    {
        IReadOnlyList<ParsedLine> corpus;
        try
        {
            corpus = CorpusEvaluator.ReadCorpus(corpusPath);
        }
        catch (ConversationLineException e)
        {
            error.WriteLine($"error: {corpusPath} {e.Message}");
            return ExitCodes.Failure;
        }
        catch (IOException e)
        {
            error.WriteLine($"error: {corpusPath}: {e.Message}");
            return ExitCodes.Failure;
        }
        var (tune, heldOut) = CorpusEvaluator.Evaluate(corpus, rules, model);
        var inv = CultureInfo.InvariantCulture;
        output.WriteLine($"# Conversation-risk rules on {Path.GetFileName(corpusPath)}");
        output.WriteLine();
        output.WriteLine(string.Create(inv, $"Rules {rules.Version}, threshold {rules.Threshold:F2}; {corpus.Count:N0} messages. Tune part: {tune.Grooming} grooming + {tune.Benign} benign conversations; held out: {heldOut.Grooming} + {heldOut.Benign}."));
        output.WriteLine();
        output.WriteLine("## At the threshold");
        output.WriteLine();
        output.WriteLine("| part | conversations | flagged grooming | flagged benign | missed grooming | precision | recall | F1 |");
        output.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var part in new[] { tune, heldOut })
        {
            output.WriteLine(string.Create(inv,
                $"| {part.Part} | {part.Grooming + part.Benign} | {part.TruePositives} | {part.FalsePositives} | {part.FalseNegatives} | {Figure(part.Precision)} | {Figure(part.Recall)} | {Figure(part.F1)} |"));
        }
        output.WriteLine();
        output.WriteLine("## Per rule (fired anywhere in a conversation, against the grooming label)");
        output.WriteLine();
        output.WriteLine("| rule | weight | tune: fired in (grooming/benign) | tune precision | tune recall | held out: fired in | held-out precision | held-out recall |");
        output.WriteLine("|---|---|---|---|---|---|---|---|");
        for (int i = 0; i < tune.Rules.Count; i++)
        {
            var t = tune.Rules[i];
            var h = heldOut.Rules[i];
            output.WriteLine(string.Create(inv,
                $"| {t.Id} | {(t.Id == model?.Id ? model.Weight : Weight(rules, t.Id)):F2} | {t.FiredIn} ({t.FiredInGrooming}/{t.FiredInBenign}) | {Figure(t.Precision)} | {Figure(t.Recall)} | {h.FiredIn} ({h.FiredInGrooming}/{h.FiredInBenign}) | {Figure(h.Precision)} | {Figure(h.Recall)} |"));
        }
        output.WriteLine();
        var (messages, elapsed, allocated) = Throughput(corpus, rules, model);
        output.WriteLine("## Throughput (one thread)");
        output.WriteLine();
        output.WriteLine("| messages scored | seconds | messages/s | bytes allocated per message |");
        output.WriteLine("|---|---|---|---|");
        output.WriteLine(string.Create(inv, $"| {messages:N0} | {elapsed.TotalSeconds:F2} | {messages / elapsed.TotalSeconds:N0} | {allocated / (double)messages:F0} |"));
        output.WriteLine();
        output.WriteLine("The corpus is synthetic, written by Vigil's authors from published indicators: these figures check the rules against it, they do not measure real-world performance.");
        return ExitCodes.Success;
    }

    /// <summary>Scores the corpus repeatedly, each pass with fresh conversation state, until at least two seconds have passed.</summary>
    internal static (long Messages, TimeSpan Elapsed, long AllocatedBytes) Throughput(IReadOnlyList<ParsedLine> corpus, RiskRules rules, MessageModelSignal? model = null)
    {
        ScoreOnce(corpus, rules, model); // warm-up: the regexes build their automata lazily
        long messages = 0;
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < MinimumTiming)
        {
            ScoreOnce(corpus, rules, model);
            messages += corpus.Count;
        }
        clock.Stop();
        return (messages, clock.Elapsed, GC.GetAllocatedBytesForCurrentThread() - allocatedBefore);
    }

    private static void ScoreOnce(IReadOnlyList<ParsedLine> corpus, RiskRules rules, MessageModelSignal? model)
    {
        var scorer = new ConversationRiskScorer(rules, model);
        for (int i = 0; i < corpus.Count; i++)
        {
            var line = corpus[i];
            scorer.Add(line.Conversation, line.Message, line.SenderFacts, line.RecipientFacts);
        }
    }

    private static double Weight(RiskRules rules, string id)
    {
        foreach (var rule in rules.Rules)
        {
            if (rule.Id == id)
                return rule.Weight;
        }
        return rules.AgeGap?.Weight ?? double.NaN;
    }

    private static string Figure(double value) => double.IsNaN(value) ? "-" : value.ToString("F2", CultureInfo.InvariantCulture);
}
