using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Vigil.Exchanges.Fetching;
using Vigil.Storage;

namespace Vigil.Exchanges.Sync;

/// <summary>How queued exchange feedback is sent.</summary>
public sealed record ExchangeFeedbackSenderOptions
{
    /// <summary>How often the sender looks for due feedback. Default 5 s.</summary>
    public TimeSpan Tick { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How many pieces one round claims. Default 50.</summary>
    public int Batch { get; init; } = 50;

    /// <summary>How long a claim holds its pieces (longer than one round's sends take, the client's own retries included). Default 10 min.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The wait after the first failed attempt; each later one doubles, up to <see cref="BackoffMax"/>. Default 1 min.</summary>
    public TimeSpan BackoffBase { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The longest wait between attempts. Default 1 h.</summary>
    public TimeSpan BackoffMax { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Attempts before a piece the exchange keeps failing to take is given up (dead). Default 30 (about a day at the defaults).</summary>
    public int MaxAttempts { get; init; } = 30;
}

/// <summary>What one round of sending came to.</summary>
/// <param name="Sent">Pieces the exchanges took.</param>
/// <param name="Retrying">Pieces that failed for now and wait for their next attempt.</param>
/// <param name="Dead">Pieces given up, with the reason in their last error.</param>
public sealed record ExchangeFeedbackRound(int Sent, int Retrying, int Dead)
{
    /// <summary>How many pieces the round claimed.</summary>
    public int Claimed => Sent + Retrying + Dead;
}

/// <summary>
/// Sends the exchange feedback queue: each round claims due feedback (with a lease, so replicas never send one
/// piece at once), makes each exchange's client from its stored configuration, and sends: an opinion through
/// <see cref="IExchangeFeedback"/>, a share of the platform's own content through <see cref="IExchangeSubmissions"/>. An exchange that is
/// unavailable (<see cref="ExchangeUnavailableException"/>, after the client's own retries) is tried again with
/// backoff; refused credentials (<see cref="ExchangeAuthException"/>), an exchange gone from the store, a client
/// that takes no feedback (or no submissions), or one that takes no such opinion make the piece dead with the reason (an operator can
/// send an exchange's dead feedback again: <see cref="IExchangeFeedbackStore.RetryDeadAsync"/>).
/// </summary>
public sealed class ExchangeFeedbackSender(IVigilStore store, Func<Exchange, IExchangeClient> clients, ExchangeFeedbackSenderOptions? options = null,
    TimeProvider? clock = null, ILogger? logger = null)
{
    private readonly ExchangeFeedbackSenderOptions _options = options ?? new ExchangeFeedbackSenderOptions();
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    /// <summary>Runs rounds until <paramref name="cancellationToken"/> is cancelled; a round that claimed a full batch is followed at once by the next.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            bool full = false;
            try
            {
                full = (await SendDueAsync(cancellationToken)).Claimed >= _options.Batch;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is StoreException or System.Data.Common.DbException or IOException)
            {
                _logger.LogError(e, "The exchange feedback sender failed a round; it goes on at the next tick");
            }
            if (full)
                continue;
            try
            {
                await Task.Delay(_options.Tick, _clock, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Claims the feedback due now and sends it, once.</summary>
    public async Task<ExchangeFeedbackRound> SendDueAsync(CancellationToken cancellationToken)
    {
        var claims = await store.ExchangeFeedback.ClaimDueAsync(_clock.GetUtcNow(), _options.Lease, _options.Batch, cancellationToken);
        if (claims.Count == 0)
            return new ExchangeFeedbackRound(0, 0, 0);
        // One client per exchange per round (NCMEC's asks who the account is and its reasons once).
        var resolved = new Dictionary<string, Target>(StringComparer.Ordinal);
        int sent = 0, retrying = 0, dead = 0;
        foreach (var claim in claims)
        {
            var feedback = claim.Feedback;
            if (!resolved.TryGetValue(feedback.Exchange, out var target))
                resolved[feedback.Exchange] = target = await ResolveAsync(feedback.Exchange, cancellationToken);
            var attempt = await AttemptAsync(target, feedback, cancellationToken);
            if (!await store.ExchangeFeedback.RecordAttemptAsync(claim, attempt, cancellationToken))
            {
                _logger.LogWarning("Exchange feedback {Id} was taken by another sender before its attempt was recorded", feedback.Id);
                continue;
            }
            switch (attempt.Status)
            {
                case ExchangeFeedbackStatus.Sent:
                    sent++;
                    break;
                case ExchangeFeedbackStatus.Pending:
                    retrying++;
                    _logger.LogWarning("Exchange {Exchange}: feedback on entry {Entry} not sent ({Error}); next attempt at {Next}",
                        feedback.Exchange, feedback.EntryId, attempt.Error, attempt.NextAttemptAt);
                    break;
                default:
                    dead++;
                    _logger.LogError("Exchange {Exchange}: feedback on entry {Entry} given up: {Error}", feedback.Exchange, feedback.EntryId, attempt.Error);
                    break;
            }
        }
        return new ExchangeFeedbackRound(sent, retrying, dead);
    }

    /// <summary>An exchange's client, or why there is none: <paramref name="Final"/> when no later attempt can change it.</summary>
    private sealed record Target(IExchangeClient? Client, string Type, string? Problem, bool Final);

    private async Task<Target> ResolveAsync(string name, CancellationToken cancellationToken)
    {
        var exchange = await store.Exchanges.GetExchangeAsync(name, cancellationToken);
        if (exchange is null)
            return new Target(null, "", $"exchange '{name}' is not configured any more", Final: true);
        IExchangeClient client;
        try
        {
            client = clients(exchange);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or InvalidDataException or IOException or UriFormatException)
        {
            // A configuration an operator can fix (credentials, options): tried again later.
            return new Target(null, exchange.Type, $"no client for exchange '{name}': {e.Message}", Final: false);
        }
        return new Target(client, exchange.Type, null, Final: false);
    }

    private async Task<ExchangeFeedbackAttempt> AttemptAsync(Target target, ExchangeFeedbackItem feedback, CancellationToken cancellationToken)
    {
        if (target.Client is not { } client)
            return target.Final ? Dead(target.Problem!) : Retry(feedback, target.Problem!);
        Func<Task> send;
        if (feedback.Opinion == ExchangeFeedbackOpinion.Share)
        {
            if (client is not IExchangeSubmissions submissions)
                return Dead($"exchange '{feedback.Exchange}' (type {target.Type}) takes no submissions");
            var submission = new ExchangeSubmission(feedback.EntryId, feedback.Signals, _clock.GetUtcNow());
            send = () => submissions.SubmitAsync(submission, cancellationToken);
        }
        else
        {
            if (client is not IExchangeFeedback taker)
                return Dead($"exchange '{feedback.Exchange}' (type {target.Type}) takes no feedback");
            var opinion = feedback.Opinion == ExchangeFeedbackOpinion.Confirmed ? ExchangeOpinion.Confirmed : ExchangeOpinion.FalsePositive;
            if (!taker.Accepts(opinion))
                return Dead($"exchange '{feedback.Exchange}' takes no {(opinion == ExchangeOpinion.Confirmed ? "confirmation" : "false-positive")} feedback");
            var piece = new ExchangeFeedback(feedback.EntryId, opinion, feedback.Signals);
            send = () => taker.SendFeedbackAsync(piece, cancellationToken);
        }
        try
        {
            await send();
            return new ExchangeFeedbackAttempt(ExchangeFeedbackStatus.Sent, _clock.GetUtcNow(), null);
        }
        catch (ExchangeAuthException e)
        {
            return Dead($"the exchange refused the credentials: {e.Message}");
        }
        catch (ExchangeException e) when (e.IsTransient)
        {
            return Retry(feedback, e.Message);
        }
        catch (HttpRequestException e)
        {
            return Retry(feedback, e.Message);
        }
        catch (Exception e) when (e is ExchangeException or ArgumentException or NotSupportedException)
        {
            // The exchange cannot take this piece as it is (an answer the client cannot read, an entry it does not know, no signal it takes).
            return Dead(e.Message);
        }
    }

    private ExchangeFeedbackAttempt Dead(string why) => new(ExchangeFeedbackStatus.Dead, _clock.GetUtcNow(), why);

    private ExchangeFeedbackAttempt Retry(ExchangeFeedbackItem feedback, string why)
    {
        int attempts = feedback.Attempts + 1;
        if (attempts >= _options.MaxAttempts)
            return Dead($"given up after {attempts} attempts: {why}");
        var now = _clock.GetUtcNow();
        return new ExchangeFeedbackAttempt(ExchangeFeedbackStatus.Pending, now, why, now + Backoff(feedback.Attempts));
    }

    /// <summary>The wait after the attempt that follows <paramref name="previousAttempts"/> earlier ones: the base doubled each time, capped.</summary>
    private TimeSpan Backoff(int previousAttempts)
    {
        double ticks = _options.BackoffBase.Ticks * Math.Pow(2, Math.Min(previousAttempts, 30));
        return ticks >= _options.BackoffMax.Ticks ? _options.BackoffMax : TimeSpan.FromTicks((long)ticks);
    }
}
