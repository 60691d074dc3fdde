using Microsoft.Extensions.DependencyInjection;
using Vigil.Reporting.Delivery;

namespace Vigil.Server;

/// <summary>
/// What the report worker knows of the CyberTipline, as <c>/status</c> and the reports page show it:
/// the endpoint without user info, query or fragment (a URL may carry a secret there), and NCMEC's
/// last answer with any such secret masked. Credentials are never part of it.
/// </summary>
internal static class ReportingStatusView
{
    /// <summary>The view of the server's worker, or null when the server does not report.</summary>
    public static ReportingStatusJson? Of(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.GetService<ReportWorker>() is { } worker ? From(worker.Status.Current, worker.Filed) : null;
    }

    /// <summary>The view of a snapshot.</summary>
    public static ReportingStatusJson From(ReportingStatus.Snapshot status, int filed)
    {
        ArgumentNullException.ThrowIfNull(status);
        var (endpoint, secret) = Redact(status.Endpoint);
        string message = status.Message;
        if (secret is { Length: > 0 })
            message = message.Replace(secret, "***", StringComparison.Ordinal);
        return new ReportingStatusJson(endpoint, status.Environment, status.CheckedAt, status.Reachable, message, status.PausedUntil, filed);
    }

    /// <summary>The URL without its user info, query and fragment, and the user info it had (to mask elsewhere), or null.</summary>
    internal static (string Endpoint, string? Secret) Redact(string endpoint)
    {
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri))
            return ("(not a URL)", endpoint);
        string? secret = uri.UserInfo.Length > 0 ? uri.UserInfo : null;
        var clean = new UriBuilder(uri) { UserName = "", Password = "", Query = "", Fragment = "" };
        return (clean.Uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped), secret);
    }
}
