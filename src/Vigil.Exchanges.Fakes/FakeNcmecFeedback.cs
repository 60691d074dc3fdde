namespace Vigil.Exchanges.Fakes;

/// <summary>Entry feedback a <see cref="FakeNcmec"/> received.</summary>
/// <param name="MemberId">The member id in the request's path.</param>
/// <param name="EntryId">The entry id in the request's path.</param>
/// <param name="FingerprintType">MD5, SHA1, PDQ, ... from the path.</param>
/// <param name="Affirmative">True for affirmative feedback, false for negative.</param>
/// <param name="ReasonIds">The negative feedback's reason guids.</param>
public sealed record FakeNcmecFeedback(int MemberId, string EntryId, string FingerprintType, bool Affirmative, IReadOnlyList<string> ReasonIds);
