using System.Xml.Linq;
using Vigil.Hashing.Signals;
using Vigil.Reporting.Building;
using Vigil.Reporting.Model;
using Vigil.Reporting.Xml;
using Vigil.Storage;

namespace Vigil.Reporting.Tests;

/// <summary>A reviewed case (the review issue's <c>report</c> decision) as a CyberTipline report: what goes in, and that it validates.</summary>
public class CaseReportInputTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 8, 30, 0, TimeSpan.Zero);

    private static CaseItem Item(long id, ItemVerdict? verdict, Vigil.Storage.IndustryClassification? classification, bool media, bool viewed,
        DateTimeOffset uploaded, string ip, string file) => new()
    {
        Id = id,
        CaseId = 7,
        Details = new NewCaseItem
        {
            Subject = "user-42",
            Source = "api",
            Priority = CasePriority.A1,
            Signals = [new Signal(SignalType.Pdq, new string('a', 64)), new Signal(SignalType.Md5, id.ToString("x32"))],
            Matches = [new CaseMatch("KNOWN", 900 + id, "pdq", 4, "A1", ["csam"], "ncmec", "N-1")],
            Context = new ItemContext { ScreenName = "synthetic <user> & co", Email = "u42@example.org", FileName = file, UploadedAt = uploaded, Ip = ip, Port = 51000, Url = "https://example.org/p/" + id },
        },
        HasMedia = media,
        MediaType = media ? "image/jpeg" : null,
        HasThumbnail = false,
        Verdict = verdict,
        Classification = classification,
        DecidedBy = verdict is null ? null : "alice",
        DecidedAt = verdict is null ? null : T0.AddDays(1),
        ViewedClear = viewed,
        CreatedAt = uploaded,
    };

    private static CaseDetails Case(params CaseItem[] items) => new(new ReviewCase
    {
        Id = 7,
        Subject = "user-42",
        Status = CaseStatus.Decided,
        Priority = CasePriority.A1,
        Escalated = false,
        ItemCount = items.Length,
        OpenedAt = T0,
        UpdatedAt = T0.AddDays(1),
        Verdict = CaseVerdict.Report,
        DecidedBy = "bob",
        FirstReportBy = "alice",
        LegalHold = false,
    }, items, []);

    [Fact]
    public void Confirmed_items_with_media_become_files_and_the_report_validates()
    {
        var details = Case(
            Item(1, ItemVerdict.Confirmed, Vigil.Storage.IndustryClassification.A1, media: true, viewed: true, T0.AddHours(3), "203.0.113.5", "a.jpg"),
            Item(2, ItemVerdict.Confirmed, Vigil.Storage.IndustryClassification.B2, media: true, viewed: false, T0.AddHours(1), "203.0.113.6", "b.jpg"),
            Item(3, ItemVerdict.NotAbuse, null, media: true, viewed: true, T0, "203.0.113.7", "c.jpg"),
            Item(4, ItemVerdict.Confirmed, Vigil.Storage.IndustryClassification.A2, media: false, viewed: false, T0.AddHours(2), "203.0.113.5", "d.jpg"));
        var input = CaseReportInput.From(details, Samples.Reporter);

        Assert.Equal(IncidentType.ChildPornography, input.IncidentType);
        // The earliest upload of a confirmed item is the incident's time (the dismissed item's is earlier, and does not count).
        Assert.Equal(T0.AddHours(1), input.IncidentDateTime);
        Assert.Equal(["a.jpg", "b.jpg"], input.Items.Select(i => i.OriginalFileName));
        Assert.Equal([Vigil.Reporting.Model.IndustryClassification.A1, Vigil.Reporting.Model.IndustryClassification.B2], input.Items.Select(i => i.Classification!.Value));
        Assert.Equal([true, false], input.Items.Select(i => i.ViewedByReviewer));
        Assert.Equal(1L.ToString("x32"), input.Items[0].Md5);
        Assert.Contains("never viewed", input.Items[1].MatchDescription);
        Assert.Contains("KNOWN entry 901 by pdq at distance 4 (from ncmec)", input.Items[0].MatchDescription);
        Assert.Equal(("user-42", "synthetic <user> & co"), (input.User!.UserId, input.User.ScreenName));
        Assert.Equal(["u42@example.org"], input.User.Emails);
        // Every item's upload address is an IP capture event, the dismissed one's too (it is the user's).
        Assert.Equal(4, input.User.IpCaptureEvents.Count);
        Assert.All(input.User.IpCaptureEvents, e => Assert.Equal((IpCaptureType.Upload, 51000), (e.EventName!.Value, e.Port!.Value)));
        Assert.Contains("items 4", input.AdditionalInfo);
        Assert.Contains("reviewed by bob and alice", input.AdditionalInfo);

        var report = ReportDocumentBuilder.BuildReport(input);
        byte[] xml = CyberTiplineXml.WriteReport(report);
        Assert.Empty(CyberTiplineSchema.Validate(xml));
        var document = XDocument.Parse(System.Text.Encoding.UTF8.GetString(xml));
        Assert.Contains(document.Descendants(), e => e.Name.LocalName == "screenName" && e.Value == "synthetic <user> & co");
        for (int i = 0; i < input.Items.Count; i++)
            Assert.Empty(CyberTiplineSchema.Validate(CyberTiplineXml.WriteFileDetails(ReportDocumentBuilder.BuildFileDetails(input, i, 1234, $"file-{i}"))));
    }

    [Fact]
    public void The_items_incident_kinds_become_the_reports_internet_details_and_public_availability_their_files()
    {
        CaseItem With(CaseItem item, IncidentKind? kind, string? url, bool? available) =>
            item with { Details = item.Details with { Context = item.Details.Context with { IncidentKind = kind, Url = url, PubliclyAvailable = available } } };
        var details = Case(
            With(Item(1, ItemVerdict.Confirmed, Vigil.Storage.IndustryClassification.A1, media: true, viewed: true, T0, "203.0.113.5", "a.jpg"),
                IncidentKind.Chat, "https://chat.example.org/room/9", true),
            With(Item(2, ItemVerdict.Confirmed, Vigil.Storage.IndustryClassification.A2, media: true, viewed: false, T0, "203.0.113.5", "b.jpg"),
                null, "https://example.org/p/2", false),
            With(Item(3, ItemVerdict.Confirmed, Vigil.Storage.IndustryClassification.B1, media: false, viewed: false, T0, "203.0.113.5", "c.jpg"),
                IncidentKind.Email, null, null),
            With(Item(4, ItemVerdict.Confirmed, Vigil.Storage.IndustryClassification.B2, media: true, viewed: true, T0, "203.0.113.5", "d.jpg"),
                IncidentKind.Chat, null, null),
            // A dismissed item's kind says nothing of the incident.
            With(Item(5, ItemVerdict.NotAbuse, null, media: true, viewed: true, T0, "203.0.113.5", "e.jpg"), IncidentKind.OnlineGaming, null, true));
        var input = CaseReportInput.From(details, Samples.Reporter);

        // One entry per kind, in the items' order; the chat item's URL is where its file was, not a web page of the incident.
        Assert.Collection(input.InternetDetails,
            d => Assert.IsType<ChatImIncident>(d),
            d => Assert.Equal(["https://example.org/p/2"], Assert.IsType<WebPageIncident>(d).Urls),
            d => Assert.IsType<EmailIncident>(d));
        Assert.Equal([true, false, null], input.Items.Select(i => i.PubliclyAvailable));
        Assert.Equal("https://chat.example.org/room/9", input.Items[0].Location);
        Assert.All(input.Items, i => Assert.False(i.ExifViewedByReviewer));
        var document = XDocument.Parse(System.Text.Encoding.UTF8.GetString(CyberTiplineXml.WriteReport(ReportDocumentBuilder.BuildReport(input))));
        Assert.Equal(["chatImIncident", "webPageIncident", "emailIncident"],
            document.Root!.Elements("internetDetails").Select(d => d.Elements().Single().Name.LocalName));
        var file = XDocument.Parse(System.Text.Encoding.UTF8.GetString(CyberTiplineXml.WriteFileDetails(ReportDocumentBuilder.BuildFileDetails(input, 0, 1, "f0")))).Root!;
        Assert.Equal(("true", "false"), (file.Element("publiclyAvailable")!.Value, file.Element("exifViewedByEsp")!.Value));
        var unknown = XDocument.Parse(System.Text.Encoding.UTF8.GetString(CyberTiplineXml.WriteFileDetails(ReportDocumentBuilder.BuildFileDetails(input, 2, 1, "f2")))).Root!;
        Assert.Null(unknown.Element("publiclyAvailable"));

        // Without a kind or an http(s) URL on any confirmed item there is no incident to describe: refused, saying so.
        var nowhere = Case(With(Item(1, ItemVerdict.Confirmed, Vigil.Storage.IndustryClassification.A1, media: true, viewed: true, T0, "203.0.113.5", "a.jpg"),
            null, "/srv/uploads/a.jpg", null));
        Assert.Contains("incident_kind or an http(s) url", Assert.Throws<ArgumentException>(() => CaseReportInput.From(nowhere, Samples.Reporter)).Message);
    }

    [Fact]
    public void A_case_not_decided_report_or_with_nothing_to_file_is_refused()
    {
        var undecided = Case(Item(1, ItemVerdict.Confirmed, Vigil.Storage.IndustryClassification.A1, true, true, T0, "192.0.2.1", "a.jpg"));
        undecided = undecided with { Case = undecided.Case with { Verdict = CaseVerdict.NoReport } };
        Assert.Throws<ArgumentException>(() => CaseReportInput.From(undecided, Samples.Reporter));
        var hashesOnly = Case(Item(1, ItemVerdict.Confirmed, Vigil.Storage.IndustryClassification.A1, false, false, T0, "192.0.2.1", "a.jpg"));
        Assert.Contains("no confirmed item with media", Assert.Throws<ArgumentException>(() => CaseReportInput.From(hashesOnly, Samples.Reporter)).Message);
    }
}
