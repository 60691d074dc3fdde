using System.Text.Json;
using Vigil.Exchanges.Clients;
using Vigil.Exchanges.Clients.Ncmec;
using Vigil.Exchanges.Clients.StopNcii;
using Vigil.Exchanges.Clients.ThreatExchange;
using Vigil.Exchanges.Clients.Url;
using Vigil.Exchanges.Fetching;
using Vigil.Storage;

namespace Vigil.Exchanges.Sync;

/// <summary>What a client needs beyond its stored configuration: the HTTP client, the environment (credentials may come from it), the URL allow-list.</summary>
/// <param name="Http">The HTTP client (Timeout infinite: attempts are timed by <see cref="HttpOptions"/>).</param>
/// <param name="Environment">Reads an environment variable.</param>
/// <param name="UrlAllowList">URL prefixes a <c>url</c> exchange may be fetched from.</param>
public sealed record ExchangeClientContext(HttpClient Http, Func<string, string?> Environment, IReadOnlyList<string> UrlAllowList)
{
    /// <summary>Retries and timeouts of every call.</summary>
    public ExchangeHttpOptions HttpOptions { get; init; } = new();
}

/// <summary>The client of a stored exchange, from its type, base URL, options and credentials.</summary>
public static class ExchangeClientFactory
{
    /// <summary>Whether clients of this exchange type take the platform's own hashes (<see cref="IExchangeSubmissions"/>): StopNCII's do.</summary>
    public static bool TakesSubmissions(string type) => type == "stopncii";

    /// <summary>The client for <paramref name="exchange"/>.</summary>
    /// <exception cref="ArgumentException">Its configuration cannot make a client (a missing option, missing credentials, a URL not allowed); the message says which.</exception>
    public static IExchangeClient Create(Exchange exchange, ExchangeClientContext context)
    {
        ArgumentNullException.ThrowIfNull(exchange);
        ArgumentNullException.ThrowIfNull(context);
        using var options = Options(exchange);
        var root = options.RootElement;
        return exchange.Type switch
        {
            "url" => Url(exchange, root, context),
            "ncmec" => Ncmec(exchange, root, context),
            "stopncii" => StopNcii(exchange, context),
            "threatexchange" => ThreatExchange(exchange, root, context),
            _ => throw new ArgumentException($"exchange {exchange.Name}: unknown type '{exchange.Type}'"),
        };
    }

    private static UrlListClient Url(Exchange exchange, JsonElement root, ExchangeClientContext context) => new(context.Http, new UrlListOptions
    {
        Url = Uri.TryCreate(exchange.BaseUrl ?? Text(root, "url"), UriKind.Absolute, out var url)
            ? url
            : throw new ArgumentException($"exchange {exchange.Name}: a url exchange needs its list's URL (--url)"),
        Format = Text(root, "format") is { } name
            ? HashListFormats.TryParse(name, out var format, out string? why) ? format : throw new ArgumentException($"exchange {exchange.Name}: {why}")
            : null,
        AllowList = context.UrlAllowList,
    }, context.HttpOptions);

    private static NcmecHashClient Ncmec(Exchange exchange, JsonElement root, ExchangeClientContext context)
    {
        var credentials = exchange.CredentialsFile is { } file
            ? NcmecCredentials.FromFile(file)
            : NcmecCredentials.FromEnvironment(context.Environment)
              ?? throw new ArgumentException($"exchange {exchange.Name}: no credentials: give --credentials-file or set ${NcmecCredentials.UserVariable} and ${NcmecCredentials.PasswordVariable}");
        var environment = NcmecEnvironment.Industry;
        if (Text(root, "environment") is { } name && !NcmecEnvironments.TryParse(name, out environment))
            throw new ArgumentException($"exchange {exchange.Name}: unknown NCMEC environment '{name}'");
        var options = new NcmecOptions { Environment = environment, BaseUrl = exchange.BaseUrl is { } baseUrl ? new Uri(baseUrl) : null };
        if (Text(root, "start") is { } start)
        {
            // Where a backfill begins (NCMEC's default: the year 2000, read range by range).
            if (!DateTimeOffset.TryParse(start, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var from))
                throw new ArgumentException($"exchange {exchange.Name}: start '{start}' is not a date (e.g. 2024-01-01)");
            options = options with { BackfillStart = from.ToUniversalTime() };
        }
        return new NcmecHashClient(context.Http, credentials, options, context.HttpOptions);
    }

    private static StopNciiClient StopNcii(Exchange exchange, ExchangeClientContext context)
    {
        var credentials = exchange.CredentialsFile is { } file ? StopNciiCredentials.FromFile(file) : StopNciiCredentials.FromEnvironment(context.Environment);
        var options = new StopNciiOptions { Http = context.HttpOptions };
        if (exchange.BaseUrl is { } baseUrl)
            options = options with { BaseUrl = WithSlash(baseUrl) };
        return new StopNciiClient(context.Http, credentials, options);
    }

    private static ThreatExchangeClient ThreatExchange(Exchange exchange, JsonElement root, ExchangeClientContext context)
    {
        var options = new ThreatExchangeOptions
        {
            PrivacyGroupId = Text(root, "privacy_group")
                ?? throw new ArgumentException($"exchange {exchange.Name}: a threatexchange exchange needs its privacy group (--privacy-group)"),
            Http = context.HttpOptions,
        };
        if (exchange.BaseUrl is { } baseUrl)
            options = options with { BaseUrl = WithSlash(baseUrl) };
        var credentials = exchange.CredentialsFile is { } file
            ? ThreatExchangeCredentials.FromFile(file)
            : context.Environment(ThreatExchangeCredentials.DefaultEnvironmentVariable) is { Length: > 0 } token
                ? new ThreatExchangeCredentials(token)
                : throw new ArgumentException($"exchange {exchange.Name}: no credentials: give --credentials-file or set ${ThreatExchangeCredentials.DefaultEnvironmentVariable}");
        return new ThreatExchangeClient(context.Http, options, credentials);
    }

    private static Uri WithSlash(string url) => new(url.EndsWith('/') ? url : url + "/");

    /// <summary>A string option, or null.</summary>
    internal static string? Text(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static JsonDocument Options(Exchange exchange)
    {
        try
        {
            return JsonDocument.Parse(exchange.OptionsJson);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"exchange {exchange.Name}: its options are not a JSON object ({e.Message})", e);
        }
    }
}
