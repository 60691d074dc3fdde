using System.Text.Json.Serialization;
using Vigil.Media;
using Vigil.Review.Actions;

namespace Vigil.Cli.Serve;

/// <summary>The <c>actions</c> section: action rules and where their webhooks may go (docs/actions.md).</summary>
internal sealed record ActionsSection
{
    /// <summary>The rules file (<c>--actions</c>, <c>$VIGIL_ACTIONS</c>); null: actions off.</summary>
    [JsonPropertyName("rules")]
    public string? Rules { get; init; }

    /// <summary>URL prefixes webhooks may be sent to (<c>--allow-webhook-url</c>, <c>$VIGIL_ALLOW_WEBHOOK_URL</c> comma-separated).</summary>
    [JsonPropertyName("allow_webhook_url")]
    public string[]? AllowWebhookUrl { get; init; }

    /// <summary>
    /// Loads and checks the rules file under the allow-list (<c>vigil serve</c> and the CLI commands that act alike); null when
    /// no rules file is named.
    /// </summary>
    /// <exception cref="ArgumentException">An allow-list prefix is not a valid prefix.</exception>
    /// <exception cref="ActionRulesException">The rules file cannot be read, is not valid, or names a webhook outside the allow-list.</exception>
    public (ActionRuleSet Rules, UrlPrefixAllowList AllowList)? LoadRules(Func<string, string?>? environment = null)
    {
        if (Rules is null)
            return null;
        var allowList = UrlPrefixAllowList.Parse(AllowWebhookUrl ?? [], "webhook URL allow-list");
        return (ActionRuleSet.Load(Rules, allowList, environment), allowList);
    }
}
