using Vigil.Reporting.Building;
using Vigil.Reporting.Model;

namespace Vigil.Reporting.Tests;

/// <summary>Random, synthetic report inputs from a seed, with hostile text: XML markup, quotes, non-ASCII, emoji,
/// control characters, lone surrogates, U+FFFE, CR/LF/tab.</summary>
internal static class RandomInputs
{
    private static readonly string[] s_pieces =
    [
        "a", "Z", "0", " ", "<", ">", "&", "\"", "'", "]]>", "<!--", "&amp;", "é", "ß", "你", "ع", "🐦", "\u200B",
        "\t", "\n", "\r", "\r\n", "\u0000", "\u0001", "\u0008", "\u000B", "\u001F", "\uFFFE", "\uFFFF", "\uD800", "\uDC00",
        "\u007F", "\u0085", "  ",
    ];

    public static string Text(Random rng, int max = 12)
    {
        int n = rng.Next(max + 1);
        var parts = new string[n];
        for (int i = 0; i < n; i++)
            parts[i] = s_pieces[rng.Next(s_pieces.Length)];
        return string.Concat(parts);
    }

    private static string? Maybe(Random rng) => rng.Next(3) == 0 ? null : Text(rng);

    private static T Pick<T>(Random rng, params T[] values) => values[rng.Next(values.Length)];

    private static T? MaybeEnum<T>(Random rng) where T : struct, Enum =>
        rng.Next(3) == 0 ? null : Pick(rng, Enum.GetValues<T>());

    private static string Hex(Random rng, int length)
    {
        const string digits = "0123456789abcdefABCDEF";
        return string.Concat(Enumerable.Range(0, length).Select(_ => digits[rng.Next(digits.Length)]));
    }

    private static DateTimeOffset Time(Random rng) =>
        new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero)
            .AddSeconds(rng.NextInt64(0, 40L * 365 * 24 * 3600))
            .ToOffset(TimeSpan.FromMinutes(15 * rng.Next(-48, 57)));

    private static IpCaptureEvent Ip(Random rng) => new()
    {
        IpAddress = rng.Next(4) == 0 ? Text(rng) : $"198.51.100.{rng.Next(256)}",
        EventName = MaybeEnum<IpCaptureType>(rng),
        DateTime = rng.Next(2) == 0 ? Time(rng) : null,
        PossibleProxy = rng.Next(3) == 0 ? rng.Next(2) == 0 : null,
        Port = rng.Next(2) == 0 ? rng.Next(65536) : null,
    };

    private static InternetDetails Incident(Random rng) => rng.Next(8) switch
    {
        0 => new WebPageIncident { Urls = [.. Enumerable.Range(0, rng.Next(3)).Select(_ => "https://example.com/" + Text(rng))], ThirdPartyHostedContent = rng.Next(3) == 0 ? true : null, AdditionalInfo = Maybe(rng) },
        1 => new EmailIncident { EmailAddresses = [new Email { Address = Text(rng) + "@example.org", Type = MaybeEnum<EmailType>(rng), Verified = rng.Next(2) == 0 }], Content = Maybe(rng) },
        2 => new NewsgroupIncident { Name = Maybe(rng), Content = Maybe(rng) },
        3 => new ChatImIncident { ChatClient = Maybe(rng), ChatRoomName = Maybe(rng), Content = Maybe(rng), AdditionalInfo = Maybe(rng) },
        4 => new OnlineGamingIncident { GameName = Maybe(rng), Console = Maybe(rng), Content = Maybe(rng) },
        5 => new CellPhoneIncident { PhoneNumber = new Phone { Number = "+1 555 01" + rng.Next(10, 99), Type = MaybeEnum<PhoneType>(rng), CountryCallingCode = "+1" }, Latitude = rng.NextDouble() * 180 - 90, Longitude = rng.Next(2) == 0 ? rng.NextDouble() * 360 - 180 : null },
        6 => new NonInternetIncident { LocationName = Maybe(rng), IncidentAddresses = [new Address { Street = Maybe(rng), City = Maybe(rng), State = Pick<string?>(rng, null, "CA", "NY"), Country = Pick<string?>(rng, null, "US", "DE", "JP"), Type = MaybeEnum<AddressType>(rng) }] },
        _ => new PeerToPeerIncident { Client = Maybe(rng), FileNames = Maybe(rng), IpCaptureEvents = [.. Enumerable.Range(0, rng.Next(3)).Select(_ => Ip(rng))] },
    };

    private static ReporterPerson Person(Random rng) => new() { FirstName = Maybe(rng), LastName = Maybe(rng), Email = Maybe(rng), Phone = Maybe(rng) };

    public static ReportInput Make(Random rng)
    {
        var items = Enumerable.Range(0, rng.Next(0, 4)).Select(_ => new ReportedItem
        {
            OriginalFileName = Maybe(rng),
            FileName = rng.Next(4) == 0 ? Text(rng) : null,
            UploadedAt = rng.Next(5) == 0 ? null : Time(rng),
            Location = rng.Next(3) == 0 ? null : "https://example.com/m/" + Text(rng),
            UploaderIp = rng.Next(2) == 0 ? $"203.0.113.{rng.Next(256)}" : null,
            UploaderPort = rng.Next(2) == 0 ? rng.Next(65536) : null,
            ViewedByReviewer = rng.Next(2) == 0,
            ExifViewedByReviewer = rng.Next(2) == 0,
            PubliclyAvailable = rng.Next(3) == 0 ? null : rng.Next(2) == 0,
            Relevance = Pick(rng, Enum.GetValues<FileRelevance>()),
            Classification = MaybeEnum<IndustryClassification>(rng),
            Annotations = rng.Next(2) == 0 ? null : new FileAnnotations { PotentialMeme = rng.Next(2) == 0, Viral = rng.Next(2) == 0, GenerativeAi = rng.Next(2) == 0 },
            Md5 = Hex(rng, 32),
            Pdq = rng.Next(3) == 0 ? null : Hex(rng, 64),
            PdqQuality = rng.Next(2) == 0 ? rng.Next(101) : null,
            MatchDescription = Maybe(rng),
        }).ToList();
        bool needTime = items.All(i => i.UploadedAt is null) || rng.Next(4) == 0;
        bool haveUrl = items.Any(i => i.Location is not null);
        return new ReportInput
        {
            IncidentType = Pick(rng, Enum.GetValues<IncidentType>()),
            Annotations = rng.Next(2) == 0 ? null : new ReportAnnotations { Sextortion = rng.Next(2) == 0, Spam = rng.Next(2) == 0, MinorToMinorInteraction = rng.Next(2) == 0 },
            Platform = Maybe(rng),
            EscalateToHighPriority = rng.Next(5) == 0 ? Text(rng) : null,
            IncidentDateTime = needTime ? Time(rng) : null,
            InternetDetails = !haveUrl || rng.Next(2) == 0 ? [.. Enumerable.Range(0, rng.Next(1, 3)).Select(_ => Incident(rng))] : [],
            Reporter = new ReporterSettings
            {
                Company = "Example " + Text(rng),
                ReportingPerson = Person(rng),
                ContactPerson = rng.Next(2) == 0 ? Person(rng) : null,
                CompanyTemplate = Maybe(rng),
                TermsOfServiceUrl = Maybe(rng),
                LegalUrl = Maybe(rng),
            },
            User = rng.Next(4) == 0 ? null : new ReportedUser
            {
                UserId = Maybe(rng),
                ScreenName = Maybe(rng),
                DisplayNames = [.. Enumerable.Range(0, rng.Next(3)).Select(_ => Text(rng))],
                Emails = [.. Enumerable.Range(0, rng.Next(3)).Select(_ => Text(rng))],
                ProfileUrls = [.. Enumerable.Range(0, rng.Next(2)).Select(_ => "https://example.com/u/" + Text(rng))],
                Service = Maybe(rng),
                IpCaptureEvents = [.. Enumerable.Range(0, rng.Next(4)).Select(_ => Ip(rng))],
            },
            Items = items,
            AdditionalInfo = Maybe(rng),
        };
    }
}
