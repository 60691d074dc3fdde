using Microsoft.AspNetCore.Http;

namespace Vigil.Server.ReviewUi;

/// <summary>
/// The CSRF check of the reviewer UI: every request made with a session cookie by a method other
/// than GET, HEAD and OPTIONS carries the session's token, in the <see cref="ReviewSessions.CsrfHeader"/>
/// header (the page's own fetches) or the <see cref="ReviewSessions.CsrfField"/> form field (its forms).
/// The cookie is SameSite=Strict as well; the token does not rely on it.
/// </summary>
public static class ReviewCsrf
{
    /// <summary>Whether the request may go on: a safe method, or an unsafe one carrying the session's token.</summary>
    public static async Task<bool> IsValidAsync(HttpContext context, ReviewSession session)
    {
        ArgumentNullException.ThrowIfNull(context);
        string method = context.Request.Method;
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method))
            return true;
        if (context.Request.Headers[ReviewSessions.CsrfHeader] is { Count: 1 } header)
            return ReviewSessions.IsCsrfToken(session, header.ToString());
        if (!context.Request.HasFormContentType)
            return false;
        try
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            return form[ReviewSessions.CsrfField] is { Count: 1 } field && ReviewSessions.IsCsrfToken(session, field.ToString());
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            // A form too large or malformed to read carries no token anyone could check.
            return false;
        }
    }

    /// <summary>The hidden form field with the session's token (every form of the UI has one).</summary>
    public static Html Field(ReviewSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return Html.Of($"<input type=\"hidden\" name=\"{ReviewSessions.CsrfField}\" value=\"{session.CsrfToken}\">");
    }
}
