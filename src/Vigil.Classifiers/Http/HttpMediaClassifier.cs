using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;
using Vigil.Classifiers.Manifests;
using Vigil.Media;
using Vigil.Media.Encoders;
using Vigil.Media.Processing;

namespace Vigil.Classifiers.Http;

/// <summary>
/// A vendor's classification service over HTTP (the request and answer in docs/classifiers.md): images shrunk to the
/// manifest's <c>max_side</c> and sent as PNG in batches; each attempt timed, network errors, timeouts, 5xx and 429
/// retried with jittered back-off, and after <c>break_after_failures</c> failed calls in a row the service is not
/// called for <c>break_seconds</c> (calls fail at once, so a dead vendor cannot stall the queue). The key comes from
/// the environment variable the manifest names and is never logged.
/// </summary>
public sealed class HttpMediaClassifier : IMediaClassifier
{
    private readonly HttpClient _http;
    private readonly HttpServiceSpec _spec;
    private readonly Uri _url;
    private readonly string? _key;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    /// <summary>A classifier for the manifest's <c>http</c> section with its own HTTP client.</summary>
    /// <exception cref="ClassifierException">The manifest names a key variable that is not set.</exception>
    public HttpMediaClassifier(ClassifierManifest manifest, TimeProvider? time = null, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        Manifest = manifest;
        _spec = manifest.Http ?? throw new ArgumentException("the manifest has no http section", nameof(manifest));
        _url = new Uri(_spec.Url);
        if (_spec.KeyEnvironmentVariable is { } variable)
        {
            _key = Environment.GetEnvironmentVariable(variable);
            if (string.IsNullOrEmpty(_key))
                throw new ClassifierException($"{manifest.Name}: the environment variable {variable} (http.key_env) holds no key");
        }
        _http = new HttpClient(handler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }, disposeHandler: true)
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _pipeline = BuildPipeline(_spec, time ?? TimeProvider.System);
    }

    /// <inheritdoc />
    public ClassifierManifest Manifest { get; }

    /// <inheritdoc />
    public async Task<IReadOnlyList<MediaScore>> ClassifyAsync(IReadOnlyList<RgbImage> images, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        var scores = new MediaScore[images.Count];
        for (int start = 0; start < images.Count; start += _spec.MaxBatch)
        {
            int count = Math.Min(_spec.MaxBatch, images.Count - start);
            var items = new VendorRequestItem[count];
            for (int i = 0; i < count; i++)
                items[i] = new VendorRequestItem(i.ToString(System.Globalization.CultureInfo.InvariantCulture), "image/png", Png(images[start + i]));
            var answer = await SendAsync(new VendorRequest(Manifest.Name, items), cancellationToken).ConfigureAwait(false);
            Read(answer, count, scores.AsSpan(start, count));
        }
        return scores;
    }

    private string Png(RgbImage image)
    {
        using var small = ImageEdits.ShrinkToFit(image, _spec.MaxSide);
        var picture = small ?? image;
        return Convert.ToBase64String(RgbPngEncoder.Encode(picture.Pixels, picture.Width, picture.Height));
    }

    private async Task<VendorResponse> SendAsync(VendorRequest request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await _pipeline.ExecuteAsync(async token =>
            {
                using var message = new HttpRequestMessage(HttpMethod.Post, _url)
                {
                    Content = JsonContent.Create(request, VendorJson.Default.VendorRequest),
                };
                if (_key is not null)
                    message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _key);
                return await _http.SendAsync(message, HttpCompletionOption.ResponseContentRead, token).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (BrokenCircuitException e)
        {
            throw new ClassifierException($"{Manifest.Name}: the service failed {_spec.BreakAfterFailures} calls in a row; not calling it for {_spec.BreakSeconds:0.#} s", e);
        }
        catch (TimeoutRejectedException e)
        {
            throw new ClassifierException($"{Manifest.Name}: the service did not answer within {_spec.TimeoutSeconds:0.#} s ({_spec.Retries + 1} attempts)", e);
        }
        catch (HttpRequestException e)
        {
            throw new ClassifierException($"{Manifest.Name}: the service could not be reached: {e.Message}", e);
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                string hint = response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden ? " (check the key in http.key_env)" : "";
                throw new ClassifierException($"{Manifest.Name}: the service answered {(int)response.StatusCode} {response.ReasonPhrase}{hint}");
            }
            try
            {
                var body = await response.Content.ReadFromJsonAsync(VendorJson.Default.VendorResponse, cancellationToken).ConfigureAwait(false);
                return body ?? throw new ClassifierException($"{Manifest.Name}: the service answered null");
            }
            catch (JsonException e)
            {
                throw new ClassifierException($"{Manifest.Name}: the service's answer is not the documented JSON: {e.Message}", e);
            }
        }
    }

    private void Read(VendorResponse answer, int count, Span<MediaScore> scores)
    {
        if (answer.Items is null || answer.Items.Count != count)
            throw new ClassifierException($"{Manifest.Name}: the service answered {answer.Items?.Count ?? 0} items for {count} images");
        foreach (var item in answer.Items)
        {
            if (!int.TryParse(item.Id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int i) || i >= count)
                throw new ClassifierException($"{Manifest.Name}: the service answered an item with id '{item.Id}', which was not sent");
            if (scores[i] is not null)
                throw new ClassifierException($"{Manifest.Name}: the service answered item {i} twice");
            scores[i] = ToScore(item, i);
        }
    }

    private MediaScore ToScore(VendorResponseItem item, int index)
    {
        string scoreLabel = Manifest.Labels[Manifest.ScoreIndex];
        if (item.Scores is { } given)
        {
            var labels = new LabelScore[Manifest.Labels.Count];
            for (int l = 0; l < labels.Length; l++)
            {
                string label = Manifest.Labels[l];
                if (!given.TryGetValue(label, out double value) || !(value >= 0 && value <= 1))
                    throw new ClassifierException($"{Manifest.Name}: item {index}: no score between 0 and 1 for label '{label}'");
                labels[l] = new LabelScore(label, value);
            }
            return new MediaScore(labels, labels[Manifest.ScoreIndex].Score);
        }
        if (item.Priority is { } level)
        {
            double score = PriorityLevels.ScoreOf(level)
                ?? throw new ClassifierException($"{Manifest.Name}: item {index}: priority '{level}' is not one of {string.Join(", ", PriorityLevels.All)}");
            return new MediaScore([new LabelScore(scoreLabel, score)], score, level.ToUpperInvariant());
        }
        throw new ClassifierException($"{Manifest.Name}: item {index}: neither scores nor a priority");
    }

    private static ResiliencePipeline<HttpResponseMessage> BuildPipeline(HttpServiceSpec spec, TimeProvider time)
    {
        static bool Transient(Outcome<HttpResponseMessage> outcome) => outcome switch
        {
            { Exception: HttpRequestException or IOException or TimeoutRejectedException } => true,
            { Result: { } r } => (int)r.StatusCode >= 500 || r.StatusCode == HttpStatusCode.TooManyRequests,
            _ => false,
        };
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time };
        // Outermost: the breaker counts whole calls (after their retries), so one slow image is not five failures.
        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
        {
            FailureRatio = 1.0,
            MinimumThroughput = spec.BreakAfterFailures,
            SamplingDuration = TimeSpan.FromMinutes(10),
            BreakDuration = TimeSpan.FromSeconds(spec.BreakSeconds),
            ShouldHandle = args => ValueTask.FromResult(Transient(args.Outcome)),
        });
        if (spec.Retries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = spec.Retries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(200),
                MaxDelay = TimeSpan.FromSeconds(5),
                ShouldHandle = args => ValueTask.FromResult(Transient(args.Outcome)),
                OnRetry = args =>
                {
                    args.Outcome.Result?.Dispose();
                    return ValueTask.CompletedTask;
                },
            });
        }
        builder.AddTimeout(TimeSpan.FromSeconds(spec.TimeoutSeconds));
        return builder.Build();
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}
