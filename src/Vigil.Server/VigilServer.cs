using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using System.Diagnostics.Metrics;
using Vigil.Banks;
using Vigil.Hashing.Pdq;
using Vigil.Hashing.Signals;
using Vigil.Matching;
using Vigil.Media;
using Vigil.Review.Actions;
using Vigil.Storage;

namespace Vigil.Server;

/// <summary>
/// Builds the Vigil service: HMA's paths and JSON shapes (docs/hma-api.md), API keys with roles,
/// RFC 7807 problems for bad input, the bank index loaded in the background and kept current from
/// the store's change log.
/// </summary>
public static class VigilServer
{
    /// <summary>Creates the application over an open store (which it does not own).</summary>
    /// <param name="store">The open store.</param>
    /// <param name="settings">The server's settings.</param>
    /// <param name="logging">Where logs go (default: JSON on the console).</param>
    /// <param name="services">Replaces services after Vigil's own are registered (tests: a clock they can move).</param>
    public static WebApplication Build(IVigilStore store, ServerSettings settings, Action<ILoggingBuilder>? logging = null,
        Action<IServiceCollection>? services = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.FailedKeysPerSecondPerAddress < 1 || settings.FailedKeyBurstPerAddress < 1)
            throw new ArgumentException("FailedKeysPerSecondPerAddress and FailedKeyBurstPerAddress must be at least 1", nameof(settings));
        ThreadPoolFloor.Ensure();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(settings.Urls);
        builder.Logging.ClearProviders();
        if (logging is null)
            builder.Logging.AddJsonConsole();
        else
            logging(builder.Logging);
        // One line per request would cost more than the lookup itself; Vigil logs what matters.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.AddVigilStore(store);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<FailedKeyLimiter>();
        builder.Services.AddSingleton<MatcherHost>();
        builder.Services.AddHostedService(services => services.GetRequiredService<MatcherHost>());
        if (settings.AuditCheckpoints is { } checkpoints)
        {
            builder.Services.AddSingleton(checkpoints);
            builder.Services.AddSingleton<Audit.AuditCheckpointWriter>();
        }
        builder.Services.AddSingleton<AuditTrail>();
        builder.Services.AddHostedService(services => services.GetRequiredService<AuditTrail>());
        builder.Services.AddSingleton(services => new MediaService(settings, UrlPrefixAllowList.Parse(settings.HashUrlAllowList, "hash URL allow-list"),
            services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(MediaEndpoints).FullName!)));
        builder.Services.AddSingleton(services => new VigilMetrics(services.GetRequiredService<IMeterFactory>(),
            services.GetRequiredService<MatcherHost>(), services.GetRequiredService<AuditTrail>(), services.GetRequiredService<MediaService>()));
        if (settings.MetricsEnabled)
            AddMetrics(builder.Services, settings);
        builder.Services.AddSingleton<ReviewUi.ReviewSessions>();
        builder.Services.AddSingleton<ReviewUi.ReviewLoginLinks>();
        builder.Services.AddSingleton<ReviewUi.ReviewBreaks>();
        builder.Services.AddSingleton<Vigil.Review.IReviewAudit, ServerReviewAudit>();
        builder.Services.AddSingleton(services => new Vigil.Review.ReviewService(services.GetRequiredService<ICaseStore>(), store, store,
            services.GetRequiredService<Vigil.Review.IReviewAudit>(), services.GetRequiredService<Vigil.Review.Actions.IActionSink>(), settings.Review,
            services.GetRequiredService<TimeProvider>(), settings.EvidenceVault, settings.Derivatives,
            new Vigil.Review.Exchanges.StoreExchangeFeedbackSink(store, store.Exchanges, store.ExchangeFeedback),
            new Vigil.Review.Cases.RobustBankVariantSignals(new Vigil.Media.DecodeOptions { Compat = settings.Compat })));
        builder.Services.AddSingleton(services => new Vigil.Review.Evidence.RetentionSweeper(services.GetRequiredService<Vigil.Review.ReviewService>(),
            settings.Review.RetentionSweepInterval, services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<ILogger<Vigil.Review.Evidence.RetentionSweeper>>()));
        builder.Services.AddHostedService(services => new RetentionHost(services.GetRequiredService<Vigil.Review.Evidence.RetentionSweeper>()));
        AddActions(builder.Services, store, settings);
        AddReporting(builder.Services, store, settings);
        AddExchanges(builder.Services, store, settings);
        builder.Services.AddSingleton(services => new Vigil.Reporting.Delivery.ReportOperations(store,
            services.GetRequiredService<Vigil.Review.IReviewAudit>(), services.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<PsiRevealer>();
        builder.Services.AddHostedService(services => services.GetRequiredService<PsiRevealer>());
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi();
        builder.Services.AddRateLimiter(options =>
        {
            // Per key, after authentication; requests without a key never reach a limited endpoint.
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                context.Items[ApiKeyAuthentication.ItemKey] is ApiKey key
                    ? RateLimitPartition.GetTokenBucketLimiter(key.Name, _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = settings.BurstPerKey,
                        TokensPerPeriod = settings.RequestsPerSecondPerKey,
                        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    })
                    : RateLimitPartition.GetNoLimiter("no key"));
            options.OnRejected = (rejected, _) =>
            {
                rejected.HttpContext.Response.Headers.RetryAfter = "1";
                return new ValueTask(Problems.Write(rejected.HttpContext, StatusCodes.Status429TooManyRequests, "rate limit exceeded",
                    $"this key may make {settings.RequestsPerSecondPerKey} requests per second (bursts up to {settings.BurstPerKey})"));
            };
        });

        services?.Invoke(builder.Services);

        var app = builder.Build();
        // The instruments exist from the start, so the first scrape already has the gauges.
        app.Services.GetRequiredService<VigilMetrics>();
        if (settings.MetricsEnabled && string.IsNullOrWhiteSpace(settings.MetricsUrls))
        {
            // Beside the API, before authentication: it needs no key (it tells counts, never content).
            app.UseOpenTelemetryPrometheusScrapingEndpoint(context => context.Request.Path == "/metrics");
        }
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        ReviewUi.ReviewEndpoints.UseHeaders(app);
        // The audit wraps authentication, so that requests refused for their key's role are recorded too.
        app.UseMiddleware<AuditMiddleware>();
        app.UseMiddleware<ApiKeyAuthentication>();
        app.UseRateLimiter();
        app.MapOpenApi().WithMetadata(new RequiresRole(ApiKeyRole.Curator, ApiKeyRole.Matcher, ApiKeyRole.Reviewer));
        StatusEndpoint.Map(app);
        MapMatching(app);
        CurationEndpoints.Map(app);
        ExchangeEndpoints.Map(app);
        MatchingEndpoints.Map(app);
        MediaEndpoints.Map(app);
        PsiEndpoints.Map(app);
        CaseEndpoints.Map(app);
        ConversationEndpoints.Map(app);
        ActionEndpoints.Map(app);
        ReportEndpoints.Map(app);
        ReviewUi.ReviewEndpoints.Map(app);
        return app;
    }

    /// <summary>
    /// The action rules: without rules, events are dropped (<see cref="NoActions"/>) and nothing is
    /// dispatched; with rules, events go to the outbox and a dispatcher sends them in the background.
    /// </summary>
    private static void AddActions(IServiceCollection services, IVigilStore store, ServerSettings settings)
    {
        var rules = settings.Actions ?? ActionRuleSet.Empty;
        services.AddSingleton(rules);
        if (rules.IsEmpty)
        {
            services.AddSingleton<IActionSink>(NoActions.Instance);
            return;
        }
        var allowList = UrlPrefixAllowList.Parse(settings.WebhookUrlAllowList, "webhook URL allow-list");
        services.AddSingleton<IActionSink>(provider => new OutboxActionSink(rules, store, provider.GetRequiredService<TimeProvider>(), settings.ActionPolicy));
        services.AddSingleton(provider => new WebhookDispatcher(rules, allowList, store, provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<WebhookDispatcher>>(), settings.ActionPolicy));
        services.AddHostedService(provider => provider.GetRequiredService<WebhookDispatcher>());
    }

    /// <summary>
    /// The report outbox's worker, when reporting is configured: it files cases decided <c>report</c>
    /// from the evidence vault and marks them reported through the review service.
    /// </summary>
    private static void AddReporting(IServiceCollection services, IVigilStore store, ServerSettings settings)
    {
        if (settings.Reporting is not { } reporting)
            return;
        var vault = settings.EvidenceVault
            ?? throw new ArgumentException("reporting needs the evidence vault (a vault key): the files it reports are read from it", nameof(settings));
        services.AddSingleton(reporting);
        services.AddSingleton(provider => new Vigil.Reporting.Client.CyberTiplineClient(reporting.Client,
            provider.GetRequiredService<ILogger<Vigil.Reporting.Client.CyberTiplineClient>>()));
        services.AddSingleton(provider => new Vigil.Reporting.Delivery.ReportDelivery(store,
            provider.GetRequiredService<Vigil.Reporting.Client.CyberTiplineClient>(), vault,
            new Vigil.Reporting.Delivery.ReviewReportOutcomes(provider.GetRequiredService<Vigil.Review.ReviewService>(), reporting.Delivery.Actor),
            reporting.Delivery, provider.GetRequiredService<TimeProvider>(), provider.GetRequiredService<ILogger<Vigil.Reporting.Delivery.ReportDelivery>>()));
        services.AddSingleton(provider => new Vigil.Reporting.Delivery.ReportWorker(store,
            provider.GetRequiredService<Vigil.Reporting.Delivery.ReportDelivery>(), provider.GetRequiredService<Vigil.Reporting.Client.CyberTiplineClient>(),
            WorkerNamed(reporting.Worker, settings.Urls), provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<Vigil.Reporting.Delivery.ReportWorker>>()));
        services.AddHostedService(provider => new ReportingHost(provider.GetRequiredService<Vigil.Reporting.Delivery.ReportWorker>()));
    }

    /// <summary>
    /// The exchange schedule and the feedback sender: each due exchange fetched, and each queued review decision
    /// sent back, through the client its stored configuration makes.
    /// </summary>
    private static void AddExchanges(IServiceCollection services, IVigilStore store, ServerSettings settings)
    {
        if (!settings.FetchExchanges)
            return;
        services.AddSingleton(_ => new Vigil.Exchanges.Sync.ExchangeClientContext(new HttpClient { Timeout = Timeout.InfiniteTimeSpan },
            Environment.GetEnvironmentVariable, settings.ExchangeUrlAllowList));
        services.AddSingleton(provider =>
        {
            var context = provider.GetRequiredService<Vigil.Exchanges.Sync.ExchangeClientContext>();
            return new Vigil.Exchanges.Sync.ExchangeSchedule(store, exchange => Vigil.Exchanges.Sync.ExchangeClientFactory.Create(exchange, context),
                settings.ExchangeSchedule.Name is null ? settings.ExchangeSchedule with { Name = $"{Environment.MachineName}:{settings.Urls}" } : settings.ExchangeSchedule,
                provider.GetRequiredService<TimeProvider>(), provider.GetRequiredService<ILogger<Vigil.Exchanges.Sync.ExchangeSchedule>>());
        });
        services.AddHostedService(provider => new ExchangeHost(provider.GetRequiredService<Vigil.Exchanges.Sync.ExchangeSchedule>()));
        services.AddSingleton(provider =>
        {
            var context = provider.GetRequiredService<Vigil.Exchanges.Sync.ExchangeClientContext>();
            return new Vigil.Exchanges.Sync.ExchangeFeedbackSender(store, exchange => Vigil.Exchanges.Sync.ExchangeClientFactory.Create(exchange, context),
                settings.ExchangeFeedback, provider.GetRequiredService<TimeProvider>(),
                provider.GetRequiredService<ILogger<Vigil.Exchanges.Sync.ExchangeFeedbackSender>>());
        });
        services.AddHostedService(provider => new ExchangeFeedbackHost(provider.GetRequiredService<Vigil.Exchanges.Sync.ExchangeFeedbackSender>()));
    }

    /// <summary>The worker's options with a name when it has none: this machine and the addresses it serves on (two servers
    /// cannot listen on one port, so the name is this server's alone, and the same when it restarts).</summary>
    private static Vigil.Reporting.Delivery.ReportWorkerOptions WorkerNamed(Vigil.Reporting.Delivery.ReportWorkerOptions? options, string urls)
    {
        options ??= new Vigil.Reporting.Delivery.ReportWorkerOptions();
        return options.Name is not null ? options : options with { Name = $"{Environment.MachineName}:{urls}" };
    }

    /// <summary>
    /// Metrics through OpenTelemetry, exported in Prometheus's format: Vigil's meter and ASP.NET
    /// Core's (HTTP requests and latency by route and status). Only the meters of this server's own
    /// <see cref="IMeterFactory"/> are read, so two servers in one process (tests) keep theirs apart.
    /// </summary>
    private static void AddMetrics(IServiceCollection services, ServerSettings settings)
    {
        services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService("vigil")).WithMetrics(metrics =>
        {
            metrics.AddMeter(VigilMetrics.MeterName)
                .AddAspNetCoreInstrumentation()
                // Scrapes read current values: no cached answer.
                .AddPrometheusExporter(options => options.ScrapeResponseCacheDurationMilliseconds = 0);
        });
        services.ConfigureOpenTelemetryMeterProvider((provider, builder) =>
        {
            var own = provider.GetRequiredService<IMeterFactory>();
            builder.AddView(instrument => ReferenceEquals(instrument.Meter.Scope, own) ? null : MetricStreamConfiguration.Drop);
        });
        if (!string.IsNullOrWhiteSpace(settings.MetricsUrls))
        {
            services.AddSingleton<MetricsListener>();
            services.AddHostedService(provider => provider.GetRequiredService<MetricsListener>());
        }
    }

    private static void MapMatching(WebApplication app)
    {
        app.MapGet("/m/lookup", async (HttpContext context, MatcherHost host, MediaService media, string? signal_type, string? signal, string? banks,
            string? seed, string? bypass_coinflip, string? include, string? url, string? content_type, string? types, string? dihedral,
            string? robust, string? classify, CancellationToken ct) =>
        {
            // HMA's url form: the media at an allow-listed URL, hashed and looked up (signal_type then picks one type's answer).
            if (url is not null && string.IsNullOrEmpty(signal))
                return await media.LookupUrlAsync(context, host, url, content_type, string.IsNullOrEmpty(signal_type) ? null : signal_type,
                    new MediaLookupQuery(banks, seed, bypass_coinflip, include, types, dihedral, robust, classify), ct);
            if (string.IsNullOrEmpty(signal_type) || string.IsNullOrEmpty(signal))
                return Problems.Result(400, "Either url or both signal and signal_type are required",
                    "e.g. /m/lookup?signal_type=pdq&signal=<64 hex digits>, or /m/lookup?url=<an allowed URL>");
            if (!SignalType.TryFromName(signal_type, out var type))
                return Problems.Result(400, $"No such SignalType '{signal_type}'", $"known: {string.Join(", ", SignalType.All.Select(t => t.Name))}");
            if (!type.TryNormalize(signal, out string? value, out string? why))
                return Problems.Result(400, "invalid signal", why);
            var matcher = host.Matcher;
            if (matcher is null)
                return Problems.Result(503, "index not yet ready", "the bank index is still loading; /status turns 200 when it is ready");

            var options = LookupOptions.From(banks, seed, bypass_coinflip, include, LookupActions.Wanted(context));
            if (type == SignalType.Vpdq)
            {
                // A whole video by its frames, under the exchanges' rule (HMA's distance "query%[compared%]").
                var (byVpdq, _) = await VideoLookup.MatchAsync(matcher, VpdqSignal.Parse(value), null, options, ct);
                LookupResponse.Done(context, (type, byVpdq));
                if (options.ActionMatches is { Count: > 0 } videoMatches)
                    await RaiseAsync(context, videoMatches, type, value, ct);
                return Results.Json(byVpdq);
            }
            var outcome = type == SignalType.Pdq
                ? await matcher.MatchAsync([PdqHash.Parse(value)], PdqIndex.DefaultMaxDistance, null, options.NeedsContent, ct)
                : type == SignalType.Md5 ? await matcher.MatchAsync([], 0, value, options.NeedsContent, ct)
                : !type.IsPerceptual ? await matcher.MatchExactAsync(new Signal(type, value), options.NeedsContent, ct)
                : QueryOutcome.None;
            var byBank = LookupResponse.Group(outcome, options);
            LookupResponse.Done(context, (type, byBank));
            if (options.ActionMatches is { Count: > 0 } matches)
                await RaiseAsync(context, matches, type, value, ct);
            return Results.Json(byBank);
        }).WithMetadata(new RequiresRole(ApiKeyRole.Matcher));
    }

    private static Task RaiseAsync(HttpContext context, List<ActionMatch> matches, SignalType type, string value, CancellationToken ct) =>
        LookupActions.RaiseAsync(context, matches, new Dictionary<string, string>(StringComparer.Ordinal) { [type.Name] = value }, ct);
}
