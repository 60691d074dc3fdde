namespace Vigil.Server;

/// <summary>How the service runs.</summary>
public sealed record ServerSettings
{
    /// <summary>Addresses to listen on (default <c>http://127.0.0.1:5100</c>: loopback only).</summary>
    public string Urls { get; init; } = "http://127.0.0.1:5100";

    /// <summary>How often each replica reads the change log.</summary>
    public TimeSpan FollowInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a verified API key is trusted before it is looked up again (revocation takes effect within this).</summary>
    public TimeSpan KeyCacheTime { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Requests per second each API key may make on average (a token bucket; 429 beyond it).</summary>
    public int RequestsPerSecondPerKey { get; init; } = 20_000;

    /// <summary>How many requests a key may make at once above its average rate.</summary>
    public int BurstPerKey { get; init; } = 20_000;
}
