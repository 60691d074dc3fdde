using System.Text.Json;

namespace Vigil.Conversations;

/// <summary>
/// A versioned rule file an operator can edit (JSON; docs/conversations.md describes every field, and
/// docs/conversation-rules.json is the default, also built in as <see cref="Default"/>). Immutable once loaded.
/// </summary>
public sealed class RiskRules
{
    private const string DefaultResource = "Vigil.Conversations.default-rules.json";
    private static readonly Lazy<RiskRules> s_default = new(LoadDefault);

    /// <summary>Rules made in code; throws <see cref="RiskRulesException"/> naming what is out of range.</summary>
    public RiskRules(string version, double threshold, IReadOnlyList<RiskRule> rules, AgeGapRule? ageGap = null, double repeatBonus = 0.5, int maxRepeats = 2)
    {
        if (string.IsNullOrWhiteSpace(version))
            throw new RiskRulesException("version is required");
        if (!(threshold is > 0 and <= 1))
            throw new RiskRulesException($"threshold must be more than 0 and at most 1, not {threshold}");
        if (!(repeatBonus is >= 0 and <= 1))
            throw new RiskRulesException($"repeat_bonus must be 0..1, not {repeatBonus}");
        if (maxRepeats is < 0 or > 100)
            throw new RiskRulesException($"max_repeats must be 0..100, not {maxRepeats}");
        if (ageGap is not null)
        {
            if (!(ageGap.Weight is >= 0 and <= 1))
                throw new RiskRulesException($"age_gap.weight must be 0..1, not {ageGap.Weight}");
            if (ageGap.MinYears is < 1 or > 100)
                throw new RiskRulesException($"age_gap.min_years must be 1..100, not {ageGap.MinYears}");
        }
        var ids = new HashSet<string>(StringComparer.Ordinal);
        if (ageGap is not null)
            ids.Add(ageGap.Id);
        foreach (var rule in rules)
        {
            if (!ids.Add(rule.Id))
                throw new RiskRulesException($"rule '{rule.Id}': the id is used twice");
        }
        Version = version;
        Threshold = threshold;
        Rules = [.. rules];
        AgeGap = ageGap;
        RepeatBonus = repeatBonus;
        MaxRepeats = maxRepeats;
    }

    /// <summary>The rules built in: docs/conversation-rules.json.</summary>
    public static RiskRules Default => s_default.Value;

    /// <summary>The operator's version string for this rule set, reported with every score so a decision can be traced to its rules.</summary>
    public string Version { get; }

    /// <summary>A conversation whose score reaches this (0..1] is routed to human review.</summary>
    public double Threshold { get; }

    /// <summary>The text rules, in file order.</summary>
    public IReadOnlyList<RiskRule> Rules { get; }

    /// <summary>The age-gap rule, if the file has one.</summary>
    public AgeGapRule? AgeGap { get; }

    /// <summary>How much each repeat of a signal adds, as a fraction of one more occurrence (see <see cref="ConversationRiskScorer"/>).</summary>
    public double RepeatBonus { get; }

    /// <summary>The most repeats of one signal that count.</summary>
    public int MaxRepeats { get; }

    /// <summary>The same rules with another threshold (e.g. a platform's stricter review line); throws <see cref="RiskRulesException"/> if out of range.</summary>
    public RiskRules WithThreshold(double threshold) => new(Version, threshold, Rules, AgeGap, RepeatBonus, MaxRepeats);

    /// <summary>Reads a rule file; throws <see cref="RiskRulesException"/> naming the file and the field.</summary>
    public static RiskRules Load(string path)
    {
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RiskRulesException($"rule file {path}: {e.Message}", e);
        }
        return Parse(json, path);
    }

    /// <summary>Parses rule-file JSON; <paramref name="source"/> names it in errors.</summary>
    public static RiskRules Parse(string json, string source = "rule file")
    {
        RiskRulesFile? file;
        try
        {
            file = JsonSerializer.Deserialize(json, RiskRulesJson.Default.RiskRulesFile);
        }
        catch (JsonException e)
        {
            string where = e.Path is { Length: > 0 } path ? $" at {path}" : "";
            throw new RiskRulesException($"{source}: not a valid rule file{where}: {FirstLine(e.Message)}", e);
        }
        if (file is null)
            throw new RiskRulesException($"{source}: not a valid rule file (null)");
        try
        {
            return FromFile(file);
        }
        catch (RiskRulesException e)
        {
            throw new RiskRulesException($"{source}: {e.Message}", e.InnerException);
        }
    }

    private static RiskRules FromFile(RiskRulesFile file)
    {
        string version = file.Version ?? throw new RiskRulesException("version is required");
        double threshold = file.Threshold ?? throw new RiskRulesException("threshold is required");
        if (file.Rules is null)
            throw new RiskRulesException("rules is required (a list of rules)");
        var rules = new List<RiskRule>(file.Rules.Count);
        for (int i = 0; i < file.Rules.Count; i++)
        {
            var rule = file.Rules[i] ?? throw new RiskRulesException($"rules[{i}] is null");
            string id = rule.Id ?? throw new RiskRulesException($"rules[{i}].id is required");
            double weight = rule.Weight ?? throw new RiskRulesException($"rule '{id}': weight is required");
            if (rule.Patterns is null)
                throw new RiskRulesException($"rule '{id}': patterns is required");
            var patterns = new List<string>(rule.Patterns.Count);
            for (int p = 0; p < rule.Patterns.Count; p++)
                patterns.Add(rule.Patterns[p] ?? throw new RiskRulesException($"rule '{id}': patterns[{p}] is null"));
            rules.Add(new RiskRule(id, rule.Description ?? "", weight, patterns, ParseDirection(id, rule.Direction)));
        }
        AgeGapRule? ageGap = null;
        if (file.AgeGap is { } gap)
        {
            ageGap = new AgeGapRule(gap.Id ?? "age-gap", gap.Description ?? "",
                gap.Weight ?? throw new RiskRulesException("age_gap.weight is required"),
                gap.MinYears ?? throw new RiskRulesException("age_gap.min_years is required"));
        }
        return new RiskRules(version, threshold, rules, ageGap, file.RepeatBonus ?? 0.5, file.MaxRepeats ?? 2);
    }

    private static RuleDirection ParseDirection(string id, string? direction) => direction switch
    {
        null or "any" => RuleDirection.Any,
        "from_adult" => RuleDirection.FromAdult,
        "to_minor" => RuleDirection.ToMinor,
        "adult_to_minor" => RuleDirection.AdultToMinor,
        _ => throw new RiskRulesException($"rule '{id}': direction must be any, from_adult, to_minor or adult_to_minor, not '{direction}'"),
    };

    private static string FirstLine(string message)
    {
        int end = message.IndexOf('\n');
        return end < 0 ? message : message[..end].TrimEnd();
    }

    private static RiskRules LoadDefault()
    {
        using var stream = typeof(RiskRules).Assembly.GetManifestResourceStream(DefaultResource)
            ?? throw new InvalidOperationException($"the built-in rules ({DefaultResource}) are missing from the assembly");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd(), "built-in rules");
    }
}
