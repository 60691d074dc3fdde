using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Vigil.Media;

namespace Vigil.Review.Actions;

/// <summary>A rules file that cannot be used; the message names the file, the rule and the field.</summary>
public sealed class ActionRulesException(string message) : Exception(message);

/// <summary>
/// The action rules loaded from a file (docs/actions.md), indexed by trigger so that an event no
/// rule is about costs one array read. Every webhook URL must be under the operator's allow-list;
/// secrets come from files or environment variables the rules name, never from the file itself.
/// </summary>
public sealed partial class ActionRuleSet
{
    // Every source an item or event has: so a rule can be about any of them (a decision on a conversation's item, say).
    private static readonly string[] KnownSources = ["api", "scan", "psi", "watch", "classifier", Cases.ConversationCases.Source, "lookup"];
    private static readonly string[] KnownVerdicts = ["confirmed", "not_abuse", "escalate", "skip", "report", "no_report"];
    private static readonly string[] KnownClassifications = ["A1", "A2", "B1", "B2"];
    private const int MinimumSecretBytes = 16;

    private readonly ActionRule[][] _byTrigger;
    private readonly bool[] _classifies;
    private readonly Dictionary<string, ActionRule> _byName;

    /// <summary>A rule set of the given rules (names must be unique).</summary>
    public ActionRuleSet(IReadOnlyList<ActionRule> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        Rules = rules;
        _byName = new Dictionary<string, ActionRule>(StringComparer.Ordinal);
        foreach (var rule in rules)
        {
            if (!_byName.TryAdd(rule.Name, rule))
                throw new ArgumentException($"two rules are named '{rule.Name}'", nameof(rules));
        }
        var triggers = Enum.GetValues<ActionTrigger>();
        _byTrigger = new ActionRule[triggers.Max(t => (int)t) + 1][];
        _classifies = new bool[_byTrigger.Length];
        foreach (var trigger in triggers)
        {
            _byTrigger[(int)trigger] = [.. rules.Where(r => r.Trigger == trigger)];
            _classifies[(int)trigger] = _byTrigger[(int)trigger].Any(r => r.Classifications is not null);
        }
    }

    /// <summary>Whether a rule about <paramref name="trigger"/> has a classification condition (so matches need their entries' classification).</summary>
    public bool UsesClassification(ActionTrigger trigger) => (uint)trigger < (uint)_classifies.Length && _classifies[(int)trigger];

    /// <summary>No rules.</summary>
    public static ActionRuleSet Empty { get; } = new([]);

    /// <summary>Every rule, in the file's order.</summary>
    public IReadOnlyList<ActionRule> Rules { get; }

    /// <summary>True when there are no rules.</summary>
    public bool IsEmpty => Rules.Count == 0;

    /// <summary>The rules about <paramref name="trigger"/>, in the file's order (empty when none).</summary>
    public ReadOnlySpan<ActionRule> For(ActionTrigger trigger) =>
        (uint)trigger < (uint)_byTrigger.Length ? _byTrigger[(int)trigger] : [];

    /// <summary>The rule of that name, or null.</summary>
    public ActionRule? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>Loads and checks a rules file; relative <c>secret_file</c> paths are beside it.</summary>
    /// <param name="path">The rules file.</param>
    /// <param name="allowList">The URL prefixes webhooks may be sent to.</param>
    /// <param name="environment">Reads environment variables (default: the process's).</param>
    /// <exception cref="ActionRulesException">The file cannot be read or is not a valid rules file.</exception>
    public static ActionRuleSet Load(string path, UrlPrefixAllowList allowList, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (string.IsNullOrWhiteSpace(path))
            throw new ActionRulesException("actions file: the path is empty (name the rules file, or leave the option out for no actions)");
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ActionRulesException($"actions file {path}: {e.Message}");
        }
        return Parse(bytes, Path.GetDirectoryName(Path.GetFullPath(path))!, allowList, environment, $"actions file {path}");
    }

    /// <summary>Checks rules given as JSON.</summary>
    /// <param name="json">The file's bytes (UTF-8).</param>
    /// <param name="baseDirectory">Where relative <c>secret_file</c> paths start.</param>
    /// <param name="allowList">The URL prefixes webhooks may be sent to.</param>
    /// <param name="environment">Reads environment variables (default: the process's).</param>
    /// <param name="what">What the rules are, for messages (e.g. <c>actions file rules.json</c>).</param>
    /// <exception cref="ActionRulesException">Not a valid rules file.</exception>
    public static ActionRuleSet Parse(ReadOnlySpan<byte> json, string baseDirectory, UrlPrefixAllowList allowList,
        Func<string, string?>? environment = null, string what = "actions file")
    {
        ArgumentNullException.ThrowIfNull(allowList);
        environment ??= Environment.GetEnvironmentVariable;
        if (json.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
            json = json[3..];
        ActionRulesFile? file;
        try
        {
            file = JsonSerializer.Deserialize(json, ActionRulesJsonContext.Default.ActionRulesFile);
        }
        catch (JsonException e)
        {
            throw new ActionRulesException($"{what}: {Describe(e)}");
        }
        if (file?.Rules is null)
            throw new ActionRulesException($"{what}: the file must hold a JSON object with a list of rules: {{\"rules\": [...]}}");
        var rules = new List<ActionRule>(file.Rules.Count);
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < file.Rules.Count; i++)
        {
            var rule = file.Rules[i] ?? throw new ActionRulesException($"{what}: rules[{i}] is null; give a rule object");
            string where = rule.Name is { Length: > 0 } n ? $"{what}: rule '{n}'" : $"{what}: rules[{i}]";
            rules.Add(Check(rule, where, names, baseDirectory, allowList, environment));
        }
        return new ActionRuleSet(rules);
    }

    /// <summary>The name a trigger has in the rules file.</summary>
    public static string TriggerName(ActionTrigger trigger) => trigger switch
    {
        ActionTrigger.Match => "match",
        ActionTrigger.Decision => "decision",
        ActionTrigger.ReportFiled => "report_filed",
        ActionTrigger.ReportFailed => "report_failed",
        _ => trigger.ToString(),
    };

    private static ActionRule Check(ActionRuleJson rule, string where, HashSet<string> names, string baseDirectory, UrlPrefixAllowList allowList,
        Func<string, string?> environment)
    {
        if (rule.Name is not { Length: > 0 } name)
            throw new ActionRulesException($"{where}: name is required");
        if (!RuleName().IsMatch(name))
            throw new ActionRulesException($"{where}: name may have only letters, digits, '.', '_' and '-' (1-100 of them)");
        if (!names.Add(name))
            throw new ActionRulesException($"{where}: another rule has the same name");
        ActionTrigger trigger = rule.When switch
        {
            "match" => ActionTrigger.Match,
            "decision" => ActionTrigger.Decision,
            "report_filed" => ActionTrigger.ReportFiled,
            "report_failed" => ActionTrigger.ReportFailed,
            null => throw new ActionRulesException($"{where}: when is required (match, decision, report_filed or report_failed)"),
            _ => throw new ActionRulesException($"{where}: when must be match, decision, report_filed or report_failed, not '{rule.When}'"),
        };
        if (rule.Verdict is { } verdict)
        {
            if (trigger != ActionTrigger.Decision)
                throw new ActionRulesException($"{where}: verdict is for 'when: decision' rules only");
            if (!KnownVerdicts.Contains(verdict, StringComparer.OrdinalIgnoreCase))
                throw new ActionRulesException($"{where}: verdict must be one of {string.Join(", ", KnownVerdicts)}, not '{verdict}'");
        }
        var conditions = rule.If ?? new ActionConditionsJson();
        var mustHave = Strings(conditions.MustHaveLabels, $"{where}: if.must_have_labels", null);
        var mustNot = Strings(conditions.MustNotHaveLabels, $"{where}: if.must_not_have_labels", null);
        if (mustHave.Intersect(mustNot, StringComparer.OrdinalIgnoreCase).FirstOrDefault() is { } both)
            throw new ActionRulesException($"{where}: label '{both}' is both required and excluded: the rule could never apply");
        var classifications = Strings(conditions.Classification, $"{where}: if.classification", KnownClassifications);
        var sources = Strings(conditions.Source, $"{where}: if.source", KnownSources);
        var webhook = rule.Then?.Webhook ?? throw new ActionRulesException($"{where}: then.webhook is required (url and secret_file or secret_env)");
        return new ActionRule(name, trigger, rule.Verdict?.ToLowerInvariant(), mustHave, mustNot,
            conditions.Classification is null ? null : classifications, conditions.Source is null ? null : sources,
            Target(webhook, $"{where}: then.webhook", baseDirectory, allowList, environment));
    }

    private static List<string> Strings(List<string?>? values, string where, string[]? known)
    {
        var result = new List<string>();
        if (values is null)
            return result;
        if (values.Count == 0 && known is not null)
            throw new ActionRulesException($"{where} is empty: leave it out to allow any, or list {string.Join(", ", known)}");
        foreach (string? value in values)
        {
            if (string.IsNullOrWhiteSpace(value))
                throw new ActionRulesException($"{where} has an empty entry");
            if (known is not null && !known.Contains(value, StringComparer.OrdinalIgnoreCase))
                throw new ActionRulesException($"{where}: '{value}' is not one of {string.Join(", ", known)}");
            result.Add(value);
        }
        return result;
    }

    private static WebhookTarget Target(WebhookJson webhook, string where, string baseDirectory, UrlPrefixAllowList allowList,
        Func<string, string?> environment)
    {
        if (webhook.Url is not { Length: > 0 } text)
            throw new ActionRulesException($"{where}: url is required");
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url))
            throw new ActionRulesException($"{where}: url '{text}' is not an absolute URL");
        if (!allowList.IsAllowed(url, out string? why))
        {
            throw new ActionRulesException(allowList.IsEmpty
                ? $"{where}: url {text} is refused: no webhook URL is allowed; the operator allows prefixes with --allow-webhook-url (or actions.allow_webhook_url in the serve config)"
                : $"{where}: url {text} is refused by the webhook allow-list: {why}");
        }
        byte[] secret;
        string source;
        switch (webhook.SecretFile, webhook.SecretEnv)
        {
            case (null, null):
                throw new ActionRulesException($"{where}: give secret_file (a file holding the HMAC secret) or secret_env (an environment variable's name)");
            case (not null, not null):
                throw new ActionRulesException($"{where}: give secret_file or secret_env, not both");
            case ({ } file, null):
                string path = Path.GetFullPath(file, baseDirectory);
                try
                {
                    secret = Encoding.UTF8.GetBytes(File.ReadAllText(path).Trim());
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new ActionRulesException($"{where}: secret_file {path}: {e.Message}");
                }
                source = $"file {path}";
                break;
            case (null, { } variable):
                if (!VariableName().IsMatch(variable))
                    throw new ActionRulesException($"{where}: secret_env must name an environment variable (letters, digits, '_'), not hold the secret");
                secret = Encoding.UTF8.GetBytes(environment(variable)?.Trim() ?? "");
                if (secret.Length == 0)
                    throw new ActionRulesException($"{where}: secret_env: the environment variable {variable} is not set");
                source = $"${variable}";
                break;
        }
        if (secret.Length < MinimumSecretBytes)
            throw new ActionRulesException($"{where}: the secret from {source} is {secret.Length} bytes; use at least {MinimumSecretBytes} (e.g. openssl rand -hex 32)");
        return new WebhookTarget(url, secret, source);
    }

    /// <summary>A JSON error as the file's author reads it: which field, and what is wrong.</summary>
    private static string Describe(JsonException e)
    {
        string path = e.Path is null or "$" ? "" : e.Path.StartsWith("$.", StringComparison.Ordinal) ? e.Path[2..] : e.Path.TrimStart('$');
        var unknown = UnknownProperty().Match(e.Message);
        if (unknown.Success)
        {
            string field = unknown.Groups[1].Value;
            string full = path.Length == 0 ? field : path.EndsWith(field, StringComparison.Ordinal) ? path : $"{path}.{field}";
            if (field is "secret")
                return $"unknown field '{full}': a secret is never written in the rules file; put it in a file (secret_file) or an environment variable (secret_env)";
            return $"unknown field '{full}' (known: {KnownFields(unknown.Groups[2].Value)})";
        }
        if (e.Message.Contains("could not be converted", StringComparison.Ordinal) && path.Length > 0)
            return $"{path} has a value of the wrong type";
        return path.Length == 0 ? $"not valid JSON: {e.Message}" : $"{path}: not valid JSON ({e.Message})";
    }

    private static string KnownFields(string typeName) => typeName switch
    {
        var t when t.EndsWith(nameof(ActionRulesFile), StringComparison.Ordinal) => "rules",
        var t when t.EndsWith(nameof(ActionRuleJson), StringComparison.Ordinal) => "name, when, verdict, if, then",
        var t when t.EndsWith(nameof(ActionConditionsJson), StringComparison.Ordinal) => "must_have_labels, must_not_have_labels, classification, source",
        var t when t.EndsWith(nameof(ActionThenJson), StringComparison.Ordinal) => "webhook",
        var t when t.EndsWith(nameof(WebhookJson), StringComparison.Ordinal) => "url, secret_file, secret_env",
        _ => "see docs/actions.md",
    };

    [GeneratedRegex(@"^[A-Za-z0-9._-]{1,100}$")]
    private static partial Regex RuleName();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex VariableName();

    [GeneratedRegex(@"property '([^']*)' could not be mapped to any \.NET member contained in type '([^']*)'")]
    private static partial Regex UnknownProperty();
}
