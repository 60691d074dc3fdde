using System.CommandLine;
using Vigil.Media;
using Vigil.Server;
using Vigil.Storage;
using Vigil.Exchanges.Sync;
using Vigil.Cli.Serve;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil serve</c>: the HMA-compatible service over the SQLite store, or PostgreSQL for replicas.</summary>
internal static partial class ServeCommand
{
    private const long MiB = 1024 * 1024;

    public static Command Create(TextWriter output, TextWriter error)
    {
        var urls = new Option<string?>("--urls") { Description = "Addresses to listen on", DefaultValueFactory = _ => new ServerSettings().Urls };
        var maxUploadMb = new Option<int>("--max-upload-mb")
        {
            Description = "Largest media file (MiB) that POST /h/hash, POST /m/lookup and POST /c/bank/NAME/content accept and GET /h/hash?url= downloads; larger ones get 413",
            DefaultValueFactory = _ => (int)(new ServerSettings().MaxUploadBytes / MiB),
            Validators =
            {
                r =>
                {
                    if (r.Tokens.Count == 1 && int.TryParse(r.Tokens[0].Value, out int mb) && (mb < 1 || mb > MediaEndpoints.MaxUploadLimit / MiB))
                        r.AddError($"--max-upload-mb must be 1..{MediaEndpoints.MaxUploadLimit / MiB}, not {mb}");
                },
            },
        };
        var allowHashUrl = new Option<string[]>("--allow-hash-url")
        {
            Description = "Let GET /h/hash?url= fetch URLs under this prefix (scheme://host[:port][/path], http or https; repeatable). Default: fetching URLs is off",
            AllowMultipleArgumentsPerToken = false,
            Validators =
            {
                r =>
                {
                    foreach (var token in r.Tokens)
                    {
                        if (!UrlPrefixAllowList.TryValidateEntry(token.Value, out string? why))
                            r.AddError($"--allow-hash-url {token.Value}: {why}");
                    }
                },
            },
        };
        var videoTimeout = new Option<int>("--video-timeout")
        {
            Description = "Longest time (seconds) hashing one uploaded or fetched video may take, waiting for a free decoder included; 504 beyond it",
            DefaultValueFactory = _ => (int)new ServerSettings().VideoHashTimeout.TotalSeconds,
            HelpName = "SECONDS",
            Validators =
            {
                r =>
                {
                    if (r.Tokens.Count == 1 && int.TryParse(r.Tokens[0].Value, out int seconds) && seconds is < 1 or > 86_400)
                        r.AddError($"--video-timeout must be 1..86400 seconds, not {seconds}");
                },
            },
        };
        var psi = new Option<string?>("--psi")
        {
            Description = "Process private-matching vouchers (POST /v1/vouchers) against the list in DIR, as 'vigil psi publish --out DIR' wrote it (server.key, pdata.bin, signed manifest.json). Default: off",
            HelpName = "DIR",
        };
        var metrics = new Option<bool>("--metrics")
        {
            Description = "Serve GET /metrics (Prometheus text format, no key needed) beside the API. Default: off (404)",
        };
        var metricsUrls = new Option<string?>("--metrics-urls")
        {
            Description = "Serve GET /metrics on these addresses only, a listener of its own that serves nothing else (turns metrics on)",
            HelpName = "URLS",
        };
        var auditCheckpoints = new Option<string?>("--audit-checkpoints")
        {
            Description = "Append signed checkpoints of the audit log's head to FILE, so 'vigil audit verify --checkpoints FILE --key KEY' detects a rewritten log (docs/audit.md). Default: off",
            HelpName = "FILE",
        };
        var auditKey = new Option<string?>("--audit-key")
        {
            Description = $"The checkpoints' Ed25519 signing key file, made on first use (default: {ServeConfigResolver.DefaultAuditKeyName} beside the checkpoint file); keep it off the database's disk if you can",
            HelpName = "FILE",
        };
        var auditInterval = new Option<int?>("--audit-checkpoint-interval")
        {
            Description = "Longest time (seconds) between a new audit entry and the checkpoint that covers it (default 60; 0: after every write)",
            HelpName = "SECONDS",
        };
        var actions = new Option<string?>("--actions")
        {
            Description = "Act on events by the rules in FILE (JSON; docs/actions.md): signed webhooks, retried for 24 h, visible with 'vigil actions deliveries'. Default: off",
            HelpName = "FILE",
        };
        var allowWebhookUrl = new Option<string[]>("--allow-webhook-url")
        {
            Description = "Let action webhooks be sent under this prefix (scheme://host[:port][/path], http or https; repeatable). Default: none (a rules file with a webhook is refused)",
            AllowMultipleArgumentsPerToken = false,
            HelpName = "PREFIX",
            Validators =
            {
                r =>
                {
                    foreach (var token in r.Tokens)
                    {
                        if (!UrlPrefixAllowList.TryValidateEntry(token.Value, out string? why))
                            r.AddError($"--allow-webhook-url {token.Value}: {why}");
                    }
                },
            },
        };
        var allowExchangeUrl = new Option<string[]>("--allow-exchange-url")
        {
            Description = $"Let url exchanges be fetched under this prefix (repeatable; also ${ExchangeFetchCommand.UrlAllowListVariable}, comma-separated). Default: none",
            AllowMultipleArgumentsPerToken = false,
            HelpName = "PREFIX",
        };
        var backfillShare = ExchangeFetchCommand.BackfillShareOption();
        var noExchanges = new Option<bool>("--no-exchanges") { Description = "Do not fetch the hash exchanges (another replica does; each exchange is fetched by one at a time anyway)" };
        var config = new Option<string?>("--config")
        {
            Description = "Read the serve settings from this JSON file (sections store, server, metrics, audit, review, reporting, actions; see --print-config); VIGIL_* environment variables, then options, override it",
            HelpName = "FILE",
        };
        var printConfig = new Option<bool>("--print-config")
        {
            Description = "Print the settings in effect (file, environment and options merged) as JSON, passwords masked, and exit",
        };
        var confirmedBank = new Option<string?>("--confirmed-bank")
        {
            Description = "Bank that reviewers' confirmed items' hashes go into, with provenance, so the next copy matches without review (created when missing)",
            HelpName = "NAME",
        };
        var falsePositiveBank = new Option<string?>("--false-positive-bank")
        {
            Description = "Negative bank that false positives' query hashes go into, so the same false match is suppressed next time (created when missing)",
            HelpName = "NAME",
        };
        var fourEyes = new Option<bool>("--four-eyes") { Description = "A case is reported only when two different reviewers say report" };
        var vaultKey = new Option<string?>("--vault-key")
        {
            Description = "Keep case media in the evidence vault, encrypted under this master key file (made by 'vigil review init-key'); without it no media is kept",
            HelpName = "FILE",
        };
        var cybertipline = ReportingSetup.CyberTiplineOption();
        var classifier = new Option<string?>("--classifier")
        {
            Description = "Score uploads sent with classify=true (POST /v1/cases, POST /m/lookup) with this classifier's manifest (docs/classifiers.md); "
                          + "past its threshold an upload nothing matched opens a review case of source classifier",
            HelpName = "MANIFEST",
        };
        var textModel = Vigil.Cli.Conversations.TextModelOption.Create();
        var conversationRules = new Option<string?>("--conversation-rules")
        {
            Description = "Score conversations sent to POST /v1/conversations/ID/messages by this rule file (docs/conversations.md); default: the built-in rules",
            HelpName = "FILE",
        };
        var compat = CommonOptions.Compat();
        var command = new Command("serve", "Run the service: HMA's API (GET /status, GET /m/lookup, POST /h/hash, GET /c/banks, ...) with API keys ('vigil apikey create'); Ctrl-C stops it gracefully")
        {
            urls, maxUploadMb, videoTimeout, allowHashUrl, psi, metrics, metricsUrls, auditCheckpoints, auditKey, auditInterval, confirmedBank, falsePositiveBank,
            fourEyes, vaultKey, actions, allowWebhookUrl, allowExchangeUrl, backfillShare, noExchanges, cybertipline, classifier, conversationRules, textModel, compat, config, printConfig,
        };
        command.SetAction(async (parse, ct) =>
        {
            // The file, then the environment, then the options given on the command line.
            ServeConfig? file = null;
            if (parse.GetValue(config) is { } configPath)
            {
                (file, string? fileError) = ServeConfigResolver.LoadFile(configPath);
                if (fileError is not null)
                {
                    error.WriteLine($"error: {fileError}");
                    return ExitCodes.Usage;
                }
            }
            var (environment, environmentError) = ServeConfigResolver.FromEnvironment(Environment.GetEnvironmentVariable);
            if (environmentError is not null)
            {
                error.WriteLine($"error: {environmentError}");
                return ExitCodes.Usage;
            }
            var effective = ServeConfigResolver.Merge(file, environment, new ServeConfig
            {
                Store = new StoreSection { Db = Given(parse, StoreOption.Db), Postgres = Given(parse, StoreOption.Postgres) },
                Server = new ServerSection
                {
                    Urls = Given(parse, urls),
                    MaxUploadMb = parse.GetResult(maxUploadMb) is { Implicit: false } ? parse.GetValue(maxUploadMb) : null,
                    VideoTimeoutSeconds = parse.GetResult(videoTimeout) is { Implicit: false } ? parse.GetValue(videoTimeout) : null,
                    AllowHashUrl = parse.GetResult(allowHashUrl) is { Implicit: false } ? parse.GetValue(allowHashUrl) : null,
                    Psi = Given(parse, psi),
                    Compat = parse.GetResult(compat) is { Implicit: false } ? parse.GetValue(compat) : null,
                },
                Metrics = new MetricsSection
                {
                    Enabled = parse.GetResult(metrics) is { Implicit: false } ? parse.GetValue(metrics) : null,
                    Urls = Given(parse, metricsUrls),
                },
                Audit = new AuditSection
                {
                    Checkpoints = Given(parse, auditCheckpoints),
                    Key = Given(parse, auditKey),
                    CheckpointIntervalSeconds = parse.GetValue(auditInterval),
                },
                Review = new ReviewSection
                {
                    ConfirmedBank = Given(parse, confirmedBank),
                    FalsePositiveBank = Given(parse, falsePositiveBank),
                    FourEyes = parse.GetResult(fourEyes) is { Implicit: false } ? parse.GetValue(fourEyes) : null,
                    VaultKey = Given(parse, vaultKey),
                },
                Actions = new ActionsSection
                {
                    Rules = Given(parse, actions),
                    AllowWebhookUrl = parse.GetResult(allowWebhookUrl) is { Implicit: false } ? parse.GetValue(allowWebhookUrl) : null,
                },
            });
            if (ServeConfigResolver.CheckLayer(effective) is { } mergedError)
            {
                error.WriteLine($"error: {mergedError}");
                return ExitCodes.Usage;
            }
            if (effective.Store!.Postgres is null)
                effective = effective with { Store = effective.Store with { Db = StoreLocation.Resolve(effective.Store.Db) } };
            if (parse.GetValue(printConfig))
            {
                output.WriteLine(ServeConfigResolver.Print(effective));
                return ExitCodes.Success;
            }

            // The published list first: a server that was asked to process vouchers must not start without it.
            PsiList? list = null;
            if (effective.Server!.Psi is { } psiDirectory)
            {
                try
                {
                    list = PsiList.Load(psiDirectory);
                }
                catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
                {
                    error.WriteLine($"error: --psi {psiDirectory}: {e.Message}");
                    return ExitCodes.Failure;
                }
            }
            // The action rules too: a rule with a bad field, a missing secret or a URL outside the allow-list is one error.
            Vigil.Review.Actions.ActionRuleSet? rules = null;
            try
            {
                rules = effective.Actions?.LoadRules()?.Rules;
            }
            catch (Vigil.Review.Actions.ActionRulesException e)
            {
                error.WriteLine($"error: {e.Message}");
                return ExitCodes.Usage;
            }
            // The audit signing key before anything listens: a bad key file is one error, not a failed start.
            if (ServeConfigResolver.AuditKeyFile(effective.Audit) is { } keyFile)
            {
                try
                {
                    var key = await Vigil.Server.Audit.AuditSigningKey.LoadOrCreateAsync(keyFile, ct);
                    string publicKey = Convert.ToHexStringLower(key.PublicKey);
                    error.WriteLine(key.Created
                        ? $"vigil: made a new audit signing key {keyFile}; its public key, to pin for 'vigil audit verify --key', is {publicKey}"
                        : $"vigil: audit checkpoints to {effective.Audit!.Checkpoints}, signed by {publicKey}");
                }
                catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
                {
                    error.WriteLine($"error: --audit-key {keyFile}: {e.Message}");
                    return ExitCodes.Failure;
                }
            }
            // The evidence vault's key before anything listens: a server told to keep evidence must be able to.
            Vigil.Review.Evidence.EvidenceVault? vault = null;
            if (effective.Review?.VaultKey is { } vaultKeyFile)
            {
                try
                {
                    var wrapper = Vigil.Review.Evidence.KeyFileWrapper.Load(vaultKeyFile);
                    vault = new Vigil.Review.Evidence.EvidenceVault(wrapper);
                    error.WriteLine($"vigil: case media kept in the evidence vault under master key {wrapper.KeyId} ({vaultKeyFile})");
                }
                catch (Vigil.Review.Evidence.KeyFileException e)
                {
                    error.WriteLine($"error: --vault-key {vaultKeyFile}: {e.Message}");
                    return ExitCodes.Failure;
                }
            }
            // Reporting last: it needs the vault (the files it reports are read from it), and production needs both opt-ins.
            ReportingSettings? reporting = null;
            if (effective.Reporting is not null || parse.GetValue(cybertipline) is not null)
            {
                if (ReportingSetup.EnvironmentProblem(effective.Reporting, parse.GetValue(cybertipline)) is { } environmentProblem)
                {
                    error.WriteLine($"error: {environmentProblem}");
                    return ExitCodes.Usage;
                }
                if (vault is null)
                {
                    error.WriteLine("error: reporting needs the evidence vault, where the reported files are kept: give --vault-key FILE or review.vault_key in the config ('vigil review init-key' makes one)");
                    return ExitCodes.Failure;
                }
                (reporting, string? reportingError) = ReportingSetup.Resolve(effective.Reporting!, parse.GetValue(cybertipline), Environment.GetEnvironmentVariable);
                if (reportingError is not null)
                {
                    error.WriteLine($"error: {reportingError}");
                    return ExitCodes.Failure;
                }
                error.WriteLine($"vigil: reporting on: cases decided report are filed with {ReportingSetup.Describe(reporting!)}");
            }
            // The classifier before anything listens: a manifest or model that does not load is one clear error, not a 502 per request.
            Vigil.Classifiers.IMediaClassifier? model = null;
            if (parse.GetValue(classifier) is { } manifestPath)
            {
                try
                {
                    model = Vigil.Classifiers.MediaClassifiers.Open(manifestPath);
                    error.WriteLine($"vigil: classifier {model.Manifest.Name} {model.Manifest.Version} scores uploads sent with classify=true (threshold {model.Manifest.Threshold.ToString(System.Globalization.CultureInfo.InvariantCulture)})");
                }
                catch (Exception e) when (e is Vigil.Classifiers.Manifests.ClassifierManifestException or Vigil.Classifiers.ClassifierException)
                {
                    error.WriteLine($"error: --classifier: {e.Message}");
                    return ExitCodes.Failure;
                }
            }
            using var ownedModel = model;
            var (textScorer, textSignal) = Vigil.Cli.Conversations.TextModelOption.Load(parse.GetValue(textModel), error, out bool textModelFailed);
            if (textModelFailed)
                return ExitCodes.Failure;
            using var ownedTextScorer = textScorer;
            Vigil.Conversations.RiskRules? riskRules = null;
            if (parse.GetValue(conversationRules) is { } rulesPath)
            {
                try
                {
                    riskRules = Vigil.Conversations.RiskRules.Load(rulesPath);
                    error.WriteLine($"vigil: conversations scored by rules {riskRules.Version} ({rulesPath}, threshold {riskRules.Threshold.ToString(System.Globalization.CultureInfo.InvariantCulture)})");
                }
                catch (Vigil.Conversations.RiskRulesException e)
                {
                    error.WriteLine($"error: --conversation-rules: {e.Message}");
                    return ExitCodes.Failure;
                }
            }
            try
            {
                ImageDecoder.EnsureNativeLibraries(includeLibVips: false);
            }
            catch (DllNotFoundException e)
            {
                error.WriteLine($"warning: {e.Message}; the media endpoints (POST /h/hash, POST /m/lookup, POST /c/bank/NAME/content) will answer 503");
            }
            // Replicas share one PostgreSQL database; the store was chosen above (options, environment, file).
            IVigilStore store = await StoreOption.OpenAsync(effective.Store.Db, effective.Store.Postgres, _ => null, ct);
            await using (store)
            {
                var settings = ServeConfigResolver.ToSettings(effective, list, rules) with
                {
                    EvidenceVault = vault,
                    Reporting = reporting,
                    Classifier = model,
                    ConversationRules = riskRules,
                    ConversationTextModel = textSignal,
                    FetchExchanges = !parse.GetValue(noExchanges),
                    ExchangeSchedule = new ExchangeScheduleOptions { Limits = new FetchLimits { BackfillShare = parse.GetValue(backfillShare) } },
                    ExchangeUrlAllowList = ExchangeFetchCommand.AllowList(parse.GetValue(allowExchangeUrl), Environment.GetEnvironmentVariable),
                };
                // Until the service listens, the host's own report of a failed start is left out: the one error line below says it.
                bool started = false;
                var app = VigilServer.Build(store, settings, logging =>
                {
                    logging.AddJsonConsole();
                    logging.AddFilter((_, category, _) => Volatile.Read(ref started) || category is null || !category.StartsWith("Microsoft.Extensions.Hosting", StringComparison.Ordinal));
                });
                try
                {
                    await app.StartAsync(ct);
                    Volatile.Write(ref started, true);
                }
                catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
                {
                    error.WriteLine($"error: {ListenError(e, settings)}");
                    await app.DisposeAsync();
                    return ExitCodes.Failure;
                }
                string addresses = string.Join(", ", app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [settings.Urls]);
                error.WriteLine($"vigil: serving {store.Location} on {addresses} (Ctrl-C to stop)");
                if (app.Services.GetService<MetricsListener>() is { } metricsListener)
                    error.WriteLine($"vigil: metrics on {string.Join(", ", metricsListener.Addresses)}/metrics only");
                else if (settings.Metrics)
                    error.WriteLine("vigil: metrics on /metrics (no key needed)");
                if (list is not null)
                {
                    error.WriteLine($"vigil: private matching on: list version {list.ListVersion}, threshold {list.Threshold}, {list.Manifest.Entries:N0} entries from {string.Join(", ", list.Banks)} ({list.Location}); POST /v1/vouchers takes {list.VoucherSize:N0}-byte vouchers");
                }
                if (rules is { IsEmpty: false })
                    error.WriteLine($"vigil: actions on: {rules.Rules.Count} rule(s) from {effective.Actions!.Rules}, webhooks under {string.Join(", ", settings.WebhookUrlAllowList)}");
                if (settings.HashUrlAllowList is { Count: > 0 } allowed)
                    error.WriteLine($"vigil: GET /h/hash?url= may fetch under {string.Join(", ", allowed)}");
                try
                {
                    await Task.Delay(Timeout.Infinite, ct);
                }
                catch (OperationCanceledException)
                {
                    error.WriteLine("vigil: stopping (finishing requests in flight)");
                }
                await app.StopAsync(CancellationToken.None);
                await app.DisposeAsync();
            }
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>An option's value when it was given on the command line, else null.</summary>
    private static string? Given(ParseResult parse, Option<string?> option) =>
        parse.GetResult(option) is { Implicit: false } ? parse.GetValue(option) : null;

    /// <summary>
    /// One line for a listener that could not start: Kestrel's "Failed to bind to address URL:
    /// address already in use." becomes "cannot listen on URL: address already in use".
    /// </summary>
    internal static string ListenError(Exception exception, ServerSettings settings)
    {
        if (exception is System.Net.Sockets.SocketException socket)
            return $"cannot listen on {settings.Urls}: {socket.Message}";
        var bind = BindFailure().Match(exception.Message);
        string address = bind.Success ? bind.Groups["address"].Value : settings.Urls;
        string why = exception.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException || exception.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase)
            ? "address already in use"
            : (exception.InnerException?.Message ?? (bind.Success ? bind.Groups["why"].Value : exception.Message)).TrimEnd('.');
        return $"cannot listen on {address}: {why}";
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"address (?<address>\S+?):? (?<why>[^:]*)$")]
    private static partial System.Text.RegularExpressions.Regex BindFailure();
}
