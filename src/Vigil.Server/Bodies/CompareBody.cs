using System.Text.Json.Serialization;
using Vigil.Hashing.Signals;

namespace Vigil.Server;

/// <summary>The body of <c>POST /m/compare</c>: per signal type, the two hashes to compare, <c>{"pdq": ["HEX A", "HEX B"]}</c>.</summary>
internal sealed record CompareBody
{
    /// <summary>Two PDQ hashes.</summary>
    [JsonPropertyName("pdq")]
    public string?[]? Pdq { get; init; }

    /// <summary>Two MD5s.</summary>
    [JsonPropertyName("md5")]
    public string?[]? Md5 { get; init; }

    /// <summary>Two SHA-1s.</summary>
    [JsonPropertyName("sha1")]
    public string?[]? Sha1 { get; init; }

    /// <summary>Two SHA-256s.</summary>
    [JsonPropertyName("sha256")]
    public string?[]? Sha256 { get; init; }

    /// <summary>Two vPDQs.</summary>
    [JsonPropertyName("vpdq")]
    public string?[]? Vpdq { get; init; }

    /// <summary>Two video MD5s.</summary>
    [JsonPropertyName("video_md5")]
    public string?[]? VideoMd5 { get; init; }

    /// <summary>The pairs given, with their types, in <see cref="SignalType.Known"/> order.</summary>
    public IEnumerable<(SignalType Type, string?[] Values)> Given()
    {
        (SignalType, string?[]?)[] all = [(SignalType.Pdq, Pdq), (SignalType.Md5, Md5), (SignalType.Sha1, Sha1), (SignalType.Sha256, Sha256),
            (SignalType.Vpdq, Vpdq), (SignalType.VideoMd5, VideoMd5)];
        foreach (var (type, values) in all)
        {
            if (values is not null)
                yield return (type, values);
        }
    }
}
