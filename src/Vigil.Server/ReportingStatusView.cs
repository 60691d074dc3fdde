using Microsoft.Extensions.DependencyInjection;
using Vigil.Reporting.Delivery;

namespace Vigil.Server;

/// <summary>
/// What the report worker knows of the CyberTipline, as <c>/status</c> and the reports page show it:
/// the endpoint without user info, query or fragment (a URL may carry a secret there), and NCMEC's
/// last answer with the configured user name (the password is never readable here) and any such secret masked (NCMEC's
/// status answer names the remote user, and <c>/status</c> needs no key). Credentials are never part of it.
/// </summary>
internal static class ReportingStatusView
{
    /// <summary>The view of the server's worker, or null when the server does not report.</summary>
    public static ReportingStatusJson? Of(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.GetService<ReportWorker>() is not { } worker)
            return null;
        var credentials = services.GetService<ReportingSettings>()?.Client.Credentials;
        return From(worker.Status.Current, worker.Filed, credentials is null ? [] : [credentials.User]);
    }

    /// <summary>The view of a snapshot, with <paramref name="secrets"/> masked in the message.</summary>
    public static ReportingStatusJson From(ReportingStatus.Snapshot status, int filed, IReadOnlyList<string> secrets)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(secrets);
        var (endpoint, userInfo) = Redact(status.Endpoint);
        string message = status.Message;
        // The longest first, so that a secret holding another is masked whole.
        foreach (string secret in secrets.Append(userInfo ?? "").Where(s => s.Length > 0).OrderByDescending(s => s.Length))
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
