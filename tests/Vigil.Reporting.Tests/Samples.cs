using Vigil.Reporting.Building;
using Vigil.Reporting.Model;

namespace Vigil.Reporting.Tests;

/// <summary>Hand-built, synthetic report inputs (no real people, no real media: example.com/.org, documentation IP ranges).</summary>
internal static class Samples
{
    public static readonly ReporterSettings Reporter = new()
    {
        Company = "Example Platform Inc.",
        ReportingPerson = new ReporterPerson { FirstName = "Riley", LastName = "Reporter", Email = "trust@example.com", Phone = "+1 555 0100" },
        ContactPerson = new ReporterPerson { FirstName = "Casey", LastName = "Contact", Email = "legal@example.com" },
        CompanyTemplate = "Legal process: legal@example.com. Data is preserved for one year.",
        TermsOfServiceUrl = "https://example.com/terms",
        LegalUrl = "https://example.com/law-enforcement",
    };

    public static readonly DateTimeOffset FirstUpload = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A web page incident: two items uploaded to a public page, one viewed and classified, one matched by hash only.</summary>
    public static ReportInput WebPage() => new()
    {
        IncidentType = IncidentType.ChildPornography,
        Platform = "Example Photos",
        Reporter = Reporter,
        User = new ReportedUser
        {
            UserId = "user-1001",
            ScreenName = "synthetic_user",
            Emails = ["user1001@example.org"],
            Service = "Example Photos",
            IpCaptureEvents =
            [
                new IpCaptureEvent { IpAddress = "192.0.2.10", EventName = IpCaptureType.Login, DateTime = FirstUpload.AddHours(-2), Port = 50123 },
                new IpCaptureEvent { IpAddress = "2001:db8::10", EventName = IpCaptureType.Upload, DateTime = FirstUpload },
            ],
        },
        Items =
        [
            new ReportedItem
            {
                OriginalFileName = "holiday.jpg",
                UploadedAt = FirstUpload.AddMinutes(30),
                Location = "https://photos.example.com/p/abc",
                UploaderIp = "192.0.2.10",
                UploaderPort = 50124,
                ViewedByReviewer = true,
                ExifViewedByReviewer = false,
                PubliclyAvailable = true,
                Classification = IndustryClassification.B2,
                Md5 = "0123456789ABCDEF0123456789ABCDEF",
                Pdq = new string('f', 64),
                PdqQuality = 100,
            },
            new ReportedItem
            {
                OriginalFileName = "img_0002.png",
                UploadedAt = FirstUpload,
                Location = "https://photos.example.com/p/def",
                ViewedByReviewer = false,
                PubliclyAvailable = false,
                Classification = IndustryClassification.A2,
                Md5 = "fedcba9876543210fedcba9876543210",
                Pdq = new string('0', 63) + "1",
                MatchDescription = "bank CONFIRMED, PDQ distance 4",
            },
        ],
    };

    /// <summary>A chat incident with markup and non-ASCII text, no user e-mail, one hash-only item.</summary>
    public static ReportInput Chat() => new()
    {
        IncidentType = IncidentType.OnlineEnticementOfChildren,
        Annotations = new ReportAnnotations { Sextortion = true },
        Platform = "Example Chat",
        InternetDetails =
        [
            new ChatImIncident { ChatClient = "Example Chat for Android", ChatRoomName = "room <#42> & \"friends\"", Content = "Grüße, 你好 — 'quoted' & <b>bold</b>" },
        ],
        Reporter = Reporter,
        User = new ReportedUser { UserId = "u-77", ScreenName = "ñandú_77", DisplayNames = ["Ñandú 🐦"] },
        Items =
        [
            new ReportedItem
            {
                OriginalFileName = "fichier été.jpg",
                UploadedAt = new DateTimeOffset(2026, 2, 28, 23, 30, 0, TimeSpan.FromHours(-5)),
                Md5 = "00112233445566778899aabbccddeeff",
                Classification = IndustryClassification.A1,
            },
        ],
        AdditionalInfo = "Synthetic test report; no real media.",
    };
}
