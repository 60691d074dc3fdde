using System.Text.RegularExpressions;

namespace Vigil.Conversations;

/// <summary>
/// One grooming indicator: a message whose text matches any of its patterns (case-insensitive) raises the signal
/// <see cref="Id"/> with <see cref="Weight"/>, if the message's direction fits <see cref="Direction"/>.
/// </summary>
public sealed class RiskRule
{
    /// <summary>Longest a single match may run; the patterns are linear-time (non-backtracking), so this is a backstop only.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(200);

    private const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking;

    private readonly Regex _anyPattern;

    /// <summary>A rule; throws <see cref="RiskRulesException"/> naming <paramref name="id"/> for a bad weight or pattern.</summary>
    public RiskRule(string id, string description, double weight, IReadOnlyList<string> patterns, RuleDirection direction = RuleDirection.Any)
    {
        if (string.IsNullOrWhiteSpace(id))
            throw new RiskRulesException("a rule needs an id");
        if (!(weight is >= 0 and <= 1))
            throw new RiskRulesException($"rule '{id}': weight must be 0..1, not {weight}");
        if (patterns.Count == 0)
            throw new RiskRulesException($"rule '{id}': patterns must list at least one regular expression");
        for (int i = 0; i < patterns.Count; i++)
        {
            if (string.IsNullOrEmpty(patterns[i]))
                throw new RiskRulesException($"rule '{id}': patterns[{i}] is empty");
            try
            {
                _ = new Regex(patterns[i], Options, MatchTimeout);
            }
            catch (Exception e) when (e is ArgumentException or NotSupportedException)
            {
                throw new RiskRulesException($"rule '{id}': patterns[{i}] is not a usable regular expression ({e.Message})", e);
            }
        }
        Id = id;
        Description = description;
        Weight = weight;
        Patterns = [.. patterns];
        Direction = direction;
        // One alternation, so a message is scanned once per rule however many patterns it has.
        _anyPattern = new Regex(string.Join('|', Patterns.Select(p => $"(?:{p})")), Options, MatchTimeout);
    }

    /// <summary>The signal's name, as reported (e.g. <c>secrecy</c>).</summary>
    public string Id { get; }

    /// <summary>What the rule looks for, for reviewers and operators.</summary>
    public string Description { get; }

    /// <summary>How much one occurrence raises the risk, 0..1 (see <see cref="ConversationRiskScorer"/> for how weights combine).</summary>
    public double Weight { get; }

    /// <summary>The regular expressions (.NET syntax, matched case-insensitively, without look-arounds or back-references).</summary>
    public IReadOnlyList<string> Patterns { get; }

    /// <summary>Which messages the rule looks at.</summary>
    public RuleDirection Direction { get; }

    /// <summary>Whether the rule fires on <paramref name="text"/> sent between these parties. Allocates nothing.</summary>
    internal bool Fires(string text, PartyFacts sender, PartyFacts recipient)
    {
        if (Direction is RuleDirection.FromAdult or RuleDirection.AdultToMinor && sender.IsDeclaredMinor)
            return false;
        if (Direction is RuleDirection.ToMinor or RuleDirection.AdultToMinor && recipient.IsDeclaredAdult)
            return false;
        try
        {
            return _anyPattern.IsMatch(text);
        }
        catch (RegexMatchTimeoutException)
        {
            // Cannot happen with linear-time matching on any sane message; a pathological one simply does not count.
            return false;
        }
    }
}
