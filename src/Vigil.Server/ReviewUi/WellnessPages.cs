using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Vigil.Review;
using Vigil.Storage;

namespace Vigil.Server.ReviewUi;

/// <summary>
/// A reviewer's own settings (blur, greyscale, mute: only as far as the organisation allows) with
/// today's exposure, and for admins every reviewer's exposure on a day.
/// </summary>
internal static class WellnessPages
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/review/settings", SettingsAsync).WithMetadata(ReviewEndpoints.Reviewers);
        app.MapPost("/review/settings", SaveSettingsAsync).WithMetadata(ReviewEndpoints.Reviewers);
        app.MapGet("/review/wellness", SummaryAsync).WithMetadata(ReviewEndpoints.Admins);
    }

    private static async Task<IResult> SettingsAsync(HttpContext context, ReviewService review, ReviewBreaks breaks, ServerSettings settings,
        string? error, string? saved, CancellationToken ct)
    {
        var viewer = ReviewPage.ViewerOf(context);
        var reviewer = CaseEndpoints.ReviewerOf(context);
        var wellness = await review.GetWellnessAsync(reviewer, ct);
        var options = review.Options;
        int least = Math.Max(options.MinimumBlurRadius, Vigil.Review.Wellness.BlurOptions.MinimumRadius);
        var note = error is not null ? Html.Of($"<p class=\"refusal\" role=\"alert\">{error}</p>")
            : saved is not null ? Html.Raw("<p class=\"saved\" role=\"status\">Saved.</p>") : Html.Empty;
        var body = Html.Of($"""
            {note}
            <form method="post" action="/review/settings" class="card settings">{viewer.CsrfField}
            <p><label for="blur">Blur strength</label>
            <input id="blur" name="blur" type="number" min="{least}" max="{Vigil.Review.Wellness.BlurOptions.MaximumRadius}" value="{wellness.Settings.Radius}" required>
            <span class="muted">at least {least} (your organisation's limit); default {options.DefaultBlurRadius}</span></p>
            <p><label><input type="checkbox" name="greyscale" value="true"{Checked(wellness.Settings.Greyscale)}{Disabled(!options.AllowColour)}> Greyscale</label>
            {(options.AllowColour ? Html.Empty : Html.Raw("<span class=\"muted\">always on here</span>"))}</p>
            <p><label><input type="checkbox" name="mute" value="true"{Checked(wellness.Mute)}{Disabled(!options.AllowSound)}> Mute video</label>
            {(options.AllowSound ? Html.Empty : Html.Raw("<span class=\"muted\">always on here</span>"))}</p>
            <button type="submit" class="primary">Save</button>
            </form>
            <section class="card">
            <h2>Today</h2>
            <p>Clear media on screen: <b>{CasePages.Duration(wellness.Exposure.Seconds)}</b> of {CasePages.Duration(wellness.Cap.TotalSeconds)}
            ({wellness.Exposure.ClearViews} reveals) <meter min="0" max="{wellness.Cap.TotalSeconds:0}" value="{Math.Min(wellness.Exposure.Seconds, wellness.Cap.TotalSeconds):0.###}"></meter></p>
            <p class="muted">A break reminder comes after every {CasePages.Duration(options.BreakInterval.TotalSeconds)} of review; after the daily limit no media is served until the next day (UTC).</p>
            </section>
            """);
        return ReviewPage.Result("My settings", body, viewer, bodyData: ReviewEndpoints.BodyData(viewer, breaks, settings));
    }

    private static async Task<IResult> SaveSettingsAsync(HttpContext context, ReviewService review, CancellationToken ct)
    {
        if (await ReviewEndpoints.ReadFormAsync(context, ct) is not { } form)
            return ReviewEndpoints.FormExpected();
        if (!int.TryParse(form["blur"], NumberStyles.None, CultureInfo.InvariantCulture, out int blur))
            return Results.Redirect("/review/settings?error=" + Uri.EscapeDataString("Blur strength is a whole number."));
        // A checkbox left unticked is not sent at all; a disabled one (the org's limit) neither, so it keeps its forced value.
        bool greyscale = form["greyscale"] == "true" || !review.Options.AllowColour;
        bool mute = form["mute"] == "true" || !review.Options.AllowSound;
        string? problem = await review.UpdateSettingsAsync(CaseEndpoints.ReviewerOf(context), new ReviewerSettings(blur, greyscale, mute), ct);
        return Results.Redirect(problem is null ? "/review/settings?saved=1" : "/review/settings?error=" + Uri.EscapeDataString(problem));
    }

    private static async Task<IResult> SummaryAsync(HttpContext context, ReviewService review, ReviewBreaks breaks, ServerSettings settings, string? day,
        CancellationToken ct)
    {
        var viewer = ReviewPage.ViewerOf(context);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var wanted = today;
        if (day is not null && !DateOnly.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out wanted))
            return ReviewPage.Result("Wellness", Html.Raw("<p class=\"refusal\">The day is written YYYY-MM-DD.</p>"), viewer, StatusCodes.Status400BadRequest);
        var rows = await review.Cases.ListExposureAsync(wanted, ct);
        double cap = review.Options.DailyExposureCap.TotalSeconds;
        var table = rows.Count == 0
            ? Html.Raw("<p class=\"muted\">No reviewer saw clear media that day.</p>")
            : Html.Of($"""
                <table class="wellness-summary">
                <thead><tr><th>Reviewer</th><th>Clear media on screen</th><th>Reveals</th><th>Of the daily limit</th></tr></thead>
                <tbody>
                {Html.Join(rows.Select(r => Html.Of($"<tr><td>{r.Reviewer}</td><td>{CasePages.Duration(r.Seconds)}</td><td>{r.ClearViews}</td><td><meter min=\"0\" max=\"{cap:0}\" value=\"{Math.Min(r.Seconds, cap):0.###}\"></meter> {Math.Min(100, r.Seconds / cap * 100):0}%{(r.Seconds >= cap ? Html.Raw(" <span class=\"badge a1\">limit reached</span>") : Html.Empty)}</td></tr>")))}
                </tbody>
                </table>
                """);
        var body = Html.Of($"""
            <form method="get" action="/review/wellness" class="inline"><label for="day">Day (UTC)</label> <input id="day" name="day" type="date" value="{wanted.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}"> <button type="submit">Show</button></form>
            <p class="muted">Daily limit {CasePages.Duration(cap)} per reviewer; a break reminder every {CasePages.Duration(review.Options.BreakInterval.TotalSeconds)} of review.</p>
            {table}
            """);
        return ReviewPage.Result("Wellness", body, viewer, bodyData: ReviewEndpoints.BodyData(viewer, breaks, settings));
    }

    private static Html Checked(bool on) => on ? Html.Raw(" checked") : Html.Empty;

    private static Html Disabled(bool on) => on ? Html.Raw(" disabled") : Html.Empty;
}
