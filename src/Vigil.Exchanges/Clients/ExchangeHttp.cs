using System.Net;
using Polly;
using Polly.Retry;
using Vigil.Exchanges.Fetching;

namespace Vigil.Exchanges.Clients;

/// <summary>How an exchange client's HTTP calls are retried.</summary>
public sealed record ExchangeHttpOptions
{
    /// <summary>Retries after the first attempt, for network errors, timeouts, HTTP 5xx and 429. Default 4.</summary>
    public int MaxRetryAttempts { get; init; } = 4;

    /// <summary>The first retry's delay; later ones grow exponentially with jitter (a 429's Retry-After is honoured, capped). Default 1 s.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest delay between attempts. Default 1 min.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How long one attempt may take. Default 2 min.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The clock for delays (tests inject one).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}

/// <summary>
/// The HTTP plumbing every exchange client shares: one call with retries and back-off on network
/// errors, timeouts, 5xx and 429; 401/403 as <see cref="ExchangeAuthException"/>; the answer's body
/// read whole (pages are bounded by the exchange). Credentials are the caller's headers, never logged.
/// </summary>
public sealed class ExchangeHttp
{
    private readonly HttpClient _http;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly string _exchange;

    /// <summary>Calls through <paramref name="http"/> (its Timeout should be infinite: attempts are timed here) for the exchange named <paramref name="exchange"/> in errors.</summary>
    public ExchangeHttp(HttpClient http, string exchange, ExchangeHttpOptions? options = null)
    {
        _http = http ?? throw new ArgumentNullException(nameof(http));
        _exchange = exchange;
        options ??= new ExchangeHttpOptions();
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = options.TimeProvider };
        if (options.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.MaxRetryDelay,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
                {
                    { Exception: HttpRequestException or IOException or TimeoutException or Polly.Timeout.TimeoutRejectedException } => true,
                    { Result: { } r } => IsTransient(r.StatusCode),
                    _ => false,
                }),
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result?.Headers.RetryAfter?.Delta is { } after
                    ? (TimeSpan?)(after < options.MaxRetryDelay ? after : options.MaxRetryDelay)
                    : null),
                OnRetry = args =>
                {
                    args.Outcome.Result?.Dispose();
                    return ValueTask.CompletedTask;
                },
            });
        }
        if (options.AttemptTimeout != Timeout.InfiniteTimeSpan)
            builder.AddTimeout(options.AttemptTimeout);
        _pipeline = builder.Build();
    }

    /// <summary>
    /// Sends the request <paramref name="create"/> makes (once per attempt) and returns the successful answer's body
    /// and headers; throws <see cref="ExchangeAuthException"/>, <see cref="ExchangeUnavailableException"/> or, for other
    /// 4xx answers, <see cref="ExchangeProtocolException"/> with the status and the start of the body.
    /// </summary>
    public async Task<ExchangeAnswer> SendAsync(string what, Func<HttpRequestMessage> create, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(create);
        HttpResponseMessage response;
        try
        {
            response = await _pipeline.ExecuteAsync(async ct =>
            {
                using var request = create();
                return await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
            }, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TimeoutException or Polly.Timeout.TimeoutRejectedException)
        {
            throw new ExchangeUnavailableException($"{_exchange}: {what} failed through every retry: {e.Message}", e);
        }
        using (response)
        {
            byte[] body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            int status = (int)response.StatusCode;
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                throw new ExchangeAuthException($"{_exchange}: {what} was refused (HTTP {status}): check the credentials");
            if (IsTransient(response.StatusCode))
                throw new ExchangeUnavailableException($"{_exchange}: {what} failed through every retry (HTTP {status})");
            if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.NotModified)
                throw new ExchangeProtocolException($"{_exchange}: {what} answered HTTP {status}: {Start(body)}");
            return new ExchangeAnswer(response.StatusCode, body, response.Headers.ETag?.Tag, response.Content.Headers.LastModified);
        }
    }

    private static bool IsTransient(HttpStatusCode status) => (int)status >= 500 || status == HttpStatusCode.TooManyRequests;

    private static string Start(byte[] body)
    {
        string text = System.Text.Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 200));
        var clean = new System.Text.StringBuilder(text.Length);
        foreach (char c in text)
            clean.Append(char.IsControl(c) ? ' ' : c);
        return clean.ToString();
    }
}

/// <summary>A successful answer.</summary>
/// <param name="Status">The HTTP status (2xx, or 304 Not Modified when the request was conditional).</param>
/// <param name="Body">The body.</param>
/// <param name="ETag">The entity tag, if any.</param>
/// <param name="LastModified">The Last-Modified time, if any.</param>
public sealed record ExchangeAnswer(HttpStatusCode Status, byte[] Body, string? ETag, DateTimeOffset? LastModified);
