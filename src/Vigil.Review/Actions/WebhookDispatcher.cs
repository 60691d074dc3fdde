using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vigil.Media;
using Vigil.Storage;

namespace Vigil.Review.Actions;

/// <summary>
/// Sends the outbox's deliveries: a background loop that claims due deliveries (with a lease, so
/// replicas never send one at once), POSTs each body signed with its rule's secret
/// (<see cref="WebhookSignature"/>), and records every attempt: a 2xx is delivered; anything else is
/// retried with backoff (<see cref="ActionDeliveryPolicy"/>) until the delivery is
/// <see cref="ActionDeliveryPolicy.MaxAge"/> old, then dead. Redirects are not followed (they could
/// lead outside the allow-list), and a target no longer under the allow-list is dead at once.
/// Time comes from the <see cref="TimeProvider"/>, so tests move it without sleeping.
/// </summary>
public sealed class WebhookDispatcher : BackgroundService
{
    private readonly ActionRuleSet _rules;
    private readonly UrlPrefixAllowList _allowList;
    private readonly IActionOutboxStore _outbox;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ActionDeliveryPolicy _policy;
    private readonly HttpClient _http;
    private readonly Func<double> _jitter;

    /// <summary>Makes the dispatcher.</summary>
    /// <param name="rules">The rules (each delivery's secret is its rule's).</param>
    /// <param name="allowList">The URL prefixes webhooks may go to, checked again before every send.</param>
    /// <param name="outbox">The outbox.</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">Where attempts are logged (never a secret, never a body).</param>
    /// <param name="policy">Retries and limits (default <see cref="ActionDeliveryPolicy"/>'s).</param>
    /// <param name="handler">The HTTP handler (default: no redirects, no cookies, no proxy from the environment).</param>
    /// <param name="jitter">Draws the backoff's jitter in [0, 1) (default <see cref="Random.Shared"/>).</param>
    public WebhookDispatcher(ActionRuleSet rules, UrlPrefixAllowList allowList, IActionOutboxStore outbox, TimeProvider time, ILogger<WebhookDispatcher> logger,
        ActionDeliveryPolicy? policy = null, HttpMessageHandler? handler = null, Func<double>? jitter = null)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(allowList);
        ArgumentNullException.ThrowIfNull(outbox);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _rules = rules;
        _allowList = allowList;
        _outbox = outbox;
        _time = time;
        _logger = logger;
        _policy = policy ?? new ActionDeliveryPolicy();
        _http = new HttpClient(handler ?? new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            ConnectTimeout = _policy.Timeout,
        }, disposeHandler: true)
        { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        _jitter = jitter ?? Random.Shared.NextDouble;
    }

    /// <summary>
    /// One pass: claims the deliveries due now (up to <see cref="ActionDeliveryPolicy.BatchSize"/>),
    /// sends them at once and records each attempt. Returns how many were attempted.
    /// </summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var claimed = await _outbox.ClaimDueActionDeliveriesAsync(_time.GetUtcNow(), _policy.Lease, _policy.BatchSize, cancellationToken);
        if (claimed.Count == 0)
            return 0;
        var sends = new Task[claimed.Count];
        for (int i = 0; i < claimed.Count; i++)
            sends[i] = AttemptAsync(claimed[i], cancellationToken);
        await Task.WhenAll(sends);
        return claimed.Count;
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Off the host's start: the first pass may have a backlog to send.
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            int attempted = 0;
            try
            {
                attempted = await RunOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _logger.LogError(e, "action deliveries: the outbox could not be read; trying again in {Seconds} s", _policy.PollInterval.TotalSeconds);
            }
            if (attempted == 0)
            {
                try
                {
                    await Task.Delay(_policy.PollInterval, _time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }

    private async Task AttemptAsync(ClaimedActionDelivery claim, CancellationToken cancellationToken)
    {
        var delivery = claim.Delivery;
        var started = _time.GetUtcNow();
        ActionAttempt attempt;
        if (started >= delivery.GiveUpAt)
        {
            attempt = new ActionAttempt(ActionDeliveryStatus.Dead, started, null,
                $"not delivered within {_policy.MaxAge.TotalHours:0.#} h of the event (last error: {delivery.LastError ?? "none"})");
        }
        else if (!Uri.TryCreate(delivery.Target, UriKind.Absolute, out var url))
        {
            attempt = new ActionAttempt(ActionDeliveryStatus.Dead, started, null, "the target is not an absolute URL");
        }
        else if (!_allowList.IsAllowed(url, out string? refused))
        {
            attempt = new ActionAttempt(ActionDeliveryStatus.Dead, started, null, $"the target is not under the webhook allow-list any more: {refused}");
        }
        else if (_rules.Find(delivery.RuleName) is not { } rule)
        {
            attempt = Failed(delivery, started, null, $"rule '{delivery.RuleName}' is not in the actions file any more (its secret is needed to sign)");
        }
        else
        {
            var (status, error) = await SendAsync(delivery, url, rule, started, cancellationToken);
            var ended = _time.GetUtcNow();
            attempt = error is null
                ? new ActionAttempt(ActionDeliveryStatus.Delivered, ended, status, null)
                : Failed(delivery, ended, status, error);
        }
        bool recorded;
        try
        {
            recorded = await _outbox.RecordActionAttemptAsync(claim, attempt, CancellationToken.None);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "action delivery {Id}: the attempt could not be recorded; it is sent again when its lease ends", delivery.Id);
            return;
        }
        if (!recorded)
            _logger.LogWarning("action delivery {Id}: the lease ended before the attempt was recorded; another dispatcher holds it", delivery.Id);
        else if (attempt.Status == ActionDeliveryStatus.Delivered)
            _logger.LogInformation("action delivery {Id} (rule {Rule}) delivered to {Target}: HTTP {Status}", delivery.Id, delivery.RuleName, delivery.Target, attempt.HttpStatus);
        else if (attempt.Status == ActionDeliveryStatus.Dead)
            _logger.LogWarning("action delivery {Id} (rule {Rule}) to {Target} is dead after {Attempts} attempts: {Error}", delivery.Id, delivery.RuleName, delivery.Target,
                delivery.Attempts + 1, attempt.Error);
        else
            _logger.LogInformation("action delivery {Id} (rule {Rule}) to {Target} failed ({Error}); next attempt at {Next:O}", delivery.Id, delivery.RuleName,
                delivery.Target, attempt.Error, attempt.NextAttemptAt);
    }

    /// <summary>A failed attempt: retried after the backoff, or dead when the next try would come after the give-up time.</summary>
    private ActionAttempt Failed(ActionDelivery delivery, DateTimeOffset at, int? status, string error)
    {
        var next = at + _policy.RetryDelay(delivery.Attempts + 1, _jitter());
        return next >= delivery.GiveUpAt
            ? new ActionAttempt(ActionDeliveryStatus.Dead, at, status, $"{error}; given up {_policy.MaxAge.TotalHours:0.#} h after the event")
            : new ActionAttempt(ActionDeliveryStatus.Pending, at, status, error, next);
    }

    private async Task<(int? Status, string? Error)> SendAsync(ActionDelivery delivery, Uri url, ActionRule rule, DateTimeOffset now, CancellationToken cancellationToken)
    {
        byte[] body = Encoding.UTF8.GetBytes(delivery.EventJson);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.TryAddWithoutValidation(WebhookSignature.HeaderName, rule.Webhook.Sign(now.ToUnixTimeSeconds(), body));
        request.Headers.TryAddWithoutValidation("X-Vigil-Delivery", delivery.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("Vigil-Webhook", "1"));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_policy.Timeout);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            int status = (int)response.StatusCode;
            return status is >= 200 and < 300 ? (status, null) : (status, $"HTTP {status} {response.ReasonPhrase}".TrimEnd());
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, $"no answer within {_policy.Timeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException e)
        {
            return (null, e.Message);
        }
    }
}
