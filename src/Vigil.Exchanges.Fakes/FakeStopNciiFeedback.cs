namespace Vigil.Exchanges.Fakes;

/// <summary>One piece of feedback <see cref="FakeStopNcii"/> received through <c>SubmitFeedback</c>.</summary>
/// <param name="HashValue">The hash the feedback is on.</param>
/// <param name="FeedbackValue">E.g. <c>Blocked</c> or <c>NotBlocked</c>.</param>
/// <param name="Tags">The feedback's tags.</param>
public sealed record FakeStopNciiFeedback(string HashValue, string FeedbackValue, IReadOnlyList<string> Tags);
