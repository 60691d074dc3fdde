using System.Globalization;
using Vigil.Reporting.Model;
using Vigil.Reporting.Xml;

namespace Vigil.Reporting.Building;

/// <summary>Maps a <see cref="ReportInput"/> to the <c>&lt;report&gt;</c> document and, once NCMEC has given the ids,
/// each item's <c>&lt;fileDetails&gt;</c>.</summary>
/// <remarks>Text from the platform is cleaned of characters XML 1.0 cannot carry (and left out when nothing remains);
/// hashes are checked and written in lower-case hex. The result still goes through the schema when written.</remarks>
public static class ReportDocumentBuilder
{
    /// <summary>The report document for <paramref name="input"/>.</summary>
    /// <exception cref="ArgumentException">The input cannot make a report (no incident time, no internet details, a bad hash); the message names the field.</exception>
    public static Report BuildReport(ReportInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        for (int i = 0; i < input.Items.Count; i++)
            CheckItem(input.Items[i], i);

        DateTimeOffset incidentAt;
        string? incidentDescription = null;
        if (input.IncidentDateTime is { } given)
            incidentAt = given;
        else if (input.Items.Select(i => i.UploadedAt).Where(t => t is not null).Min() is { } earliest)
        {
            incidentAt = earliest;
            incidentDescription = "Earliest upload time of the reported files";
        }
        else
            throw new ArgumentException("IncidentDateTime: not given and no item has an upload time", nameof(input));

        var internet = input.InternetDetails.Select(Clean).ToList();
        if (internet.Count == 0)
        {
            var urls = input.Items.Select(i => Clean(i.Location)).OfType<string>()
                .Where(u => u.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || u.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
                .Distinct(StringComparer.Ordinal).ToList();
            if (urls.Count == 0)
                throw new ArgumentException("InternetDetails: none given and no item has an http(s) Location; NCMEC needs at least one", nameof(input));
            internet.Add(new WebPageIncident { Urls = urls });
        }

        var reporter = input.Reporter;
        string company = Clean(reporter.Company) ?? throw new ArgumentException("Reporter.Company is required", nameof(input));
        string? template = Clean(reporter.CompanyTemplate);

        return new Report
        {
            IncidentSummary = new IncidentSummary
            {
                IncidentType = input.IncidentType,
                Platform = Clean(input.Platform),
                EscalateToHighPriority = Clean(input.EscalateToHighPriority),
                ReportAnnotations = input.Annotations,
                IncidentDateTime = incidentAt,
                IncidentDateTimeDescription = incidentDescription,
            },
            InternetDetails = internet,
            Reporter = new Reporter
            {
                ReportingPerson = ToPerson(reporter.ReportingPerson),
                ContactPerson = reporter.ContactPerson is { } contact ? ToContact(contact) : null,
                CompanyTemplate = template is null ? company : company + "\n\n" + template,
                TermsOfService = Clean(reporter.TermsOfServiceUrl),
                LegalUrl = Clean(reporter.LegalUrl),
            },
            PersonOrUserReported = input.User is { } user ? [ToReported(user)] : [],
            AdditionalInfo = Clean(input.AdditionalInfo),
        };
    }

    /// <summary>The fileDetails of item number <paramref name="index"/> of <paramref name="input"/>, for the report and file ids NCMEC gave.</summary>
    public static FileDetails BuildFileDetails(ReportInput input, int index, long reportId, string fileId)
    {
        ArgumentNullException.ThrowIfNull(input);
        var item = input.Items[index];
        CheckItem(item, index);
        var hashes = new List<KeyValuePair<string, string>>();
        if (item.Pdq is { } pdq)
            hashes.Add(new("PDQ", pdq.ToLowerInvariant()));
        if (item.PdqQuality is { } quality)
            hashes.Add(new("PDQ quality", quality.ToString(CultureInfo.InvariantCulture)));
        var info = new List<string>();
        if (!item.ViewedByReviewer)
        {
            string how = Clean(item.MatchDescription) is { } match ? $" ({match})" : "";
            info.Add($"This file matched a known hash{how} and was not viewed by a person at {Clean(input.Reporter.Company)} before this report.");
        }
        return new FileDetails
        {
            ReportId = reportId,
            FileId = fileId,
            FileName = UploadName(item, index),
            OriginalFileName = Clean(item.OriginalFileName),
            UploadedToEspTimestamp = item.UploadedAt,
            LocationOfFile = Clean(item.Location),
            FileViewedByEsp = item.ViewedByReviewer,
            ExifViewedByEsp = item.ExifViewedByReviewer,
            PubliclyAvailable = item.PubliclyAvailable,
            FileRelevance = item.Relevance,
            FileAnnotations = item.Annotations,
            IndustryClassification = item.Classification,
            OriginalFileHashes = [new FileHash("MD5", item.Md5.ToLowerInvariant())],
            IpCaptureEvent = Clean(item.UploaderIp) is { } ip
                ? new IpCaptureEvent { IpAddress = ip, EventName = IpCaptureType.Upload, DateTime = item.UploadedAt, Port = item.UploaderPort }
                : null,
            Details = hashes.Count > 0 ? [new FileMetadata { Type = MetadataType.Hash, Pairs = hashes }] : [],
            AdditionalInfo = info,
        };
    }

    /// <summary>The name item number <paramref name="index"/> is uploaded to NCMEC under.</summary>
    public static string UploadName(ReportedItem item, int index) =>
        Clean(item.FileName) ?? Clean(item.OriginalFileName) ?? $"item-{index + 1}";

    private static void CheckItem(ReportedItem item, int index)
    {
        if (!IsHex(item.Md5, 32))
            throw new ArgumentException($"Items[{index}].Md5: expected 32 hex digits, got '{Printable(item.Md5)}'");
        if (item.Pdq is { } pdq && !IsHex(pdq, 64))
            throw new ArgumentException($"Items[{index}].Pdq: expected 64 hex digits, got '{Printable(pdq)}'");
        if (item.PdqQuality is < 0 or > 100)
            throw new ArgumentException($"Items[{index}].PdqQuality: expected 0..100, got {item.PdqQuality}");
        if (item.UploaderPort is < 0 or > 65535)
            throw new ArgumentException($"Items[{index}].UploaderPort: expected 0..65535, got {item.UploaderPort}");
    }

    private static bool IsHex(string? s, int length) => s is not null && s.Length == length && s.All(char.IsAsciiHexDigit);

    private static string Printable(string? s) => s is null ? "(null)" : XmlText.Strip(s.Length > 80 ? s[..80] + "..." : s);

    private static string? Clean(string? text)
    {
        if (text is null)
            return null;
        string clean = XmlText.Strip(text);
        return clean.Length == 0 ? null : clean;
    }

    private static List<string> Clean(IEnumerable<string> texts) => texts.Select(Clean).OfType<string>().ToList();

    private static Email? CleanEmail(string? address) => Clean(address) is { } a ? new Email { Address = a } : null;

    private static Person ToPerson(ReporterPerson p) => new()
    {
        FirstName = Clean(p.FirstName),
        LastName = Clean(p.LastName),
        Emails = CleanEmail(p.Email) is { } e ? [e] : [],
        Phones = Clean(p.Phone) is { } phone ? [new Phone { Number = phone }] : [],
    };

    private static ContactPerson ToContact(ReporterPerson p) => new()
    {
        FirstName = Clean(p.FirstName),
        LastName = Clean(p.LastName),
        Emails = CleanEmail(p.Email) is { } e ? [e] : [],
        Phones = Clean(p.Phone) is { } phone ? [new Phone { Number = phone }] : [],
    };

    private static PersonOrUserReported ToReported(ReportedUser user)
    {
        var emails = Clean(user.Emails).Select(a => new Email { Address = a }).ToList();
        return new PersonOrUserReported
        {
            Person = emails.Count > 0 ? new Person { Emails = emails } : null,
            EspIdentifier = Clean(user.UserId),
            EspService = Clean(user.Service),
            ScreenName = Clean(user.ScreenName),
            DisplayNames = Clean(user.DisplayNames),
            ProfileUrls = Clean(user.ProfileUrls),
            IpCaptureEvents = user.IpCaptureEvents
                .Select(e => Clean(e.IpAddress) is { } ip ? e with { IpAddress = ip } : null)
                .OfType<IpCaptureEvent>().ToList(),
        };
    }

    private static Address Clean(Address a) => a with
    {
        Street = Clean(a.Street),
        City = Clean(a.City),
        ZipCode = Clean(a.ZipCode),
        State = Clean(a.State),
        NonUsaState = Clean(a.NonUsaState),
        Country = Clean(a.Country),
    };

    private static InternetDetails Clean(InternetDetails details) => details switch
    {
        WebPageIncident web => web with { Urls = Clean(web.Urls), AdditionalInfo = Clean(web.AdditionalInfo) },
        EmailIncident email => email with
        {
            EmailAddresses = email.EmailAddresses.Select(e => Clean(e.Address) is { } a ? e with { Address = a } : null).OfType<Email>().ToList(),
            Content = Clean(email.Content),
            AdditionalInfo = Clean(email.AdditionalInfo),
        },
        NewsgroupIncident news => news with
        {
            Name = Clean(news.Name),
            EmailAddresses = news.EmailAddresses.Select(e => Clean(e.Address) is { } a ? e with { Address = a } : null).OfType<Email>().ToList(),
            Content = Clean(news.Content),
            AdditionalInfo = Clean(news.AdditionalInfo),
        },
        ChatImIncident chat => chat with
        {
            ChatClient = Clean(chat.ChatClient),
            ChatRoomName = Clean(chat.ChatRoomName),
            Content = Clean(chat.Content),
            AdditionalInfo = Clean(chat.AdditionalInfo),
        },
        OnlineGamingIncident game => game with
        {
            GameName = Clean(game.GameName),
            Console = Clean(game.Console),
            Content = Clean(game.Content),
            AdditionalInfo = Clean(game.AdditionalInfo),
        },
        CellPhoneIncident phone => phone with
        {
            PhoneNumber = phone.PhoneNumber is { } number && Clean(number.Number) is { } n ? number with { Number = n } : null,
            AdditionalInfo = Clean(phone.AdditionalInfo),
        },
        NonInternetIncident place => place with
        {
            LocationName = Clean(place.LocationName),
            IncidentAddresses = [.. place.IncidentAddresses.Select(Clean)],
            AdditionalInfo = Clean(place.AdditionalInfo),
        },
        PeerToPeerIncident p2p => p2p with
        {
            Client = Clean(p2p.Client),
            FileNames = Clean(p2p.FileNames),
            AdditionalInfo = Clean(p2p.AdditionalInfo),
            IpCaptureEvents = p2p.IpCaptureEvents.Select(e => Clean(e.IpAddress) is { } ip ? e with { IpAddress = ip } : null).OfType<IpCaptureEvent>().ToList(),
        },
        _ => details,
    };
}
