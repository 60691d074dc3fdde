namespace Vigil.Exchanges.Fakes;

/// <summary>One hash <see cref="FakeStopNcii"/> received through <c>SubmitHashes</c>.</summary>
/// <param name="SignalType"><c>ImagePDQ</c> or <c>VideoMD5</c>.</param>
/// <param name="HashValue">The hash.</param>
/// <param name="FeedbackValue">The platform's feedback on it (e.g. <c>Blocked</c>).</param>
/// <param name="LastModTimestamp">The record's modification time as submitted (Unix seconds).</param>
public sealed record FakeStopNciiSubmission(string SignalType, string HashValue, string FeedbackValue, long LastModTimestamp);
