using System.Globalization;
using System.Text;
using System.Xml;
using Vigil.Reporting.Model;

namespace Vigil.Reporting.Xml;

/// <summary>Writes the <c>&lt;report&gt;</c> and <c>&lt;fileDetails&gt;</c> documents (with <see cref="XmlWriter"/>) and
/// checks them against NCMEC's schema before they leave; writes and reads NCMEC's response documents.</summary>
/// <remarks>Documents are UTF-8 without a byte order mark, indented by two spaces, LF line ends; dates in UTC to the
/// second. Text that XML 1.0 cannot carry (control characters other than tab, line feed and carriage return, lone
/// surrogates, U+FFFE/U+FFFF) is refused with the field's path; <see cref="Vigil.Reporting.Building.ReportDocumentBuilder"/> strips it
/// from platform-supplied text first.</remarks>
public static class CyberTiplineXml
{
    /// <summary>The document of <paramref name="report"/>, valid against the schema.</summary>
    /// <exception cref="CyberTiplineDocumentException">A field cannot be written, or the result breaks the schema.</exception>
    public static byte[] WriteReport(Report report)
    {
        var bytes = Write("report", w => WriteReportBody(w, report));
        CyberTiplineSchema.EnsureValid(bytes, "report");
        return bytes;
    }

    /// <summary>The document of <paramref name="details"/>, valid against the schema.</summary>
    /// <exception cref="CyberTiplineDocumentException">A field cannot be written, or the result breaks the schema.</exception>
    public static byte[] WriteFileDetails(FileDetails details)
    {
        var bytes = Write("fileDetails", w => WriteFileDetailsBody(w, details));
        CyberTiplineSchema.EnsureValid(bytes, "fileDetails");
        return bytes;
    }

    /// <summary>A <c>&lt;reportResponse&gt;</c> document (what NCMEC sends; used by the fake server and tests).</summary>
    public static byte[] WriteReportResponse(ReportResponse response) => Write("reportResponse", w =>
    {
        w.Int("responseCode", response.ResponseCode);
        w.Element("responseDescription", response.ResponseDescription, always: true);
        w.Long("reportId", response.ReportId);
        w.Element("fileId", response.FileId);
        w.Element("hash", response.Hash);
    });

    /// <summary>A <c>&lt;reportDoneResponse&gt;</c> document (what NCMEC sends from <c>/finish</c>).</summary>
    public static byte[] WriteReportDoneResponse(ReportDoneResponse response) => Write("reportDoneResponse", w =>
    {
        w.Int("responseCode", response.ResponseCode);
        w.Long("reportId", response.ReportId);
        w.Start("files");
        foreach (var id in response.FileIds)
            w.Element("fileId", id);
        w.End();
    });

    /// <summary>Reads a <c>&lt;reportResponse&gt;</c>. Unknown elements are ignored; a DTD is refused.</summary>
    /// <exception cref="CyberTiplineProtocolException">Not a well-formed reportResponse with an integer responseCode.</exception>
    public static ReportResponse ReadReportResponse(ReadOnlySpan<byte> xml)
    {
        var root = Load(xml, "reportResponse");
        return new ReportResponse
        {
            ResponseCode = RequiredInt(root, "responseCode"),
            ResponseDescription = root.Element("responseDescription")?.Value ?? "",
            ReportId = OptionalLong(root, "reportId"),
            FileId = root.Element("fileId")?.Value.Trim(),
            Hash = root.Element("hash")?.Value.Trim(),
        };
    }

    /// <summary>Reads a <c>&lt;reportDoneResponse&gt;</c>. Unknown elements are ignored; a DTD is refused.</summary>
    /// <exception cref="CyberTiplineProtocolException">Not a well-formed reportDoneResponse.</exception>
    public static ReportDoneResponse ReadReportDoneResponse(ReadOnlySpan<byte> xml)
    {
        var root = Load(xml, "reportDoneResponse");
        return new ReportDoneResponse
        {
            ResponseCode = RequiredInt(root, "responseCode"),
            ReportId = OptionalLong(root, "reportId") ?? 0,
            FileIds = root.Element("files")?.Elements("fileId").Select(e => e.Value.Trim()).ToList() ?? [],
        };
    }

    /// <summary>The response code of any response document (reportResponse or reportDoneResponse), or null if there is none.</summary>
    internal static (string Root, int? Code, string Description) Peek(ReadOnlySpan<byte> xml)
    {
        try
        {
            var root = Load(xml, null);
            int? code = int.TryParse(root.Element("responseCode")?.Value.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int c) ? c : null;
            return (root.Name.LocalName, code, root.Element("responseDescription")?.Value ?? "");
        }
        catch (CyberTiplineProtocolException)
        {
            return ("", null, "");
        }
    }

    private static System.Xml.Linq.XElement Load(ReadOnlySpan<byte> xml, string? expectedRoot)
    {
        System.Xml.Linq.XDocument doc;
        try
        {
            using var stream = new MemoryStream(xml.ToArray(), writable: false);
            using var reader = XmlReader.Create(stream, CyberTiplineSchema.SafeReaderSettings());
            doc = System.Xml.Linq.XDocument.Load(reader);
        }
        catch (XmlException e)
        {
            throw new CyberTiplineProtocolException($"the response is not well-formed XML: {e.Message}");
        }
        var root = doc.Root!;
        if (expectedRoot is not null && root.Name.LocalName != expectedRoot)
            throw new CyberTiplineProtocolException($"expected a <{expectedRoot}> response, got <{root.Name.LocalName}>");
        return root;
    }

    private static int RequiredInt(System.Xml.Linq.XElement root, string name)
    {
        string? text = root.Element(name)?.Value.Trim();
        if (text is null || !int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value))
            throw new CyberTiplineProtocolException($"<{root.Name.LocalName}> has no integer <{name}>");
        return value;
    }

    private static long? OptionalLong(System.Xml.Linq.XElement root, string name)
    {
        string? text = root.Element(name)?.Value.Trim();
        if (string.IsNullOrEmpty(text))
            return null;
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
            throw new CyberTiplineProtocolException($"<{root.Name.LocalName}>'s <{name}> is not a number: '{text}'");
        return value;
    }

    internal static byte[] Write(string root, Action<DocWriter> body)
    {
        var settings = new XmlWriterSettings
        {
            Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
            Indent = true,
            IndentChars = "  ",
            NewLineChars = "\n",
            NewLineHandling = NewLineHandling.Entitize,
            CheckCharacters = true,
        };
        using var buffer = new MemoryStream();
        using (var xml = XmlWriter.Create(buffer, settings))
        {
            xml.WriteStartDocument();
            var w = new DocWriter(xml);
            w.Start(root);
            body(w);
            w.End();
            xml.WriteEndDocument();
        }
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    internal static byte[] WriteReportUnvalidated(Report report) => Write("report", w => WriteReportBody(w, report));

    private static void WriteReportBody(DocWriter w, Report r)
    {
        var s = r.IncidentSummary;
        w.Start("incidentSummary");
        w.Element("incidentType", Names.Of(s.IncidentType));
        w.Element("platform", s.Platform);
        w.Element("escalateToHighPriority", s.EscalateToHighPriority);
        if (s.ReportAnnotations is { Any: true } a)
        {
            w.Start("reportAnnotations");
            w.Flag("sextortion", a.Sextortion);
            w.Flag("csamSolicitation", a.CsamSolicitation);
            w.Flag("minorToMinorInteraction", a.MinorToMinorInteraction);
            w.Flag("spam", a.Spam);
            w.Flag("sadisticOnlineExploitation", a.SadisticOnlineExploitation);
            w.End();
        }
        w.DateTime("incidentDateTime", s.IncidentDateTime);
        w.Element("incidentDateTimeDescription", s.IncidentDateTimeDescription);
        w.End();

        foreach (var details in r.InternetDetails)
        {
            w.Start("internetDetails");
            WriteIncident(w, details);
            w.End();
        }

        w.Start("reporter");
        WritePerson(w, "reportingPerson", r.Reporter.ReportingPerson);
        if (r.Reporter.ContactPerson is { } contact)
            WritePerson(w, "contactPerson", contact);
        w.Element("companyTemplate", r.Reporter.CompanyTemplate);
        w.Element("termsOfService", r.Reporter.TermsOfService);
        w.Element("legalURL", r.Reporter.LegalUrl);
        w.End();

        foreach (var user in r.PersonOrUserReported)
        {
            w.Start("personOrUserReported");
            if (user.Person is { } person)
                WritePerson(w, "personOrUserReportedPerson", person);
            w.Element("espIdentifier", user.EspIdentifier);
            w.Element("espService", user.EspService);
            w.Bool("compromisedAccount", user.CompromisedAccount);
            w.Element("screenName", user.ScreenName);
            foreach (var name in user.DisplayNames)
                w.Element("displayName", name, always: true);
            foreach (var url in user.ProfileUrls)
                w.Element("profileUrl", url, always: true);
            w.Element("profileBio", user.ProfileBio);
            foreach (var e in user.IpCaptureEvents)
                WriteIpCaptureEvent(w, e);
            foreach (var d in user.DeviceIds)
                WriteDeviceId(w, d);
            w.Bool("thirdPartyUserReported", user.ThirdPartyUserReported);
            foreach (var prior in user.PriorCyberTiplineReports)
                w.Long("priorCTReports", prior);
            w.Element("groupIdentifier", user.GroupIdentifier);
            w.Element("additionalInfo", user.AdditionalInfo);
            w.End();
        }
        w.Element("additionalInfo", r.AdditionalInfo);
    }

    private static void WriteIncident(DocWriter w, InternetDetails details)
    {
        switch (details)
        {
            case WebPageIncident web:
                w.Start("webPageIncident");
                w.Attribute("thirdPartyHostedContent", web.ThirdPartyHostedContent is { } t ? XmlConvert.ToString(t) : null);
                foreach (var url in web.Urls)
                    w.Element("url", url, always: true);
                break;
            case EmailIncident email:
                w.Start("emailIncident");
                foreach (var address in email.EmailAddresses)
                    WriteEmail(w, "emailAddress", address);
                w.Element("content", email.Content);
                break;
            case NewsgroupIncident news:
                w.Start("newsgroupIncident");
                w.Element("name", news.Name);
                foreach (var address in news.EmailAddresses)
                    WriteEmail(w, "emailAddress", address);
                w.Element("content", news.Content);
                break;
            case ChatImIncident chat:
                w.Start("chatImIncident");
                w.Element("chatClient", chat.ChatClient);
                w.Element("chatRoomName", chat.ChatRoomName);
                w.Element("content", chat.Content);
                break;
            case OnlineGamingIncident game:
                w.Start("onlineGamingIncident");
                w.Element("gameName", game.GameName);
                w.Element("console", game.Console);
                w.Element("content", game.Content);
                break;
            case CellPhoneIncident phone:
                w.Start("cellPhoneIncident");
                if (phone.PhoneNumber is { } number)
                    WritePhone(w, "phoneNumber", number);
                w.Double("latitude", phone.Latitude);
                w.Double("longitude", phone.Longitude);
                break;
            case NonInternetIncident place:
                w.Start("nonInternetIncident");
                w.Element("locationName", place.LocationName);
                foreach (var address in place.IncidentAddresses)
                    WriteAddress(w, "incidentAddress", address);
                break;
            case PeerToPeerIncident p2p:
                w.Start("peer2peerIncident");
                w.Element("client", p2p.Client);
                foreach (var e in p2p.IpCaptureEvents)
                    WriteIpCaptureEvent(w, e);
                w.Element("fileNames", p2p.FileNames);
                break;
            default:
                throw new ArgumentException($"unknown incident kind {details.GetType().Name}", nameof(details));
        }
        w.Element("additionalInfo", details.AdditionalInfo);
        w.End();
    }

    private static void WritePerson(DocWriter w, string name, ContactPerson person)
    {
        w.Start(name);
        w.Element("firstName", person.FirstName);
        w.Element("lastName", person.LastName);
        foreach (var phone in person.Phones)
            WritePhone(w, "phone", phone);
        foreach (var email in person.Emails)
            WriteEmail(w, "email", email);
        foreach (var address in person.Addresses)
            WriteAddress(w, "address", address);
        if (person is Person p)
        {
            w.Int("age", p.Age);
            if (p.DateOfBirth is { } dob)
                w.Element("dateOfBirth", dob.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }
        w.End();
    }

    private static void WriteEmail(DocWriter w, string name, Email email)
    {
        w.Start(name);
        w.Attribute("type", email.Type?.ToString());
        w.Attribute("verified", email.Verified is { } v ? XmlConvert.ToString(v) : null);
        w.Attribute("verificationDate", email.VerificationDate is { } d ? Names.DateTime(d) : null);
        w.Text(email.Address);
        w.End();
    }

    private static void WritePhone(DocWriter w, string name, Phone phone)
    {
        w.Start(name);
        w.Attribute("type", phone.Type?.ToString());
        w.Attribute("verified", phone.Verified is { } v ? XmlConvert.ToString(v) : null);
        w.Attribute("verificationDate", phone.VerificationDate is { } d ? Names.DateTime(d) : null);
        w.Attribute("countryCallingCode", phone.CountryCallingCode);
        w.Attribute("extension", phone.Extension);
        w.Text(phone.Number);
        w.End();
    }

    private static void WriteAddress(DocWriter w, string name, Address address)
    {
        w.Start(name);
        w.Attribute("type", address.Type?.ToString());
        w.Element("address", address.Street);
        w.Element("city", address.City);
        w.Element("zipCode", address.ZipCode);
        w.Element("state", address.State);
        w.Element("nonUsaState", address.NonUsaState);
        w.Element("country", address.Country);
        w.End();
    }

    private static void WriteIpCaptureEvent(DocWriter w, IpCaptureEvent e)
    {
        w.Start("ipCaptureEvent");
        w.Element("ipAddress", e.IpAddress, always: true);
        w.Element("eventName", e.EventName?.ToString());
        if (e.DateTime is { } at)
            w.DateTime("dateTime", at);
        w.Bool("possibleProxy", e.PossibleProxy);
        w.Int("port", e.Port);
        w.End();
    }

    private static void WriteDeviceId(DocWriter w, DeviceId d)
    {
        w.Start("deviceId");
        w.Element("idType", d.IdType, always: true);
        w.Element("idValue", d.IdValue, always: true);
        w.Element("eventName", d.EventName?.ToString());
        if (d.DateTime is { } at)
            w.DateTime("dateTime", at);
        w.End();
    }

    private static void WriteFileDetailsBody(DocWriter w, FileDetails f)
    {
        w.Long("reportId", f.ReportId);
        w.Element("fileId", f.FileId, always: true);
        w.Element("fileName", f.FileName);
        w.Element("originalFileName", f.OriginalFileName);
        if (f.UploadedToEspTimestamp is { } uploaded)
            w.DateTime("uploadedToEspTimestamp", uploaded);
        w.Element("locationOfFile", f.LocationOfFile);
        w.Bool("fileViewedByEsp", f.FileViewedByEsp);
        w.Bool("exifViewedByEsp", f.ExifViewedByEsp);
        w.Bool("publiclyAvailable", f.PubliclyAvailable);
        w.Element("fileRelevance", f.FileRelevance is { } relevance ? Names.Of(relevance) : null);
        if (f.FileAnnotations is { Any: true } a)
        {
            w.Start("fileAnnotations");
            w.Flag("animeDrawingVirtualHentai", a.AnimeDrawingVirtualHentai);
            w.Flag("potentialMeme", a.PotentialMeme);
            w.Flag("viral", a.Viral);
            w.Flag("possibleSelfProduction", a.PossibleSelfProduction);
            w.Flag("physicalHarm", a.PhysicalHarm);
            w.Flag("violenceGore", a.ViolenceGore);
            w.Flag("bestiality", a.Bestiality);
            w.Flag("liveStreaming", a.LiveStreaming);
            w.Flag("infant", a.Infant);
            w.Flag("generativeAi", a.GenerativeAi);
            w.End();
        }
        w.Element("industryClassification", f.IndustryClassification?.ToString());
        foreach (var hash in f.OriginalFileHashes)
        {
            w.Start("originalFileHash");
            w.Attribute("hashType", hash.HashType, always: true);
            w.Text(hash.Value);
            w.End();
        }
        if (f.IpCaptureEvent is { } ip)
            WriteIpCaptureEvent(w, ip);
        foreach (var d in f.DeviceIds)
            WriteDeviceId(w, d);
        foreach (var details in f.Details)
        {
            w.Start("details");
            w.Attribute("type", details.Type switch { MetadataType.Exif => "EXIF", MetadataType.Hash => "HASH", _ => null });
            foreach (var pair in details.Pairs)
            {
                w.Start("nameValuePair");
                w.Element("name", pair.Key, always: true);
                w.Element("value", pair.Value, always: true);
                w.End();
            }
            w.End();
        }
        foreach (var info in f.AdditionalInfo)
            w.Element("additionalInfo", info, always: true);
    }
}

/// <summary>The schema's spellings of the model's enumerations and values.</summary>
internal static class Names
{
    public static string Of(IncidentType type) => type switch
    {
        IncidentType.ChildPornography => "Child Pornography (possession, manufacture, and distribution)",
        IncidentType.ChildSexTrafficking => "Child Sex Trafficking",
        IncidentType.ChildSexTourism => "Child Sex Tourism",
        IncidentType.ChildSexualMolestation => "Child Sexual Molestation",
        IncidentType.MisleadingDomainName => "Misleading Domain Name",
        IncidentType.MisleadingWordsOrDigitalImages => "Misleading Words or Digital Images on the Internet",
        IncidentType.OnlineEnticementOfChildren => "Online Enticement of Children for Sexual Acts",
        IncidentType.UnsolicitedObsceneMaterialSentToChild => "Unsolicited Obscene Material Sent to a Child",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not an incident type"),
    };

    public static string Of(FileRelevance relevance) => relevance switch
    {
        FileRelevance.Reported => "Reported",
        FileRelevance.SupplementalReported => "Supplemental Reported",
        _ => throw new ArgumentOutOfRangeException(nameof(relevance), relevance, "not a file relevance"),
    };

    /// <summary>xs:dateTime in UTC, to the second: <c>2026-03-01T12:00:00Z</c>.</summary>
    public static string DateTime(DateTimeOffset at) =>
        at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

/// <summary>An <see cref="XmlWriter"/> that knows the element path it is at, so a refused value names its field.</summary>
internal sealed class DocWriter(XmlWriter xml)
{
    private readonly List<string> _path = [];

    public void Start(string name)
    {
        xml.WriteStartElement(name);
        _path.Add(name);
    }

    public void End()
    {
        xml.WriteEndElement();
        _path.RemoveAt(_path.Count - 1);
    }

    public void Text(string value)
    {
        Check(value, null);
        xml.WriteString(value);
    }

    /// <summary>An element with text; left out when null (or empty, unless <paramref name="always"/>).</summary>
    public void Element(string name, string? value, bool always = false)
    {
        if (value is null || (value.Length == 0 && !always))
            return;
        Start(name);
        Text(value);
        End();
    }

    public void Attribute(string name, string? value, bool always = false)
    {
        if (value is null || (value.Length == 0 && !always))
            return;
        Check(value, name);
        xml.WriteAttributeString(name, value);
    }

    public void Bool(string name, bool? value)
    {
        if (value is { } v)
            Element(name, XmlConvert.ToString(v));
    }

    /// <summary>A schema flag fixed to true: written only when set.</summary>
    public void Flag(string name, bool set)
    {
        if (set)
            Element(name, "true");
    }

    public void Int(string name, int? value)
    {
        if (value is { } v)
            Element(name, v.ToString(CultureInfo.InvariantCulture));
    }

    public void Long(string name, long? value)
    {
        if (value is { } v)
            Element(name, v.ToString(CultureInfo.InvariantCulture));
    }

    public void Double(string name, double? value)
    {
        if (value is { } v)
            Element(name, XmlConvert.ToString(v));
    }

    public void DateTime(string name, DateTimeOffset value) => Element(name, Names.DateTime(value));

    private void Check(string value, string? attribute)
    {
        int bad = XmlText.FirstInvalid(value);
        if (bad < 0)
            return;
        string path = string.Join('/', _path) + (attribute is null ? "" : "/@" + attribute);
        throw new CyberTiplineDocumentException(_path[0],
            [new DocumentError(path, $"character U+{(int)value[bad]:X4} at position {bad} is not allowed in XML 1.0; remove it (the report builder strips such characters)")]);
    }
}

/// <summary>Which text XML 1.0 can carry.</summary>
public static class XmlText
{
    /// <summary>Index of the first character XML 1.0 cannot carry (a control character other than tab, LF, CR; a lone surrogate; U+FFFE or U+FFFF), or -1.</summary>
    public static int FirstInvalid(string value)
    {
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
                continue;
            }
            if (!XmlConvert.IsXmlChar(c))
                return i;
        }
        return -1;
    }

    /// <summary><paramref name="value"/> without the characters XML 1.0 cannot carry (see <see cref="FirstInvalid"/>).</summary>
    public static string Strip(string value)
    {
        if (FirstInvalid(value) < 0)
            return value;
        var sb = new StringBuilder(value.Length);
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                sb.Append(c).Append(value[++i]);
                continue;
            }
            if (XmlConvert.IsXmlChar(c))
                sb.Append(c);
        }
        return sb.ToString();
    }
}
