using System.Text.Json.Serialization;
using Vigil.Hashing.Signals;

namespace Vigil.Server;

/// <summary>The body of <c>POST /c/bank/NAME/signal</c>: one value per signal type, <c>{"pdq": "HEX"}</c>.</summary>
internal sealed record SignalsBody
{
    /// <summary>A PDQ hash.</summary>
    [JsonPropertyName("pdq")]
    public string? Pdq { get; init; }

    /// <summary>A file's MD5.</summary>
    [JsonPropertyName("md5")]
    public string? Md5 { get; init; }

    /// <summary>A file's SHA-1.</summary>
    [JsonPropertyName("sha1")]
    public string? Sha1 { get; init; }

    /// <summary>A file's SHA-256.</summary>
    [JsonPropertyName("sha256")]
    public string? Sha256 { get; init; }

    /// <summary>A video's vPDQ, in its text form.</summary>
    [JsonPropertyName("vpdq")]
    public string? Vpdq { get; init; }

    /// <summary>A video file's MD5.</summary>
    [JsonPropertyName("video_md5")]
    public string? VideoMd5 { get; init; }

    /// <summary>The values given, with their types, in <see cref="SignalType.Known"/> order.</summary>
    public IEnumerable<(SignalType Type, string Value)> Given()
    {
        (SignalType, string?)[] all = [(SignalType.Pdq, Pdq), (SignalType.Md5, Md5), (SignalType.Sha1, Sha1), (SignalType.Sha256, Sha256),
            (SignalType.Vpdq, Vpdq), (SignalType.VideoMd5, VideoMd5)];
        foreach (var (type, value) in all)
        {
            if (value is not null)
                yield return (type, value);
        }
    }
}
