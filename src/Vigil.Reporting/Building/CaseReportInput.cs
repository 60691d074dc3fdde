using System.Globalization;
using Vigil.Hashing.Signals;
using Vigil.Reporting.Model;
using Vigil.Storage;
using IndustryClassification = Vigil.Reporting.Model.IndustryClassification;

namespace Vigil.Reporting.Building;

/// <summary>
/// A reviewed case (decided <c>report</c>) as the CyberTipline report's input: the platform's user
/// and IP capture events from the items' context, one internet details entry per incident kind of
/// the confirmed items (their context's <see cref="ItemContext.IncidentKind"/>, else a web page when
/// the URL is http(s)), one file per confirmed item with media (its reviewer's classification,
/// whether a reviewer saw it clear, whether it was public, the MD5 and PDQ of the file and the
/// matches that found it), the earliest upload as the incident's time. The reporter and the
/// incident type come from the operator's configuration. EXIF is never shown to reviewers, so no
/// file says its EXIF was viewed.
/// </summary>
public static class CaseReportInput
{
    /// <summary>The report's input for <paramref name="details"/>.</summary>
    /// <exception cref="ArgumentException">The case is not decided <c>report</c>, has no confirmed item whose media can be filed,
    /// or no confirmed item says where it was shared (an incident kind or an http(s) URL).</exception>
    public static ReportInput From(CaseDetails details, ReporterSettings reporter, IncidentType incidentType = IncidentType.ChildPornography)
    {
        ArgumentNullException.ThrowIfNull(details);
        ArgumentNullException.ThrowIfNull(reporter);
        var c = details.Case;
        if (c.Verdict != CaseVerdict.Report)
            throw new ArgumentException($"case {c.Id} is not decided report", nameof(details));

        var files = new List<ReportedItem>();
        var withoutMedia = new List<long>();
        var ipEvents = new List<IpCaptureEvent>();
        var kinds = new List<IncidentKind>();
        var urls = new List<string>();
        var emails = new List<string>();
        string? screenName = null;
        DateTimeOffset? earliest = null;
        foreach (var item in details.Items)
        {
            var context = item.Details.Context;
            screenName ??= context.ScreenName;
            AddOnce(emails, context.Email);
            if (context.Ip is { Length: > 0 } ip && !ipEvents.Exists(e => e.IpAddress == ip && e.DateTime == context.UploadedAt))
                ipEvents.Add(new IpCaptureEvent { IpAddress = ip, Port = context.Port, DateTime = context.UploadedAt, EventName = IpCaptureType.Upload });
            if (item.Verdict != ItemVerdict.Confirmed)
                continue;
            if (context.UploadedAt is { } uploaded && (earliest is null || uploaded < earliest))
                earliest = uploaded;
            bool onTheWeb = IsHttp(context.Url);
            if ((context.IncidentKind ?? (onTheWeb ? IncidentKind.WebPage : null)) is { } kind)
            {
                if (!kinds.Contains(kind))
                    kinds.Add(kind);
                if (kind == IncidentKind.WebPage && onTheWeb)
                    AddOnce(urls, context.Url);
            }
            string? md5 = Signal(item, SignalType.Md5) ?? Signal(item, SignalType.VideoMd5);
            if (!item.HasMedia || md5 is null)
            {
                // Nothing to upload: the item is named in the report's text, not as a file.
                withoutMedia.Add(item.Id);
                continue;
            }
            files.Add(new ReportedItem
            {
                ItemId = item.Id,
                OriginalFileName = context.FileName,
                UploadedAt = context.UploadedAt,
                Location = context.Url,
                UploaderIp = context.Ip,
                UploaderPort = context.Port,
                ViewedByReviewer = item.ViewedClear,
                ExifViewedByReviewer = false, // the review UI never shows EXIF
                PubliclyAvailable = context.PubliclyAvailable,
                Classification = item.Classification is { } k ? (IndustryClassification)(int)k : null,
                Md5 = md5,
                Pdq = Signal(item, SignalType.Pdq),
                MatchDescription = Describe(item),
            });
        }
        if (files.Count == 0)
            throw new ArgumentException($"case {c.Id} has no confirmed item with media to file", nameof(details));
        if (kinds.Count == 0)
            throw new ArgumentException(
                $"case {c.Id}: no confirmed item says where it was shared (an incident_kind or an http(s) url in its context); NCMEC needs the incident's internet details",
                nameof(details));

        string info = string.Create(CultureInfo.InvariantCulture,
            $"Vigil case {c.Id}: {files.Count} confirmed file(s) reviewed by {c.DecidedBy}{(c.FirstReportBy is { } first && first != c.DecidedBy ? " and " + first : "")}.");
        if (withoutMedia.Count > 0)
            info += string.Create(CultureInfo.InvariantCulture, $" {withoutMedia.Count} further confirmed item(s) matched by hash only, no file kept (items {string.Join(", ", withoutMedia)}).");
        return new ReportInput
        {
            IncidentType = incidentType,
            IncidentDateTime = earliest ?? c.OpenedAt,
            InternetDetails = [.. kinds.Select(kind => Incident(kind, urls))],
            Reporter = reporter,
            User = new ReportedUser
            {
                UserId = c.Subject,
                ScreenName = screenName,
                Emails = emails,
                IpCaptureEvents = ipEvents,
            },
            Items = files,
            AdditionalInfo = info,
        };
    }

    /// <summary>The report's internet details for <paramref name="kind"/>: a web page carries the confirmed items' http(s) URLs;
    /// the platform's context says nothing more of the other kinds, whose details are all optional.</summary>
    private static InternetDetails Incident(IncidentKind kind, List<string> urls) => kind switch
    {
        IncidentKind.WebPage => new WebPageIncident { Urls = urls },
        IncidentKind.Email => new EmailIncident(),
        IncidentKind.Newsgroup => new NewsgroupIncident(),
        IncidentKind.Chat => new ChatImIncident(),
        IncidentKind.OnlineGaming => new OnlineGamingIncident(),
        IncidentKind.CellPhone => new CellPhoneIncident(),
        IncidentKind.NonInternet => new NonInternetIncident(),
        IncidentKind.PeerToPeer => new PeerToPeerIncident(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "no such incident kind"),
    };

    private static bool IsHttp(string? url) =>
        url is not null && Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

    private static string Describe(CaseItem item)
    {
        string viewed = item.ViewedClear ? "viewed by a reviewer" : "matched by hash and never viewed by a reviewer";
        if (item.Details.Matches.Count == 0)
            return $"{viewed}; source {item.Details.Source}";
        var best = item.Details.Matches[0];
        return string.Create(CultureInfo.InvariantCulture,
            $"{viewed}; matched {best.Bank} entry {best.ContentId} by {best.SignalType} at distance {best.Distance}{(best.EntrySource is { } s ? " (from " + s + ")" : "")}");
    }

    private static string? Signal(CaseItem item, SignalType type)
    {
        foreach (var signal in item.Details.Signals)
        {
            if (signal.Type == type)
                return signal.Value;
        }
        return null;
    }

    private static void AddOnce(List<string> list, string? value)
    {
        if (!string.IsNullOrEmpty(value) && !list.Contains(value))
            list.Add(value);
    }
}
