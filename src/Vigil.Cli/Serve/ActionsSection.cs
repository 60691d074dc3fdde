using System.Text.Json.Serialization;

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
}
