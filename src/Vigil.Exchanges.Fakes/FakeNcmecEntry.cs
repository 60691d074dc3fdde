namespace Vigil.Exchanges.Fakes;

/// <summary>One entry a <see cref="FakeNcmec"/> holds: synthetic fingerprints only.</summary>
/// <param name="MemberId">The uploading member's id (entry ids are unique per member).</param>
/// <param name="Id">The entry's id.</param>
/// <param name="Timestamp">When the entry was last changed (added, updated or deleted); what <c>from</c>/<c>to</c> select by.</param>
/// <param name="IsVideo">A video rather than an image.</param>
/// <param name="Deleted">Deleted: answered as <c>deletedImage</c>/<c>deletedVideo</c> without fingerprints.</param>
/// <param name="Classification">NCMEC's class (A1, A2, B1, B2), if any.</param>
/// <param name="Fingerprints">Fingerprint element name (md5, sha1, pdq, pdna, ...) to value, in the order written.</param>
public sealed record FakeNcmecEntry(
    int MemberId,
    string Id,
    DateTimeOffset Timestamp,
    bool IsVideo = false,
    bool Deleted = false,
    string? Classification = null,
    IReadOnlyList<KeyValuePair<string, string>>? Fingerprints = null);
