using System.Text.Json;
using Vigil.Exchanges.Clients;
using Vigil.Exchanges.Clients.Ncmec;
using Vigil.Exchanges.Clients.StopNcii;
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
            "url" => new UrlListClient(context.Http, new UrlListOptions
            {
                Url = Uri.TryCreate(exchange.BaseUrl ?? Text(root, "url"), UriKind.Absolute, out var url)
                    ? url
                    : throw new ArgumentException($"exchange {exchange.Name}: a url exchange needs its list's URL (--url)"),
                Format = Text(root, "format") is { } name
                    ? HashListFormats.Parse(name) ?? throw new ArgumentException($"exchange {exchange.Name}: unknown list format '{name}'")
                    : null,
                AllowList = context.UrlAllowList,
            }, context.HttpOptions),
            "ncmec" => new NcmecHashClient(context.Http,
                exchange.CredentialsFile is { } ncmecFile
                    ? NcmecCredentials.FromFile(ncmecFile)
                    : NcmecCredentials.FromEnvironment(context.Environment)
                      ?? throw new ArgumentException($"exchange {exchange.Name}: no credentials: give --credentials-file or set ${NcmecCredentials.UserVariable} and ${NcmecCredentials.PasswordVariable}"),
                new NcmecOptions
                {
                    BaseUrl = exchange.BaseUrl is { } ncmecBase ? new Uri(ncmecBase) : null,
                    Environment = Text(root, "environment") is { } env
                        ? NcmecEnvironments.TryParse(env, out var parsed) ? parsed : throw new ArgumentException($"exchange {exchange.Name}: unknown NCMEC environment '{env}'")
                        : NcmecEnvironment.Industry,
                }, context.HttpOptions),
            "stopncii" => new StopNciiClient(context.Http,
                exchange.CredentialsFile is { } stopFile ? StopNciiCredentials.FromFile(stopFile) : StopNciiCredentials.FromEnvironment(context.Environment),
                new StopNciiOptions
                {
                    BaseUrl = exchange.BaseUrl is { } stopBase ? new Uri(stopBase.EndsWith('/') ? stopBase : stopBase + "/") : new Uri(StopNciiOptions.DefaultBaseUrl),
                    Http = context.HttpOptions,
                }),
            _ => throw new ArgumentException($"exchange {exchange.Name}: the {exchange.Type} client is not built into this version yet"),
        };
    }

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
