namespace Vigil.Review.Actions;

/// <summary>
/// Where review and matching hand their events to the action rules. An implementation must not
/// deliver inline: it records the event durably (an outbox) or drops it when no rule wants it, and
/// returns; delivery happens elsewhere.
/// </summary>
public interface IActionSink
{
    /// <summary>Records an event for the rules that match it.</summary>
    ValueTask RaiseAsync(ActionEvent actionEvent, CancellationToken cancellationToken = default);
}

/// <summary>The sink when no action rules are configured: every event is dropped.</summary>
public sealed class NoActions : IActionSink
{
    /// <summary>The one instance.</summary>
    public static readonly NoActions Instance = new();

    /// <inheritdoc/>
    public ValueTask RaiseAsync(ActionEvent actionEvent, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
}
