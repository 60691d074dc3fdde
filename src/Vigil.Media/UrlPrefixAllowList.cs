using System.Diagnostics.CodeAnalysis;
namespace Vigil.Media;

/// <summary>
/// An operator's allow-list of URL prefixes, written once for every place Vigil sends requests to
/// URLs it is given: fetching media by URL (<c>vigil serve --allow-hash-url</c>) and action webhooks
/// (<c>--allow-webhook-url</c>). Each entry is a URL prefix
/// <c>scheme://host[:port][/path]</c>; a URL is allowed when, after both are parsed and normalised
/// (host case, default ports, dot segments), it has the same scheme, the same host, the same port,
/// no user name or password, and a path equal to the entry's path or below it (the path is
/// compared by whole segments: <c>/media</c> allows <c>/media/a.jpg</c>, not <c>/media-private</c>).
/// Host names are compared as names: list every host (subdomains are not implied), and the
/// operator trusts what DNS says those names are.
/// </summary>
public sealed class UrlPrefixAllowList
{
    private readonly Entry[] _entries;

    private UrlPrefixAllowList(Entry[] entries) => _entries = entries;

    /// <summary>True when no URL is allowed (fetching, or sending, is off).</summary>
    public bool IsEmpty => _entries.Length == 0;

    /// <summary>Parses the entries.</summary>
    /// <param name="entries">The URL prefixes.</param>
    /// <param name="kind">What the list is for, in messages (e.g. <c>hash URL allow-list</c>).</param>
    /// <exception cref="ArgumentException">An entry is not a valid prefix (the message says which and why).</exception>
    public static UrlPrefixAllowList Parse(IReadOnlyList<string> entries, string kind = "URL allow-list")
    {
        ArgumentNullException.ThrowIfNull(entries);
        var parsed = new Entry[entries.Count];
        for (int i = 0; i < entries.Count; i++)
        {
            if (!TryParseEntry(entries[i], out var entry, out string? error))
                throw new ArgumentException($"{kind} entry '{entries[i]}': {error}", nameof(entries));
            parsed[i] = entry;
        }
        return new UrlPrefixAllowList(parsed);
    }

    /// <summary>Checks one allow-list entry, saying what is wrong with it.</summary>
    public static bool TryValidateEntry(string? text, [NotNullWhen(false)] out string? error) => TryParseEntry(text, out _, out error);

    /// <summary>Whether a URL may be requested; when not, <paramref name="why"/> says why.</summary>
    public bool IsAllowed(Uri uri, [NotNullWhen(false)] out string? why)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            why = "only absolute http and https URLs are allowed";
            return false;
        }
        if (uri.UserInfo.Length > 0)
        {
            why = "URLs with a user name or password are not allowed";
            return false;
        }
        string host = NormalHost(uri);
        string path = uri.AbsolutePath;
        foreach (var entry in _entries)
        {
            if (entry.Scheme == uri.Scheme && entry.Port == uri.Port && string.Equals(entry.Host, host, StringComparison.OrdinalIgnoreCase)
                && PathAllowed(entry.Path, path))
            {
                why = null;
                return true;
            }
        }
        why = IsEmpty ? "no URL is allowed" : $"{uri.Scheme}://{uri.Authority}{path} is not under any allowed prefix";
        return false;
    }

    private static bool PathAllowed(string prefix, string path)
    {
        if (prefix == "/")
            return true;
        // Below a path prefix, refuse encodings a server might decode into another path.
        if (path.Contains("%2f", StringComparison.OrdinalIgnoreCase) || path.Contains("%5c", StringComparison.OrdinalIgnoreCase)
            || path.Contains("%25", StringComparison.Ordinal) || path.Contains("%2e", StringComparison.OrdinalIgnoreCase))
            return false;
        if (prefix.EndsWith('/'))
            return path.StartsWith(prefix, StringComparison.Ordinal);
        return path.Length == prefix.Length ? path == prefix
            : path.StartsWith(prefix, StringComparison.Ordinal) && path[prefix.Length] == '/';
    }

    private static bool TryParseEntry(string? text, out Entry entry, [NotNullWhen(false)] out string? error)
    {
        entry = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "empty; give a URL prefix such as https://media.example.org/uploads/";
            return false;
        }
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri))
        {
            error = "not an absolute URL; give a prefix such as https://media.example.org/uploads/";
            return false;
        }
        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
        {
            error = $"the scheme must be http or https, not {uri.Scheme}";
            return false;
        }
        if (uri.UserInfo.Length > 0)
        {
            error = "a user name or password is not allowed in a prefix";
            return false;
        }
        if (uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            error = "a prefix has no query (?...) or fragment (#...)";
            return false;
        }
        if (NormalHost(uri).Length == 0)
        {
            error = "the prefix needs a host";
            return false;
        }
        entry = new Entry(uri.Scheme, NormalHost(uri), uri.Port, uri.AbsolutePath);
        error = null;
        return true;
    }

    /// <summary>The host as DNS sees it: IDN in ASCII (punycode), without a trailing dot.</summary>
    private static string NormalHost(Uri uri) => uri.IdnHost.TrimEnd('.');

    private readonly record struct Entry(string Scheme, string Host, int Port, string Path);
}
