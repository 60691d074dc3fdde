using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Vigil.Cli.Commands;
using Vigil.Media;
using Vigil.Server;

namespace Vigil.Cli.Serve;

/// <summary>
/// The settings <c>vigil serve</c> runs with: the config file's, overridden by <c>VIGIL_*</c>
/// environment variables, overridden by command-line options, over the defaults; each layer is
/// checked (with the file's key or the variable's name in the error) before they are merged. The
/// store is chosen as a whole by the highest layer that names one: naming both a SQLite file and a
/// PostgreSQL database in one layer is an error, never a silent choice.
/// </summary>
internal static class ServeConfigResolver
{
    public const string UrlsVariable = "VIGIL_URLS";
    public const string MaxUploadMbVariable = "VIGIL_MAX_UPLOAD_MB";
    public const string VideoTimeoutVariable = "VIGIL_VIDEO_TIMEOUT";
    public const string AllowHashUrlVariable = "VIGIL_ALLOW_HASH_URL";
    public const string PsiVariable = "VIGIL_PSI";
    public const string CompatVariable = "VIGIL_COMPAT";
    public const string MetricsVariable = "VIGIL_METRICS";
    public const string MetricsUrlsVariable = "VIGIL_METRICS_URLS";
    public const string AuditCheckpointsVariable = "VIGIL_AUDIT_CHECKPOINTS";
    public const string AuditKeyVariable = "VIGIL_AUDIT_KEY";
    public const string AuditIntervalVariable = "VIGIL_AUDIT_CHECKPOINT_INTERVAL";
    public const string ActionsVariable = "VIGIL_ACTIONS";
    public const string AllowWebhookUrlVariable = "VIGIL_ALLOW_WEBHOOK_URL";

    /// <summary>The signing key's file name when only the checkpoint file is given: beside it.</summary>
    public const string DefaultAuditKeyName = "audit-signing.key";

    private const long MiB = 1024 * 1024;
    private const string Masked = "***";

    /// <summary>The settings in effect when nothing is given.</summary>
    public static ServeConfig Defaults { get; } = new()
    {
        Store = new StoreSection(),
        Server = new ServerSection
        {
            Urls = new ServerSettings().Urls,
            MaxUploadMb = (int)(new ServerSettings().MaxUploadBytes / MiB),
            VideoTimeoutSeconds = (int)new ServerSettings().VideoHashTimeout.TotalSeconds,
            AllowHashUrl = [],
            Psi = null,
            Compat = "reference",
        },
        Metrics = new MetricsSection { Enabled = false, Urls = null },
        Audit = new AuditSection { Checkpoints = null, Key = null, CheckpointIntervalSeconds = 60 },
        Review = ReviewSection.Defaults,
        Actions = new ActionsSection { Rules = null, AllowWebhookUrl = [] },
    };

    /// <summary>Reads and checks a config file; the error names the file and the key.</summary>
    public static (ServeConfig? Config, string? Error) LoadFile(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, $"--config {path}: {e.Message}");
        }
        var type = ServeConfigJsonContext.Default.ServeConfig;
        ReadOnlySpan<byte> text = bytes;
        if (text.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
            text = text[3..];
        // '//' and '/* */' comments (as 'vigil report init-config' writes them) go before the strict checks, which read plain JSON.
        if (text.IndexOf((byte)'/') >= 0)
        {
            try
            {
                bytes = WithoutComments(text);
                text = bytes;
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException)
            {
                return (null, $"--config {path}: {e.Message}");
            }
        }
        if (StrictJson.Validate(text, type) is { } invalid)
        {
            return (null, invalid.Kind == StrictJsonErrorKind.UnknownField
                ? $"--config {path}: unknown key '{invalid.Path}' ({KnownKeys(type, invalid.Path!)})"
                : $"--config {path}: {invalid.Message}");
        }
        try
        {
            var config = JsonSerializer.Deserialize(text, type);
            if (config is null)
                return (null, $"--config {path}: the file must hold a JSON object with the sections store, server, metrics, audit, actions, review and reporting");
            return Check(config, key => $"--config {path}: {key}") is { } error ? (null, error) : (config, null);
        }
        catch (JsonException e)
        {
            string key = e.Path is null or "$" ? "" : e.Path.TrimStart('$', '.');
            return (null, key.Length == 0
                ? $"--config {path}: the file must hold a JSON object with the sections store, server, metrics, audit, actions, review and reporting"
                : $"--config {path}: {key} has a value of the wrong type");
        }
    }

    /// <summary>The same JSON without its comments (strings keep their slashes).</summary>
    private static byte[] WithoutComments(ReadOnlySpan<byte> text)
    {
        var reader = new Utf8JsonReader(text, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 64 });
        using var buffer = new MemoryStream(text.Length);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject: writer.WriteStartObject(); break;
                    case JsonTokenType.EndObject: writer.WriteEndObject(); break;
                    case JsonTokenType.StartArray: writer.WriteStartArray(); break;
                    case JsonTokenType.EndArray: writer.WriteEndArray(); break;
                    case JsonTokenType.PropertyName: writer.WritePropertyName(reader.GetString()!); break;
                    case JsonTokenType.String: writer.WriteStringValue(reader.GetString()); break;
                    case JsonTokenType.Number: writer.WriteRawValue(reader.ValueSpan, skipInputValidation: true); break;
                    case JsonTokenType.True: writer.WriteBooleanValue(true); break;
                    case JsonTokenType.False: writer.WriteBooleanValue(false); break;
                    case JsonTokenType.Null: writer.WriteNullValue(); break;
                }
            }
        }
        return buffer.ToArray();
    }

    /// <summary>A comma-separated variable's entries, each trimmed, empty ones dropped (null when the variable is unset).</summary>
    public static string[]? CommaList(string? value) =>
        value?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The settings the <c>VIGIL_*</c> variables give (unset ones not set), or the error naming the variable.</summary>
    public static (ServeConfig? Config, string? Error) FromEnvironment(Func<string, string?> environment)
    {
        string? Get(string name) => environment(name) is { Length: > 0 } value ? value : null;
        int? maxUpload = null, videoTimeout = null, auditInterval = null;
        bool? metrics = null;
        if (Get(MaxUploadMbVariable) is { } mb)
        {
            if (!int.TryParse(mb, NumberStyles.None, CultureInfo.InvariantCulture, out int value))
                return (null, $"${MaxUploadMbVariable}: not a whole number of MiB: '{mb}'");
            maxUpload = value;
        }
        if (Get(VideoTimeoutVariable) is { } seconds)
        {
            if (!int.TryParse(seconds, NumberStyles.None, CultureInfo.InvariantCulture, out int value))
                return (null, $"${VideoTimeoutVariable}: not a whole number of seconds: '{seconds}'");
            videoTimeout = value;
        }
        if (Get(AuditIntervalVariable) is { } interval)
        {
            if (!int.TryParse(interval, NumberStyles.None, CultureInfo.InvariantCulture, out int value))
                return (null, $"${AuditIntervalVariable}: not a whole number of seconds: '{interval}'");
            auditInterval = value;
        }
        if (Get(MetricsVariable) is { } on)
        {
            metrics = on.ToLowerInvariant() switch
            {
                "1" or "true" or "yes" or "on" => true,
                "0" or "false" or "no" or "off" => false,
                _ => null,
            };
            if (metrics is null)
                return (null, $"${MetricsVariable}: say true or false, not '{on}'");
        }
        string? postgres = Get(StoreOption.PostgresEnvironmentVariable), db = Get(Vigil.Storage.StoreLocation.EnvironmentVariable);
        if (postgres is not null && db is not null)
            return (null, $"both ${Vigil.Storage.StoreLocation.EnvironmentVariable} and ${StoreOption.PostgresEnvironmentVariable} are set: unset one, or choose with --db or --postgres");
        var config = new ServeConfig
        {
            Store = new StoreSection { Db = db, Postgres = postgres },
            Server = new ServerSection
            {
                Urls = Get(UrlsVariable),
                MaxUploadMb = maxUpload,
                VideoTimeoutSeconds = videoTimeout,
                AllowHashUrl = CommaList(Get(AllowHashUrlVariable)),
                Psi = Get(PsiVariable),
                Compat = Get(CompatVariable),
            },
            Metrics = new MetricsSection { Enabled = metrics, Urls = Get(MetricsUrlsVariable) },
            Audit = new AuditSection { Checkpoints = Get(AuditCheckpointsVariable), Key = Get(AuditKeyVariable), CheckpointIntervalSeconds = auditInterval },
            Actions = new ActionsSection
            {
                Rules = Get(ActionsVariable),
                AllowWebhookUrl = CommaList(Get(AllowWebhookUrlVariable)),
            },
        };
        var names = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["server.urls"] = UrlsVariable,
            ["server.max_upload_mb"] = MaxUploadMbVariable,
            ["server.video_timeout_seconds"] = VideoTimeoutVariable,
            ["server.allow_hash_url"] = AllowHashUrlVariable,
            ["server.compat"] = CompatVariable,
            ["metrics.urls"] = MetricsUrlsVariable,
            ["audit.checkpoints"] = AuditCheckpointsVariable,
            ["audit.key"] = AuditKeyVariable,
            ["audit.checkpoint_interval_seconds"] = AuditIntervalVariable,
            ["actions.rules"] = ActionsVariable,
            ["actions.allow_webhook_url"] = AllowWebhookUrlVariable,
        };
        return Check(config, key => "$" + names[key]) is { } error ? (null, error) : (config, null);
    }

    /// <summary>Merges the layers, each key from the highest layer that sets it (the store as a whole), over <see cref="Defaults"/>.</summary>
    public static ServeConfig Merge(params ServeConfig?[] lowestFirst)
    {
        var result = Defaults;
        foreach (var layer in lowestFirst)
        {
            if (layer is null)
                continue;
            var store = layer.Store is { Db: not null } or { Postgres: not null } ? layer.Store : result.Store;
            result = new ServeConfig
            {
                Store = store,
                Server = new ServerSection
                {
                    Urls = layer.Server?.Urls ?? result.Server!.Urls,
                    MaxUploadMb = layer.Server?.MaxUploadMb ?? result.Server!.MaxUploadMb,
                    VideoTimeoutSeconds = layer.Server?.VideoTimeoutSeconds ?? result.Server!.VideoTimeoutSeconds,
                    AllowHashUrl = layer.Server?.AllowHashUrl ?? result.Server!.AllowHashUrl,
                    Psi = layer.Server?.Psi ?? result.Server!.Psi,
                    Compat = layer.Server?.Compat ?? result.Server!.Compat,
                },
                Metrics = new MetricsSection
                {
                    Enabled = layer.Metrics?.Enabled ?? result.Metrics!.Enabled,
                    Urls = layer.Metrics?.Urls ?? result.Metrics!.Urls,
                },
                Audit = new AuditSection
                {
                    Checkpoints = layer.Audit?.Checkpoints ?? result.Audit!.Checkpoints,
                    Key = layer.Audit?.Key ?? result.Audit!.Key,
                    CheckpointIntervalSeconds = layer.Audit?.CheckpointIntervalSeconds ?? result.Audit!.CheckpointIntervalSeconds,
                },
                Actions = new ActionsSection
                {
                    Rules = layer.Actions?.Rules ?? result.Actions!.Rules,
                    AllowWebhookUrl = layer.Actions?.AllowWebhookUrl ?? result.Actions!.AllowWebhookUrl,
                },
                Review = (result.Review ?? ReviewSection.Defaults).Over(layer.Review),
                Reporting = layer.Reporting ?? result.Reporting,
            };
        }
        return result;
    }

    /// <summary>The server's settings from the merged config (the PSI list and the action rules loaded by the caller).</summary>
    public static ServerSettings ToSettings(ServeConfig config, PsiList? privateMatching, Vigil.Review.Actions.ActionRuleSet? actions = null) => new()
    {
        Actions = actions,
        WebhookUrlAllowList = config.Actions?.AllowWebhookUrl ?? [],
        Urls = config.Server!.Urls!,
        MaxUploadBytes = config.Server.MaxUploadMb!.Value * MiB,
        VideoHashTimeout = TimeSpan.FromSeconds(config.Server.VideoTimeoutSeconds!.Value),
        HashUrlAllowList = config.Server.AllowHashUrl ?? [],
        PrivateMatching = privateMatching,
        Compat = config.Server.Compat == "pytx" ? Vigil.Media.DecodeCompat.Pytx : Vigil.Media.DecodeCompat.Reference,
        Metrics = config.Metrics!.Enabled ?? false,
        MetricsUrls = config.Metrics.Urls,
        AuditCheckpoints = config.Audit?.Checkpoints is { } checkpoints
            ? new Vigil.Server.Audit.AuditCheckpointSettings(checkpoints, AuditKeyFile(config.Audit)!)
            {
                Interval = TimeSpan.FromSeconds(config.Audit.CheckpointIntervalSeconds ?? 60),
            }
            : null,
        Review = (config.Review ?? ReviewSection.Defaults).ToOptions(),
        ReviewUi = (config.Review ?? ReviewSection.Defaults).ToUiSettings(),
    };

    /// <summary>The audit signing key's file: the one named, or <see cref="DefaultAuditKeyName"/> beside the checkpoint file; null when checkpoints are off.</summary>
    public static string? AuditKeyFile(AuditSection? audit) =>
        audit?.Checkpoints is not { } checkpoints ? null
        : audit.Key ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(checkpoints))!, DefaultAuditKeyName);

    /// <summary>
    /// The merged config as JSON, with its secret masked: the PostgreSQL connection string's password
    /// (URLs cannot carry one: the allow-list refuses user info, and listen addresses have none).
    /// </summary>
    public static string Print(ServeConfig config)
    {
        var masked = config with { Store = config.Store! with { Postgres = MaskConnectionString(config.Store!.Postgres) } };
        return JsonSerializer.Serialize(masked, ServeConfigJsonContext.Default.ServeConfig);
    }

    /// <summary>A connection string with its password (Password, Pwd) replaced by <c>***</c>; all of it when it cannot be read.</summary>
    internal static string? MaskConnectionString(string? connection)
    {
        if (connection is null)
            return null;
        try
        {
            var builder = new DbConnectionStringBuilder { ConnectionString = connection };
            foreach (string key in builder.Keys.Cast<string>().ToList())
            {
                if (key.Equals("password", StringComparison.OrdinalIgnoreCase) || key.Equals("pwd", StringComparison.OrdinalIgnoreCase))
                    builder[key] = Masked;
            }
            return builder.ConnectionString;
        }
        catch (ArgumentException)
        {
            return Masked;
        }
    }

    /// <summary>Checks the merged settings (what no single layer can: a key file given in one layer, checkpoints in none).</summary>
    public static string? CheckLayer(ServeConfig merged) => Check(merged, key => key);

    /// <summary>Checks a layer's values as the options' validators do; <paramref name="where"/> names the key's source.</summary>
    private static string? Check(ServeConfig config, Func<string, string> where)
    {
        if (config.Store is { Db: { Length: > 0 }, Postgres: { Length: > 0 } })
            return $"{where("store")}: db and postgres name two different stores: give one of them";
        if (config.Server?.Urls is { } urls && string.IsNullOrWhiteSpace(urls))
            return $"{where("server.urls")}: no address to listen on";
        if (config.Server?.MaxUploadMb is { } mb && (mb < 1 || mb > MediaEndpoints.MaxUploadLimit / MiB))
            return $"{where("server.max_upload_mb")} must be 1..{MediaEndpoints.MaxUploadLimit / MiB}, not {mb}";
        if (config.Server?.VideoTimeoutSeconds is { } seconds && seconds is < 1 or > 86_400)
            return $"{where("server.video_timeout_seconds")} must be 1..86400 seconds, not {seconds}";
        foreach (string? entry in config.Server?.AllowHashUrl ?? [])
        {
            if (!UrlPrefixAllowList.TryValidateEntry(entry ?? "", out string? why))
                return $"{where("server.allow_hash_url")}: {entry}: {why}";
        }
        if (config.Server?.Compat is { } compat && compat is not ("reference" or "pytx"))
            return $"{where("server.compat")} must be reference or pytx, not '{compat}'";
        if (config.Metrics?.Urls is { } metricsUrls && string.IsNullOrWhiteSpace(metricsUrls))
            return $"{where("metrics.urls")}: no address to listen on";
        if (config.Audit?.CheckpointIntervalSeconds is { } interval && interval is < 0 or > 86_400)
            return $"{where("audit.checkpoint_interval_seconds")} must be 0..86400 seconds, not {interval}";
        foreach (string? entry in config.Actions?.AllowWebhookUrl ?? [])
        {
            if (!UrlPrefixAllowList.TryValidateEntry(entry ?? "", out string? why))
                return $"{where("actions.allow_webhook_url")}: {entry}: {why}";
        }
        if (config.Actions?.Rules is { } rules && string.IsNullOrWhiteSpace(rules))
            return $"{where("actions.rules")}: no rules file named";
        if (config.Audit is { Key: not null, Checkpoints: null })
            return $"{where("audit.key")}: the signing key is for checkpoints: give the checkpoint file too";
        if (config.Review?.Problem() is { } review)
            return $"{where("review")}: {review}";
        if (config.Reporting?.Problem() is { } reporting)
            return $"{where("reporting")}: {reporting}";
        return null;
    }

    /// <summary>The keys allowed where an unknown one was found (at the root, or in its section).</summary>
    private static string KnownKeys(JsonTypeInfo root, string path)
    {
        var type = root;
        string[] parts = path.Split('.');
        string where = "at the top";
        foreach (string part in parts[..^1])
        {
            var property = type.Properties.FirstOrDefault(p => p.Name == part);
            if (property is null)
                break;
            type = type.Options.GetTypeInfo(property.PropertyType);
            where = $"in {part}";
        }
        return $"known {where}: {string.Join(", ", type.Properties.Select(p => p.Name))}";
    }
}
