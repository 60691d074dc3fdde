using System.Text.Json;

namespace Vigil.Exchanges.Clients.StopNcii;

/// <summary>
/// The keys StopNCII issues to a platform: an API-gateway subscription key sent with every call
/// (<c>Ocp-Apim-Subscription-Key</c>) and a function key per endpoint (<c>x-functions-key</c>):
/// the one for <c>FetchHashes</c>, and optionally separate ones for <c>SubmitFeedback</c> and <c>SubmitHashes</c>
/// (when StopNCII issued none, those calls carry the fetch key). <see cref="ToString"/> never shows them.
/// </summary>
public sealed class StopNciiCredentials
{
    /// <summary>The credentials file's key for <see cref="SubscriptionKey"/>.</summary>
    public const string SubscriptionKeyName = "subscription_key";

    /// <summary>The credentials file's key for <see cref="FetchFunctionKey"/>.</summary>
    public const string FetchFunctionKeyName = "fetch_function_key";

    /// <summary>The credentials file's (optional) key for <see cref="FeedbackFunctionKey"/>.</summary>
    public const string FeedbackFunctionKeyName = "feedback_function_key";

    /// <summary>The credentials file's (optional) key for <see cref="SubmitFunctionKey"/>.</summary>
    public const string SubmitFunctionKeyName = "submit_function_key";

    /// <summary>The environment variable <see cref="FromEnvironment"/> reads <see cref="SubscriptionKey"/> from.</summary>
    public const string SubscriptionKeyVariable = "VIGIL_STOPNCII_SUBSCRIPTION_KEY";

    /// <summary>The environment variable <see cref="FromEnvironment"/> reads <see cref="FetchFunctionKey"/> from.</summary>
    public const string FetchFunctionKeyVariable = "VIGIL_STOPNCII_FETCH_FUNCTION_KEY";

    /// <summary>The (optional) environment variable <see cref="FromEnvironment"/> reads <see cref="FeedbackFunctionKey"/> from.</summary>
    public const string FeedbackFunctionKeyVariable = "VIGIL_STOPNCII_FEEDBACK_FUNCTION_KEY";

    /// <summary>The (optional) environment variable <see cref="FromEnvironment"/> reads <see cref="SubmitFunctionKey"/> from.</summary>
    public const string SubmitFunctionKeyVariable = "VIGIL_STOPNCII_SUBMIT_FUNCTION_KEY";

    /// <summary>Credentials from the keys themselves; none may be empty.</summary>
    public StopNciiCredentials(string subscriptionKey, string fetchFunctionKey, string? feedbackFunctionKey = null, string? submitFunctionKey = null)
    {
        SubmitFunctionKey = submitFunctionKey is null ? null : Require(submitFunctionKey, SubmitFunctionKeyName);
        SubscriptionKey = Require(subscriptionKey, SubscriptionKeyName);
        FetchFunctionKey = Require(fetchFunctionKey, FetchFunctionKeyName);
        FeedbackFunctionKey = feedbackFunctionKey is null ? null : Require(feedbackFunctionKey, FeedbackFunctionKeyName);
    }

    /// <summary>The subscription key, sent as <c>Ocp-Apim-Subscription-Key</c> on every call.</summary>
    public string SubscriptionKey { get; }

    /// <summary>The <c>FetchHashes</c> function key, sent as <c>x-functions-key</c>.</summary>
    public string FetchFunctionKey { get; }

    /// <summary>The <c>SubmitFeedback</c> function key, when StopNCII issued one of its own.</summary>
    public string? FeedbackFunctionKey { get; }

    /// <summary>The <c>SubmitHashes</c> function key, when StopNCII issued one of its own.</summary>
    public string? SubmitFunctionKey { get; }

    /// <summary>The function key a <c>SubmitFeedback</c> call carries: its own, else the fetch key.</summary>
    internal string FeedbackKey => FeedbackFunctionKey ?? FetchFunctionKey;

    /// <summary>The function key a <c>SubmitHashes</c> call carries: its own, else the fetch key.</summary>
    internal string SubmitKey => SubmitFunctionKey ?? FetchFunctionKey;

    /// <summary>
    /// Reads a JSON object with the string members <c>subscription_key</c> and <c>fetch_function_key</c>
    /// (and, if StopNCII issued them, <c>feedback_function_key</c> and <c>submit_function_key</c>); any other member is refused, so a typo
    /// is not silently ignored. Errors name the file and the member, never a value.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not such an object.</exception>
    public static StopNciiCredentials FromFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes = File.ReadAllBytes(path);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes);
        }
        catch (JsonException)
        {
            // The parser's message can quote the file's text, which is a secret.
            throw new InvalidDataException($"StopNCII credentials file {path} is not valid JSON");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"StopNCII credentials file {path} must hold a JSON object with {SubscriptionKeyName} and {FetchFunctionKeyName}");
            string? subscription = null, fetch = null, feedback = null, submit = null;
            foreach (var member in root.EnumerateObject())
            {
                if (member.Name is not (SubscriptionKeyName or FetchFunctionKeyName or FeedbackFunctionKeyName or SubmitFunctionKeyName))
                    throw new InvalidDataException($"StopNCII credentials file {path} has an unknown member '{Shorten(member.Name)}' " +
                        $"(known: {SubscriptionKeyName}, {FetchFunctionKeyName}, {FeedbackFunctionKeyName}, {SubmitFunctionKeyName})");
                if (member.Value.ValueKind != JsonValueKind.String || member.Value.GetString() is not { Length: > 0 } value)
                    throw new InvalidDataException($"StopNCII credentials file {path}: {member.Name} must be a non-empty string");
                if (member.Name == SubscriptionKeyName)
                    subscription = value;
                else if (member.Name == FetchFunctionKeyName)
                    fetch = value;
                else if (member.Name == FeedbackFunctionKeyName)
                    feedback = value;
                else
                    submit = value;
            }
            if (subscription is null || fetch is null)
                throw new InvalidDataException(
                    $"StopNCII credentials file {path} lacks {(subscription is null ? SubscriptionKeyName : FetchFunctionKeyName)}");
            return new StopNciiCredentials(subscription, fetch, feedback, submit);
        }
    }

    /// <summary>
    /// Reads <see cref="SubscriptionKeyVariable"/>, <see cref="FetchFunctionKeyVariable"/> and, if set,
    /// <see cref="FeedbackFunctionKeyVariable"/> and <see cref="SubmitFunctionKeyVariable"/> through <paramref name="getVariable"/> (default: the process environment).
    /// </summary>
    /// <exception cref="InvalidOperationException">A required variable is unset or empty.</exception>
    public static StopNciiCredentials FromEnvironment(Func<string, string?>? getVariable = null)
    {
        getVariable ??= Environment.GetEnvironmentVariable;
        string? subscription = getVariable(SubscriptionKeyVariable);
        string? fetch = getVariable(FetchFunctionKeyVariable);
        string? feedback = getVariable(FeedbackFunctionKeyVariable);
        string? submit = getVariable(SubmitFunctionKeyVariable);
        var missing = new List<string>();
        if (string.IsNullOrEmpty(subscription))
            missing.Add(SubscriptionKeyVariable);
        if (string.IsNullOrEmpty(fetch))
            missing.Add(FetchFunctionKeyVariable);
        if (missing.Count > 0)
            throw new InvalidOperationException($"StopNCII credentials: set {string.Join(" and ", missing)}");
        return new StopNciiCredentials(subscription!, fetch!, string.IsNullOrEmpty(feedback) ? null : feedback, string.IsNullOrEmpty(submit) ? null : submit);
    }

    /// <summary>Which keys are present, never their values.</summary>
    public override string ToString() =>
        $"StopNciiCredentials {{ {SubscriptionKeyName} = ***, {FetchFunctionKeyName} = ***, {FeedbackFunctionKeyName} = {(FeedbackFunctionKey is null ? "(fetch key)" : "***")}, " +
        $"{SubmitFunctionKeyName} = {(SubmitFunctionKey is null ? "(fetch key)" : "***")} }}";

    private static string Require(string value, string name)
    {
        ArgumentNullException.ThrowIfNull(value, name);
        if (value.Length == 0 || value.Any(char.IsControl))
            throw new ArgumentException($"StopNCII {name} must be non-empty, without control characters", name);
        return value;
    }

    private static string Shorten(string name) => name.Length <= 40 ? name : name[..40] + "...";
}
