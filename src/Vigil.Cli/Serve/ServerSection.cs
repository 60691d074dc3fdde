using System.Text.Json.Serialization;

namespace Vigil.Cli.Serve;

/// <summary>The <c>server</c> section: the serve options of the same names.</summary>
internal sealed record ServerSection
{
    /// <summary>Addresses to listen on (<c>--urls</c>, <c>$VIGIL_URLS</c>).</summary>
    [JsonPropertyName("urls")]
    public string? Urls { get; init; }

    /// <summary>Largest media file in MiB (<c>--max-upload-mb</c>, <c>$VIGIL_MAX_UPLOAD_MB</c>).</summary>
    [JsonPropertyName("max_upload_mb")]
    public int? MaxUploadMb { get; init; }

    /// <summary>Longest time hashing one video may take, in seconds (<c>--video-timeout</c>, <c>$VIGIL_VIDEO_TIMEOUT</c>).</summary>
    [JsonPropertyName("video_timeout_seconds")]
    public int? VideoTimeoutSeconds { get; init; }

    /// <summary>URL prefixes <c>GET /h/hash?url=</c> may fetch (<c>--allow-hash-url</c>, <c>$VIGIL_ALLOW_HASH_URL</c> comma-separated).</summary>
    [JsonPropertyName("allow_hash_url")]
    public string[]? AllowHashUrl { get; init; }

    /// <summary>The published private-matching list's directory (<c>--psi</c>, <c>$VIGIL_PSI</c>).</summary>
    [JsonPropertyName("psi")]
    public string? Psi { get; init; }

    /// <summary>Whose PDQ the media endpoints compute: reference or pytx (<c>--compat</c>, <c>$VIGIL_COMPAT</c>).</summary>
    [JsonPropertyName("compat")]
    public string? Compat { get; init; }
}
