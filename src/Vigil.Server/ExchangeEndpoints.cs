using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Vigil.Exchanges.Clients.Ncmec;
using Vigil.Exchanges.Clients.StopNcii;
using Vigil.Exchanges.Clients.ThreatExchange;
using Vigil.Exchanges.Sync;
using Vigil.Storage;

namespace Vigil.Server;

/// <summary>
/// HMA's exchange endpoints (<c>/c/exchanges</c>, <c>/c/exchange/NAME</c>, <c>/c/exchange/NAME/status</c>,
/// <c>/c/exchanges/apis</c>, <c>/c/exchanges/api/NAME</c>; docs/hma-api.md), curator keys only (admin
/// always). As in HMA an exchange is named after the bank it fills, and creating one creates that bank
/// when it is missing. Credentials are never taken over HTTP: Vigil reads them from a file named on
/// the server's host or from the server's environment, so a request that carries them is a 400.
/// </summary>
public static class ExchangeEndpoints
{
    private const string BadBank = "Field `bank` must match /^[A-Z0-9_]+$/";

    private static readonly RequiresRole Curator = new(ApiKeyRole.Curator);

    /// <summary>Only builds a <c>url</c> client to check its URL against the allow-list, as a fetch would; it never sends.</summary>
    private static readonly HttpClient NeverUsed = new();

    /// <summary>Vigil's exchange types by HMA's API names (and Vigil's own <c>url</c>), in the order listed.</summary>
    private static readonly (string Api, string Type)[] Apis =
    [
        ("fb_threatexchange", "threatexchange"),
        ("ncmec", "ncmec"),
        ("stop_ncii", "stopncii"),
        ("url", "url"),
    ];

    /// <summary>Maps the exchange endpoints.</summary>
    public static void Map(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/c/exchanges/apis", () => Results.Json(Apis.Select(a => a.Api))).WithMetadata(Curator);
        app.MapGet("/c/exchanges/api/{api_name}", (string api_name) =>
            TypeOf(api_name) is { } type ? Results.Json(ApiJson(type)) : NoSuchApi(api_name)).WithMetadata(Curator);
        app.MapPost("/c/exchanges/api/{api_name}", SetApiCredentialsAsync).WithMetadata(Curator);
        app.MapGet("/c/exchanges", async (IVigilStore store, CancellationToken ct) =>
            Results.Json((await store.Exchanges.ListExchangesAsync(ct)).Select(e => e.Name))).WithMetadata(Curator);
        app.MapPost("/c/exchanges", CreateAsync).WithMetadata(Curator);
        app.MapGet("/c/exchange/{exchange_name}", async (IVigilStore store, string exchange_name, CancellationToken ct) =>
            await store.Exchanges.GetExchangeAsync(exchange_name, ct) is { } exchange ? Results.Json(ExchangeJson(exchange)) : NotFound(exchange_name))
            .WithMetadata(Curator);
        app.MapPut("/c/exchange/{exchange_name}", UpdateAsync).WithMetadata(Curator);
        app.MapDelete("/c/exchange/{exchange_name}", async (HttpContext context, IVigilStore store, string exchange_name, CancellationToken ct) =>
        {
            // As HMA: the same answer whether or not it existed. The bank and the entries it added stay.
            bool deleted = await store.Exchanges.RemoveExchangeAsync(exchange_name, ct);
            context.Items[AuditTrail.OutcomeItem] = new Dictionary<string, object?> { ["deleted"] = deleted };
            return Results.Json(new Dictionary<string, object> { ["message"] = "Exchange deleted", ["deleted"] = deleted });
        }).WithMetadata(Curator);
        app.MapGet("/c/exchange/{exchange_name}/status", async (IVigilStore store, TimeProvider clock, string exchange_name, CancellationToken ct) =>
            await store.Exchanges.GetExchangeAsync(exchange_name, ct) is { } exchange
                ? Results.Json(StatusJson(exchange, clock.GetUtcNow()))
                : NotFound(exchange_name))
            .WithMetadata(Curator);
    }

    /// <summary>HMA's words for values of the wrong type in a create body.</summary>
    private static readonly JsonBodyProblems CreateProblems = new()
    {
        InvalidField = field => field switch
        {
            "bank" => Problems.Result(400, BadBank, "bank must be a string"),
            "api" => Problems.Result(400, "Field `api` must be a string", "e.g. \"api\": \"ncmec\"; see GET /c/exchanges/apis"),
            "api_json" => Problems.Result(400, "Field `api_json` must be object", "e.g. \"api_json\": {\"environment\": \"industry\"}"),
            "api_json.enabled" => Problems.Result(400, "enabled must be true or false", "send \"enabled\": true or false"),
            "interval_seconds" => Problems.Result(400, "interval_seconds must be a whole number", "seconds between fetches, 1 to 604800"),
            _ => Problems.Result(400, $"invalid {field}", $"'{field}' has a value of the wrong type"),
        },
    };

    private static readonly JsonBodyProblems UpdateProblems = new()
    {
        InvalidField = field => field switch
        {
            "enabled" => Problems.Result(400, "enabled must be true or false", "send \"enabled\": true or false"),
            "interval_seconds" => Problems.Result(400, "interval_seconds must be a whole number", "seconds between fetches, 1 to 604800"),
            _ => Problems.Result(400, $"invalid {field}", $"'{field}' has a value of the wrong type"),
        },
    };

    private static async Task<IResult> CreateAsync(HttpContext context, IVigilStore store, ServerSettings settings, TimeProvider clock, CancellationToken ct)
    {
        var (body, error) = await JsonBody.ReadAsync(context, ExchangeJsonContext.Default.ExchangeCreateBody, CreateProblems, ct);
        if (error is not null)
            return error;
        if (body!.Bank is not { } name)
            return Problems.Result(400, "Field `bank` is required", "send {\"bank\": \"MY_EXCHANGE\", \"api\": \"ncmec\", \"api_json\": {...}}; the exchange and the bank it fills take that name");
        if (!BankName.TryValidate(name, out string? why))
            return Problems.Result(400, BadBank, why);
        // The exchange takes the bank's name, and exchange names are shorter: refused before the bank is made.
        if (name.Length > 100)
            return Problems.Result(400, BadBank, $"an exchange's bank name is at most 100 characters (it names the exchange too); got {name.Length}");
        if (body.CredentialJson is { } credentials && !IsEmpty(credentials))
            return CredentialsRefused();
        // HMA's words: it asks for `api_type` although the field is `api`.
        if (body.Api is not { } api)
            return Problems.Result(400, "Field `api_type` is required", $"send \"api\": one of {string.Join(", ", Apis.Select(a => a.Api))}");
        if (TypeOf(api) is not { } type)
            return Problems.Result(400, $"No such exchange type '{api}'", $"known: {string.Join(", ", Apis.Select(a => a.Api))}");
        var interval = TimeSpan.FromSeconds(60);
        if (body.IntervalSeconds is { } seconds)
        {
            if (seconds < 1 || seconds > 7 * 24 * 3600)
                return Problems.Result(400, "interval_seconds must be from 1 to 604800", $"got {seconds}");
            interval = TimeSpan.FromSeconds(seconds);
        }
        var settingsJson = body.ApiJson ?? new ExchangeApiJson();
        var (options, optionsError) = Options(settingsJson, name, api, type);
        if (optionsError is not null)
            return optionsError;
        var exchange = new NewExchange(name, type, name) { OptionsJson = options!.ToJsonString(), Interval = interval };
        if (type == "url")
        {
            // The URL is checked as a fetch checks it (https, under the allow-list), so a list that can never be fetched is refused now.
            var candidate = new Exchange
            {
                Id = 0, Name = name, Type = type, Bank = name, OptionsJson = exchange.OptionsJson, Interval = interval, CreatedAt = clock.GetUtcNow(),
            };
            try
            {
                ExchangeClientFactory.Create(candidate, new ExchangeClientContext(NeverUsed, _ => null, settings.ExchangeUrlAllowList));
            }
            // The factory names a bad URL with ArgumentException and an unknown format with HashListFormats' FormatException.
            catch (Exception e) when (e is ArgumentException or FormatException)
            {
                return Problems.Result(400, "Failed to parse `api_json` - the list cannot be fetched", e.Message);
            }
        }
        if (await store.Exchanges.GetExchangeAsync(name, ct) is not null)
            return Exists(name);
        bool bankCreated = false;
        if (await store.GetBankAsync(name, ct) is null)
        {
            try
            {
                await store.CreateBankAsync(new NewBank(name), ct);
                bankCreated = true;
            }
            catch (BankAlreadyExistsException)
            {
                // Created meanwhile by another request: the exchange fills it.
            }
        }
        try
        {
            await store.Exchanges.AddExchangeAsync(exchange, clock.GetUtcNow(), ct);
            if (settingsJson.Enabled == false)
                await store.Exchanges.UpdateExchangeAsync(name, new ExchangeUpdate { Enabled = false }, ct);
        }
        catch (ExchangeExistsException)
        {
            return Exists(name);
        }
        catch (ArgumentException e)
        {
            return Problems.Result(400, "Failed to parse `api_json` - verify all fields are supplied.", e.Message);
        }
        context.Items[AuditTrail.OutcomeItem] = new Dictionary<string, object?> { ["exchange"] = name, ["type"] = type, ["bank_created"] = bankCreated };
        return Results.Json(new Dictionary<string, object>
        {
            ["message"] = "Created successfully",
            ["name"] = name,
            ["bank"] = name,
            ["bank_created"] = bankCreated,
        }, statusCode: StatusCodes.Status201Created);
    }

    /// <summary>The stored options of a create body's <c>api_json</c>, each field checked against the type.</summary>
    private static (JsonObject? Options, IResult? Error) Options(ExchangeApiJson json, string name, string api, string type)
    {
        const string ParseFailed = "Failed to parse `api_json` - verify all fields are supplied.";
        if (json.BaseUrl is not null)
            return (null, Problems.Result(400, "base_url is not taken over HTTP",
                "set it on the server's host with 'vigil exchange add --base-url': a key that could set it could send the server's credentials to another host"));
        if (json.CredentialsFile is not null)
            return (null, Problems.Result(400, "credentials_file is not taken over HTTP",
                "set it on the server's host with 'vigil exchange add --credentials-file': a key that could set it could have the server read its files"));
        if (json.Name is { } givenName && givenName != name)
            return (null, Problems.Result(400, "api_json.name disagrees with bank", $"the exchange is named after its bank '{name}'; leave name out"));
        if (json.Api is { } givenApi && TypeOf(givenApi) != type)
            return (null, Problems.Result(400, "api_json.api disagrees with api", $"api is '{api}'; leave api_json.api out"));
        var options = new JsonObject();
        var fields = new (string Field, bool Given, string ForType)[]
        {
            ("privacy_group", json.PrivacyGroup is not null, "threatexchange"),
            ("environment", json.Environment is not null, "ncmec"),
            ("only_esp_ids", json.OnlyEspIds is not null, "ncmec"),
            ("url", json.Url is not null, "url"),
            ("format", json.Format is not null, "url"),
        };
        foreach (var (field, given, forType) in fields)
        {
            if (given && forType != type)
                return (null, Problems.Result(400, ParseFailed, $"api_json.{field} is for {ApiName(forType)}, not {api}"));
        }
        switch (type)
        {
            case "threatexchange":
                if (json.PrivacyGroup is not { } group || PrivacyGroup(group) is not { } id)
                    return (null, Problems.Result(400, ParseFailed, "fb_threatexchange needs api_json.privacy_group: the privacy group's id, a positive whole number"));
                options["privacy_group"] = id;
                break;
            case "ncmec":
                if (json.Environment is { } environment)
                {
                    if (!NcmecEnvironments.TryParse(environment, out _))
                        return (null, Problems.Result(400, ParseFailed, $"unknown NCMEC environment '{environment}': use industry, ngo, exploitative, test-industry, test-ngo or test-exploitative"));
                    options["environment"] = environment;
                }
                if (json.OnlyEspIds is { } esp && !(esp.ValueKind is JsonValueKind.Null || (esp.ValueKind == JsonValueKind.Array && esp.GetArrayLength() == 0)))
                    return (null, Problems.Result(400, "only_esp_ids is not supported", "Vigil keeps every member's entries (each with its member as provenance); send [] or leave it out"));
                break;
            case "url":
                if (json.Url is not { } url)
                    return (null, Problems.Result(400, ParseFailed, "url needs api_json.url: the list's https URL, under the server's exchange URL allow-list"));
                options["url"] = url;
                if (json.Format is { } format)
                    options["format"] = format;
                break;
        }
        return (options, null);
    }

    private static string? PrivacyGroup(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long number) && number > 0)
            return number.ToString(CultureInfo.InvariantCulture);
        if (value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 and <= 20 } text && text.All(char.IsAsciiDigit)
            && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long parsed) && parsed > 0)
            return text;
        return null;
    }

    private static async Task<IResult> UpdateAsync(HttpContext context, IVigilStore store, string exchange_name, CancellationToken ct)
    {
        if (await store.Exchanges.GetExchangeAsync(exchange_name, ct) is null)
            return NotFound(exchange_name);
        var (body, error) = await JsonBody.ReadAsync(context, ExchangeJsonContext.Default.ExchangeUpdateBody, UpdateProblems, ct);
        if (error is not null)
            return error;
        var update = new ExchangeUpdate { Enabled = body!.Enabled };
        if (body.IntervalSeconds is { } seconds)
        {
            if (seconds < 1 || seconds > 7 * 24 * 3600)
                return Problems.Result(400, "interval_seconds must be from 1 to 604800", $"got {seconds}");
            update = update with { Interval = TimeSpan.FromSeconds(seconds) };
        }
        var updated = await store.Exchanges.UpdateExchangeAsync(exchange_name, update, ct);
        if (updated is null)
            return NotFound(exchange_name);
        context.Items[AuditTrail.OutcomeItem] = new Dictionary<string, object?> { ["enabled"] = updated.Enabled, ["interval_seconds"] = (long)updated.Interval.TotalSeconds };
        return Results.Json(ExchangeJson(updated));
    }

    private static async Task<IResult> SetApiCredentialsAsync(HttpContext context, string api_name, CancellationToken ct)
    {
        if (TypeOf(api_name) is not { } type)
            return NoSuchApi(api_name);
        var (body, error) = await JsonBody.ReadAsync(context, ExchangeJsonContext.Default.ExchangeApiCredentialsBody,
            new JsonBodyProblems { NotObjectTitle = "this endpoint expects a json object payload" }, ct);
        if (error is not null)
            return error;
        // Clearing (null or {}) has nothing to clear: Vigil never stored any.
        if (body!.CredentialJson is { } credentials && !IsEmpty(credentials))
            return CredentialsRefused();
        return Results.Json(ApiJson(type));
    }

    private static bool IsEmpty(JsonElement value) =>
        value.ValueKind == JsonValueKind.Null || (value.ValueKind == JsonValueKind.Object && !value.EnumerateObject().Any());

    private static IResult CredentialsRefused() => Problems.Result(400, "credentials are not taken over HTTP",
        "Vigil reads an exchange's credentials from a file named on the server's host ('vigil exchange add --credentials-file') or from the server's " +
        $"environment ({ThreatExchangeCredentials.DefaultEnvironmentVariable}; {NcmecCredentials.UserVariable} and {NcmecCredentials.PasswordVariable}; " +
        $"{StopNciiCredentials.SubscriptionKeyVariable} and {StopNciiCredentials.FetchFunctionKeyVariable}), never from a request, and never keeps them in the database");

    private static IResult NotFound(string name) => Problems.Result(404, $"Exchange '{name}' not found", "see GET /c/exchanges");

    private static IResult Exists(string name) => Problems.Result(409, "Exchange already exists", $"an exchange named '{name}' exists already");

    // HMA answers 400, not 404, for an API it does not have.
    private static IResult NoSuchApi(string name) =>
        Problems.Result(400, $"no such Exchange API '{name}'", $"known: {string.Join(", ", Apis.Select(a => a.Api))}");

    /// <summary>Vigil's type for an API name (HMA's or Vigil's own), or null.</summary>
    internal static string? TypeOf(string api)
    {
        foreach (var (hma, type) in Apis)
        {
            if (api == hma || api == type)
                return type;
        }
        return null;
    }

    /// <summary>HMA's API name for a Vigil type.</summary>
    internal static string ApiName(string type) => Apis.FirstOrDefault(a => a.Type == type).Api ?? type;

    private static bool SupportsAuth(string type) => type != "url";

    /// <summary>Whether the server's environment holds the type's credentials (its variables are set; they are never read out).</summary>
    private static bool EnvironmentHasCredentials(string type)
    {
        static bool Set(string name) => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(name));
        return type switch
        {
            "threatexchange" => Set(ThreatExchangeCredentials.DefaultEnvironmentVariable),
            "ncmec" => Set(NcmecCredentials.UserVariable) && Set(NcmecCredentials.PasswordVariable),
            "stopncii" => Set(StopNciiCredentials.SubscriptionKeyVariable) && Set(StopNciiCredentials.FetchFunctionKeyVariable),
            _ => false,
        };
    }

    private static string[] EnvironmentVariables(string type) => type switch
    {
        "threatexchange" => [ThreatExchangeCredentials.DefaultEnvironmentVariable],
        "ncmec" => [NcmecCredentials.UserVariable, NcmecCredentials.PasswordVariable],
        "stopncii" => [StopNciiCredentials.SubscriptionKeyVariable, StopNciiCredentials.FetchFunctionKeyVariable, StopNciiCredentials.FeedbackFunctionKeyVariable],
        _ => [],
    };

    /// <summary>HMA's API config answer (its spelling), with where Vigil takes the credentials from.</summary>
    private static Dictionary<string, object> ApiJson(string type) => new()
    {
        ["supports_authentification"] = SupportsAuth(type),
        ["has_set_authentification"] = EnvironmentHasCredentials(type),
        ["name"] = ApiName(type),
        ["type"] = type,
        ["credential_sources"] = SupportsAuth(type) ? new[] { "file", "environment" } : [],
        ["environment_variables"] = EnvironmentVariables(type),
    };

    /// <summary>HMA's exchange config (<c>name</c>, <c>api</c>, <c>enabled</c>, the type's fields, <c>credential_status</c>), with Vigil's settings.</summary>
    internal static Dictionary<string, object?> ExchangeJson(Exchange exchange)
    {
        var json = new Dictionary<string, object?>
        {
            ["name"] = exchange.Name,
            ["api"] = ApiName(exchange.Type),
            ["enabled"] = exchange.Enabled,
        };
        JsonElement options;
        try
        {
            using var document = JsonDocument.Parse(exchange.OptionsJson);
            options = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            options = default;
        }
        if (options.ValueKind == JsonValueKind.Object)
        {
            foreach (var option in options.EnumerateObject())
            {
                // HMA's privacy_group is a number.
                json[option.Name] = option.Name == "privacy_group" && option.Value.ValueKind == JsonValueKind.String
                    && long.TryParse(option.Value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out long id)
                    ? id
                    : option.Value;
            }
        }
        if (exchange.Type == "ncmec")
        {
            json.TryAdd("environment", "industry");
            json["only_esp_ids"] = Array.Empty<long>();
        }
        string? source = null;
        bool has = false;
        if (SupportsAuth(exchange.Type))
        {
            if (exchange.CredentialsFile is { } file)
                (source, has) = ("file", File.Exists(file));
            else if (EnvironmentHasCredentials(exchange.Type))
                (source, has) = ("environment", true);
        }
        json["credential_status"] = new Dictionary<string, object?>
        {
            ["supports_auth"] = SupportsAuth(exchange.Type),
            ["has_credentials"] = has,
            ["source"] = source,
        };
        json["type"] = exchange.Type;
        json["bank"] = exchange.Bank;
        json["interval_seconds"] = (long)exchange.Interval.TotalSeconds;
        json["base_url"] = exchange.BaseUrl;
        json["created_at"] = exchange.CreatedAt.ToUnixTimeSeconds();
        return json;
    }

    /// <summary>HMA's fetch status (its storage's fields, and its docstring's), with Vigil's counts, last error and checkpoint age.</summary>
    internal static Dictionary<string, object?> StatusJson(Exchange exchange, DateTimeOffset now)
    {
        static long? Unix(DateTimeOffset? at) => at?.ToUnixTimeSeconds();
        bool running = exchange.LastStartedAt is { } started && (exchange.LastFinishedAt is not { } finished || started > finished);
        bool succeeded = exchange.LastStatus == ExchangeRunStatus.Ok;
        // Up to date: the last fetch ended well and recently (within two intervals, at least two minutes), and none is running.
        var fresh = TimeSpan.FromTicks(Math.Max(exchange.Interval.Ticks * 2, TimeSpan.FromMinutes(2).Ticks));
        bool upToDate = succeeded && exchange.LastError is null && !running && exchange.LastFinishedAt is { } last && now - last <= fresh;
        return new Dictionary<string, object?>
        {
            ["checkpoint_ts"] = Unix(exchange.CheckpointAt),
            ["running_fetch_start_ts"] = running ? Unix(exchange.LastStartedAt) : null,
            ["last_fetch_complete_ts"] = Unix(exchange.LastFinishedAt),
            ["last_fetch_succeeded"] = exchange.LastStatus == ExchangeRunStatus.Never ? null : succeeded,
            ["up_to_date"] = upToDate,
            ["fetched_items"] = Math.Max(0, exchange.Total.Added - exchange.Total.Removed),
            ["last_fetch_time"] = Unix(exchange.LastStartedAt) ?? 0,
            ["checkpoint_time"] = Unix(exchange.CheckpointAt) ?? 0,
            ["success"] = exchange.LastStatus is not (ExchangeRunStatus.Error or ExchangeRunStatus.AuthFailed),
            ["status"] = ExchangeNames.Name(exchange.LastStatus),
            ["last_error"] = exchange.LastError,
            ["checkpoint_age_seconds"] = exchange.CheckpointAt is { } at ? (long)Math.Max(0, (now - at).TotalSeconds) : null,
            ["enabled"] = exchange.Enabled,
            ["interval_seconds"] = (long)exchange.Interval.TotalSeconds,
            ["last"] = Counts(exchange.Last),
            ["total"] = Counts(exchange.Total),
        };
    }

    private static Dictionary<string, long> Counts(ExchangeCounts counts) => new()
    {
        ["added"] = counts.Added,
        ["removed"] = counts.Removed,
        ["skipped"] = counts.Skipped,
    };
}
