namespace Vigil.Review.Actions;

/// <summary>
/// One action rule, checked: when an event of <see cref="Trigger"/> (and, for decisions, of
/// <see cref="Verdict"/>) meets every condition, it is sent to <see cref="Webhook"/>. Conditions are
/// compared without regard to case. Labels are those of the banks the event matched (the union over
/// its matches); the classification is the reviewer's when the event has one, else its matches'.
/// </summary>
public sealed class ActionRule
{
    private readonly string[] _mustHave;
    private readonly string[] _mustNotHave;
    private readonly string[]? _classifications;
    private readonly string[]? _sources;

    /// <summary>Makes a checked rule (<see cref="ActionRuleSet.Parse"/> makes them from a file).</summary>
    public ActionRule(string name, ActionTrigger trigger, string? verdict, IReadOnlyList<string>? mustHaveLabels, IReadOnlyList<string>? mustNotHaveLabels,
        IReadOnlyList<string>? classifications, IReadOnlyList<string>? sources, WebhookTarget webhook)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(webhook);
        Name = name;
        Trigger = trigger;
        Verdict = verdict;
        _mustHave = [.. mustHaveLabels ?? []];
        _mustNotHave = [.. mustNotHaveLabels ?? []];
        _classifications = classifications is { Count: > 0 } ? [.. classifications] : null;
        _sources = sources is { Count: > 0 } ? [.. sources] : null;
        Webhook = webhook;
    }

    /// <summary>The rule's name (unique in its file; deliveries record it).</summary>
    public string Name { get; }

    /// <summary>What the rule acts on.</summary>
    public ActionTrigger Trigger { get; }

    /// <summary>For decisions: only this verdict (null: any).</summary>
    public string? Verdict { get; }

    /// <summary>Labels that must all be present.</summary>
    public IReadOnlyList<string> MustHaveLabels => _mustHave;

    /// <summary>Labels none of which may be present.</summary>
    public IReadOnlyList<string> MustNotHaveLabels => _mustNotHave;

    /// <summary>Classifications one of which must be the event's (null: any).</summary>
    public IReadOnlyList<string>? Classifications => _classifications;

    /// <summary>Sources one of which must be the event's (null: any).</summary>
    public IReadOnlyList<string>? Sources => _sources;

    /// <summary>Where matching events are sent.</summary>
    public WebhookTarget Webhook { get; }

    /// <summary>Whether the rule wants the event. Allocates nothing.</summary>
    public bool Applies(ActionEvent actionEvent)
    {
        ArgumentNullException.ThrowIfNull(actionEvent);
        if (actionEvent.Trigger != Trigger)
            return false;
        if (Verdict is not null && !Same(Verdict, actionEvent.Verdict))
            return false;
        if (_sources is not null && !Contains(_sources, actionEvent.Source))
            return false;
        var matches = actionEvent.Matches;
        foreach (string label in _mustHave)
        {
            if (!AnyMatchHas(matches, label))
                return false;
        }
        foreach (string label in _mustNotHave)
        {
            if (AnyMatchHas(matches, label))
                return false;
        }
        if (_classifications is not null)
        {
            if (actionEvent.Classification is { } reviewers)
                return Contains(_classifications, reviewers);
            for (int i = 0; i < matches.Count; i++)
            {
                if (matches[i].Classification is { } classification && Contains(_classifications, classification))
                    return true;
            }
            return false;
        }
        return true;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} (when {ActionRuleSet.TriggerName(Trigger)}{(Verdict is null ? "" : " " + Verdict)}, to {Webhook.Url})";

    private static bool AnyMatchHas(IReadOnlyList<ActionMatch> matches, string label)
    {
        for (int i = 0; i < matches.Count; i++)
        {
            var labels = matches[i].Labels;
            for (int j = 0; j < labels.Count; j++)
            {
                if (Same(labels[j], label))
                    return true;
            }
        }
        return false;
    }

    private static bool Contains(string[] values, string? value)
    {
        foreach (string candidate in values)
        {
            if (Same(candidate, value))
                return true;
        }
        return false;
    }

    private static bool Same(string a, string? b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// A webhook: the URL and the HMAC secret, read from the file or variable the rule names. The secret
/// is never printed: <see cref="ToString"/> shows the URL and where the secret came from.
/// </summary>
public sealed class WebhookTarget
{
    private readonly byte[] _secret;

    /// <summary>Makes a target.</summary>
    /// <param name="url">An absolute http or https URL.</param>
    /// <param name="secret">The HMAC key.</param>
    /// <param name="secretSource">Where the secret came from, for messages (e.g. <c>file /etc/vigil/hook.secret</c>).</param>
    public WebhookTarget(Uri url, ReadOnlySpan<byte> secret, string secretSource)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (secret.IsEmpty)
            throw new ArgumentException("the webhook secret is empty", nameof(secret));
        Url = url;
        _secret = secret.ToArray();
        SecretSource = secretSource;
    }

    /// <summary>Where events are posted.</summary>
    public Uri Url { get; }

    /// <summary>Where the secret came from (a file or a variable's name), never the secret.</summary>
    public string SecretSource { get; }

    /// <summary>The HMAC key.</summary>
    internal ReadOnlySpan<byte> Secret => _secret;

    /// <summary>The signature header's value for a body sent at <paramref name="unixSeconds"/>.</summary>
    public string Sign(long unixSeconds, ReadOnlySpan<byte> body) => WebhookSignature.Sign(_secret, unixSeconds, body);

    /// <inheritdoc/>
    public override string ToString() => $"{Url} (secret from {SecretSource})";
}
