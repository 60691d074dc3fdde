using System.Text.Json.Serialization;

namespace Vigil.Server;

/// <summary>
/// The <c>context</c> part of <c>POST /v1/cases</c> (or its whole JSON body when no media is sent):
/// whose media it is and what the platform knows of it, for the reviewer and the report.
/// </summary>
internal sealed record CaseContextBody
{
    /// <summary>The platform's user id (required): items of one subject share its open case.</summary>
    [JsonPropertyName("subject")]
    public string? Subject { get; init; }

    /// <summary>The uploader's screen name.</summary>
    [JsonPropertyName("screen_name")]
    public string? ScreenName { get; init; }

    /// <summary>The uploader's email address.</summary>
    [JsonPropertyName("email")]
    public string? Email { get; init; }

    /// <summary>The file's original name.</summary>
    [JsonPropertyName("file_name")]
    public string? FileName { get; init; }

    /// <summary>When it was uploaded (ISO 8601 with an offset).</summary>
    [JsonPropertyName("uploaded_at")]
    public DateTimeOffset? UploadedAt { get; init; }

    /// <summary>The uploader's IP address.</summary>
    [JsonPropertyName("ip")]
    public string? Ip { get; init; }

    /// <summary>The uploader's source port.</summary>
    [JsonPropertyName("port")]
    public int? Port { get; init; }

    /// <summary>Where it was seen (a URL or a location).</summary>
    [JsonPropertyName("url")]
    public string? Url { get; init; }

    /// <summary>Where it was shared, for the report's internet details: <c>web_page</c>, <c>email</c>, <c>newsgroup</c>, <c>chat</c>,
    /// <c>online_gaming</c>, <c>cell_phone</c>, <c>non_internet</c> or <c>peer_to_peer</c>; left out, an http(s) <c>url</c> makes it a web page.</summary>
    [JsonPropertyName("incident_kind")]
    public string? IncidentKind { get; init; }

    /// <summary>Whether it was publicly visible on the platform (the report's <c>publiclyAvailable</c>); left out when unknown.</summary>
    [JsonPropertyName("publicly_available")]
    public bool? PubliclyAvailable { get; init; }

    /// <summary>Why review it even when nothing matches (<c>user_report</c>, <c>classifier</c>, ...).</summary>
    [JsonPropertyName("reason")]
    public string? Reason { get; init; }

    /// <summary>Its signals when no media is sent, type name to value (<c>{"pdq": "HEX", "md5": "HEX"}</c>).</summary>
    [JsonPropertyName("signals")]
    public Dictionary<string, string>? Signals { get; init; }

    /// <summary>What the item records of the platform's context (an <see cref="IncidentKind"/> it does not know is left out: <see cref="IncidentKindProblem"/> says so first).</summary>
    public Vigil.Storage.ItemContext ToContext() => new()
    {
        ScreenName = ScreenName,
        Email = Email,
        FileName = FileName,
        UploadedAt = UploadedAt,
        Ip = Ip,
        Port = Port,
        Url = Url,
        IncidentKind = Vigil.Storage.CaseNames.TryParseIncidentKind(IncidentKind, out var kind) ? kind : null,
        PubliclyAvailable = PubliclyAvailable,
    };

    /// <summary>Why <see cref="IncidentKind"/> is not a kind, or null when it is one or is left out.</summary>
    public string? IncidentKindProblem() => IncidentKind is null || Vigil.Storage.CaseNames.TryParseIncidentKind(IncidentKind, out _)
        ? null
        : $"context.incident_kind '{IncidentKind}' is not one of {Vigil.Storage.CaseNames.IncidentKindNames}";
}

/// <summary>The body of <c>POST /v1/cases/ID/items/ITEM/decision</c>.</summary>
internal sealed record ItemDecisionBody
{
    /// <summary><c>confirmed</c>, <c>not_abuse</c>, <c>escalate</c> or <c>skip</c>.</summary>
    [JsonPropertyName("verdict")]
    public string? Verdict { get; init; }

    /// <summary>For <c>confirmed</c>: A1, A2, B1 or B2.</summary>
    [JsonPropertyName("classification")]
    public string? Classification { get; init; }
}

/// <summary>The body of <c>POST /v1/cases/ID/decision</c>.</summary>
internal sealed record CaseDecisionBody
{
    /// <summary><c>report</c>, <c>no_report</c> or <c>escalate</c>.</summary>
    [JsonPropertyName("verdict")]
    public string? Verdict { get; init; }
}
