namespace Vigil.Exchanges.Fakes;

/// <summary>One hash as <see cref="FakeStopNcii"/> holds it (synthetic values only).</summary>
/// <param name="SignalType">StopNCII's type name: <c>ImagePDQ</c>, <c>VideoMD5</c>, <c>VideoTMK</c>, <c>Text</c>, <c>URL</c>, <c>Unknown</c>.</param>
/// <param name="HashValue">The hash value, as StopNCII sends it.</param>
/// <param name="HashStatus"><c>Received</c>, <c>Active</c>, <c>Withdrawn</c> or <c>Deleted</c>.</param>
/// <param name="LastModTimestamp">Unix seconds of its last change: FetchHashes returns it from a <c>startTimestamp</c> at or before this.</param>
/// <param name="CaseNumbers">Case id to case status.</param>
public sealed record FakeStopNciiRecord(
    string SignalType,
    string HashValue,
    string HashStatus,
    long LastModTimestamp,
    IReadOnlyDictionary<string, string> CaseNumbers)
{
    /// <summary>True when the hash is withdrawn or deleted (a client must drop it).</summary>
    public bool IsGone => HashStatus is "Withdrawn" or "Deleted";
}
