using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Vigil.Media;
using Vigil.Review.Actions;
using Vigil.Storage;

namespace Vigil.Cli.Commands;

/// <summary>
/// The action rules of one CLI command (<see cref="ActionOptions"/>): its review service raises events into
/// <see cref="Sink"/>, which writes the deliveries a rule wants to the store's outbox, exactly as the server does; the
/// command then sends what is due (<see cref="FinishAsync"/>; <c>vigil watch</c> sends as it runs) and says how its own
/// deliveries stand. A delivery that fails stays in the outbox with its next attempt, for <c>vigil serve</c> with the same
/// rules (or the next command with them) to send: the command's exit code never waits on the platform's webhook.
/// </summary>
internal sealed class CliActions : IAsyncDisposable
{
    /// <summary>No rules: events are dropped where they are raised.</summary>
    public static readonly CliActions Off = new();

    private readonly RecordingOutbox? _outbox;
    private readonly WebhookDispatcher? _dispatcher;
    private bool _background;

    private CliActions() => Sink = NoActions.Instance;

    /// <summary>Rules are on: events go to <paramref name="store"/>'s outbox and are sent from here.</summary>
    public CliActions(ActionRuleSet rules, UrlPrefixAllowList allowList, IVigilStore store)
    {
        _outbox = new RecordingOutbox(store);
        Sink = new OutboxActionSink(rules, _outbox, TimeProvider.System);
        _dispatcher = new WebhookDispatcher(rules, allowList, store, TimeProvider.System, NullLogger<WebhookDispatcher>.Instance);
    }

    /// <summary>Where the command's review service raises its events.</summary>
    public IActionSink Sink { get; }

    /// <summary>Sends deliveries in the background while the command runs (for commands that run until stopped).</summary>
    public async Task StartSendingAsync(CancellationToken cancellationToken)
    {
        if (_dispatcher is null || _background)
            return;
        await _dispatcher.StartAsync(cancellationToken);
        _background = true;
    }

    /// <summary>
    /// Stops the background sender, sends what is due now (passes until none is due, for at most
    /// <see cref="SendingLimit"/>: a webhook that hangs cannot hold the command), and returns one line on this command's
    /// deliveries; null when actions are off. With <paramref name="sendDue"/> false (the command was stopped) nothing
    /// more is sent here: what is left waits in the outbox.
    /// </summary>
    public async Task<string?> FinishAsync(CancellationToken cancellationToken, bool sendDue = true)
    {
        if (_dispatcher is null || _outbox is null)
            return null;
        if (_background)
        {
            await _dispatcher.StopAsync(CancellationToken.None);
            _background = false;
        }
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (sendDue && clock.Elapsed < SendingLimit && await _dispatcher.RunOnceAsync(cancellationToken) > 0)
        {
        }
        return await SummaryAsync(_outbox, cancellationToken);
    }

    /// <summary>How long <see cref="FinishAsync"/> goes on sending before it leaves the rest to the outbox.</summary>
    public static readonly TimeSpan SendingLimit = TimeSpan.FromSeconds(60);

    private static async Task<string> SummaryAsync(RecordingOutbox outbox, CancellationToken cancellationToken)
    {
        var added = outbox.Added;
        if (added.Count == 0)
            return "actions: no rule applied to these events; no webhook sent";
        int delivered = 0, pending = 0, dead = 0;
        string? lastError = null;
        foreach (long id in added)
        {
            var delivery = await outbox.GetActionDeliveryAsync(id, cancellationToken);
            switch (delivery?.Status)
            {
                case ActionDeliveryStatus.Delivered:
                    delivered++;
                    break;
                case ActionDeliveryStatus.Dead:
                    dead++;
                    lastError = delivery.LastError;
                    break;
                default:
                    pending++;
                    lastError = delivery?.LastError ?? lastError;
                    break;
            }
        }
        string text = string.Create(CultureInfo.InvariantCulture, $"actions: {delivered} of {added.Count} webhook(s) delivered");
        if (pending > 0)
            text += string.Create(CultureInfo.InvariantCulture, $"; {pending} waiting in the outbox for 'vigil serve --actions' (or the next run) to send again");
        if (dead > 0)
            text += string.Create(CultureInfo.InvariantCulture, $"; {dead} dead ('vigil actions retry ID')");
        if (lastError is not null)
            text += $"; last error: {lastError}";
        return text;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_dispatcher is null)
            return;
        if (_background)
            await _dispatcher.StopAsync(CancellationToken.None);
        _dispatcher.Dispose();
    }

    /// <summary>The store's outbox, remembering the ids of the deliveries this command added.</summary>
    private sealed class RecordingOutbox(IActionOutboxStore store) : IActionOutboxStore
    {
        private readonly List<long> _added = [];

        public IReadOnlyList<long> Added
        {
            get
            {
                lock (_added)
                    return [.. _added];
            }
        }

        public async Task<IReadOnlyList<long>> AddActionDeliveriesAsync(IReadOnlyList<NewActionDelivery> deliveries, CancellationToken cancellationToken = default)
        {
            var ids = await store.AddActionDeliveriesAsync(deliveries, cancellationToken);
            lock (_added)
                _added.AddRange(ids);
            return ids;
        }

        public Task<IReadOnlyList<ClaimedActionDelivery>> ClaimDueActionDeliveriesAsync(DateTimeOffset now, TimeSpan lease, int limit,
            CancellationToken cancellationToken = default) => store.ClaimDueActionDeliveriesAsync(now, lease, limit, cancellationToken);

        public Task<bool> RecordActionAttemptAsync(ClaimedActionDelivery claim, ActionAttempt attempt, CancellationToken cancellationToken = default) =>
            store.RecordActionAttemptAsync(claim, attempt, cancellationToken);

        public Task<IReadOnlyList<ActionDelivery>> ListActionDeliveriesAsync(ActionDeliveryStatus? status, long afterId, int limit,
            CancellationToken cancellationToken = default) => store.ListActionDeliveriesAsync(status, afterId, limit, cancellationToken);

        public Task<ActionDelivery?> GetActionDeliveryAsync(long id, CancellationToken cancellationToken = default) =>
            store.GetActionDeliveryAsync(id, cancellationToken);

        public Task<bool> RetryActionDeliveryAsync(long id, DateTimeOffset now, DateTimeOffset giveUpAt, CancellationToken cancellationToken = default) =>
            store.RetryActionDeliveryAsync(id, now, giveUpAt, cancellationToken);
    }
}
