namespace Vigil.Reporting.Model;

// The typed model of NCMEC's <report> document (cybertipline.xsd). Element order in the writer follows the
// schema's sequences; optional fields left null (or empty lists) are left out of the document.
// Not modelled yet (all optional in the schema): batchedReport, lawEnforcement, intendedRecipient, victim,
// associatedAccount and the account-disabled flags of personOrUserReported.

/// <summary>The root <c>&lt;report&gt;</c> document: one incident, sent with <c>POST /submit</c>.</summary>
public sealed record Report
{
    /// <summary><c>incidentSummary</c>: the incident type and when it happened.</summary>
    public required IncidentSummary IncidentSummary { get; init; }

    /// <summary><c>internetDetails</c>, one element per incident kind (web page, e-mail, chat, ...).</summary>
    public IReadOnlyList<InternetDetails> InternetDetails { get; init; } = [];

    /// <summary><c>reporter</c>: the reporting company's person and contact.</summary>
    public required Reporter Reporter { get; init; }

    /// <summary><c>personOrUserReported</c>: the platform's account(s) involved.</summary>
    public IReadOnlyList<PersonOrUserReported> PersonOrUserReported { get; init; } = [];

    /// <summary><c>additionalInfo</c>: free text about the report as a whole.</summary>
    public string? AdditionalInfo { get; init; }
}

/// <summary>The schema's <c>incidentType</c> enumeration.</summary>
public enum IncidentType
{
    /// <summary>"Child Pornography (possession, manufacture, and distribution)".</summary>
    ChildPornography,
    /// <summary>"Child Sex Trafficking".</summary>
    ChildSexTrafficking,
    /// <summary>"Child Sex Tourism".</summary>
    ChildSexTourism,
    /// <summary>"Child Sexual Molestation".</summary>
    ChildSexualMolestation,
    /// <summary>"Misleading Domain Name".</summary>
    MisleadingDomainName,
    /// <summary>"Misleading Words or Digital Images on the Internet".</summary>
    MisleadingWordsOrDigitalImages,
    /// <summary>"Online Enticement of Children for Sexual Acts".</summary>
    OnlineEnticementOfChildren,
    /// <summary>"Unsolicited Obscene Material Sent to a Child".</summary>
    UnsolicitedObsceneMaterialSentToChild,
}

/// <summary><c>incidentSummary</c>.</summary>
public sealed record IncidentSummary
{
    /// <summary><c>incidentType</c>.</summary>
    public required IncidentType IncidentType { get; init; }

    /// <summary><c>platform</c>: the product or service of the reporting company where it happened.</summary>
    public string? Platform { get; init; }

    /// <summary><c>escalateToHighPriority</c>: the reason the report needs NCMEC's immediate attention, if any.</summary>
    public string? EscalateToHighPriority { get; init; }

    /// <summary><c>reportAnnotations</c>; null or all false leaves the element out.</summary>
    public ReportAnnotations? ReportAnnotations { get; init; }

    /// <summary><c>incidentDateTime</c>, written in UTC to the second.</summary>
    public required DateTimeOffset IncidentDateTime { get; init; }

    /// <summary><c>incidentDateTimeDescription</c>: what the date and time stand for.</summary>
    public string? IncidentDateTimeDescription { get; init; }
}

/// <summary><c>reportAnnotations</c>: tags of the report (each written as <c>true</c> when set; the schema fixes them to true).</summary>
public sealed record ReportAnnotations
{
    /// <summary><c>sextortion</c>.</summary>
    public bool Sextortion { get; init; }
    /// <summary><c>csamSolicitation</c>.</summary>
    public bool CsamSolicitation { get; init; }
    /// <summary><c>minorToMinorInteraction</c>.</summary>
    public bool MinorToMinorInteraction { get; init; }
    /// <summary><c>spam</c>.</summary>
    public bool Spam { get; init; }
    /// <summary><c>sadisticOnlineExploitation</c>.</summary>
    public bool SadisticOnlineExploitation { get; init; }

    internal bool Any => Sextortion || CsamSolicitation || MinorToMinorInteraction || Spam || SadisticOnlineExploitation;
}

/// <summary>One <c>internetDetails</c> element: exactly one of the schema's incident kinds.</summary>
public abstract record InternetDetails
{
    private protected InternetDetails() { }

    /// <summary><c>additionalInfo</c> of the incident.</summary>
    public string? AdditionalInfo { get; init; }
}

/// <summary><c>webPageIncident</c>.</summary>
public sealed record WebPageIncident : InternetDetails
{
    /// <summary><c>url</c>s where the content was.</summary>
    public IReadOnlyList<string> Urls { get; init; } = [];
    /// <summary>The <c>thirdPartyHostedContent</c> attribute: the content is hosted by someone else.</summary>
    public bool? ThirdPartyHostedContent { get; init; }
}

/// <summary><c>emailIncident</c>.</summary>
public sealed record EmailIncident : InternetDetails
{
    /// <summary><c>emailAddress</c>es involved.</summary>
    public IReadOnlyList<Email> EmailAddresses { get; init; } = [];
    /// <summary><c>content</c>: the message text or headers.</summary>
    public string? Content { get; init; }
}

/// <summary><c>newsgroupIncident</c>.</summary>
public sealed record NewsgroupIncident : InternetDetails
{
    /// <summary><c>name</c> of the newsgroup.</summary>
    public string? Name { get; init; }
    /// <summary><c>emailAddress</c>es involved.</summary>
    public IReadOnlyList<Email> EmailAddresses { get; init; } = [];
    /// <summary><c>content</c>.</summary>
    public string? Content { get; init; }
}

/// <summary><c>chatImIncident</c>.</summary>
public sealed record ChatImIncident : InternetDetails
{
    /// <summary><c>chatClient</c>: the chat or messaging product.</summary>
    public string? ChatClient { get; init; }
    /// <summary><c>chatRoomName</c>.</summary>
    public string? ChatRoomName { get; init; }
    /// <summary><c>content</c>: the conversation text.</summary>
    public string? Content { get; init; }
}

/// <summary><c>onlineGamingIncident</c>.</summary>
public sealed record OnlineGamingIncident : InternetDetails
{
    /// <summary><c>gameName</c>.</summary>
    public string? GameName { get; init; }
    /// <summary><c>console</c>.</summary>
    public string? Console { get; init; }
    /// <summary><c>content</c>.</summary>
    public string? Content { get; init; }
}

/// <summary><c>cellPhoneIncident</c>.</summary>
public sealed record CellPhoneIncident : InternetDetails
{
    /// <summary><c>phoneNumber</c>.</summary>
    public Phone? PhoneNumber { get; init; }
    /// <summary><c>latitude</c>.</summary>
    public double? Latitude { get; init; }
    /// <summary><c>longitude</c>.</summary>
    public double? Longitude { get; init; }
}

/// <summary><c>nonInternetIncident</c>.</summary>
public sealed record NonInternetIncident : InternetDetails
{
    /// <summary><c>locationName</c>.</summary>
    public string? LocationName { get; init; }
    /// <summary><c>incidentAddress</c>es.</summary>
    public IReadOnlyList<Address> IncidentAddresses { get; init; } = [];
}

/// <summary><c>peer2peerIncident</c>.</summary>
public sealed record PeerToPeerIncident : InternetDetails
{
    /// <summary><c>client</c>: the peer-to-peer program.</summary>
    public string? Client { get; init; }
    /// <summary><c>ipCaptureEvent</c>s.</summary>
    public IReadOnlyList<IpCaptureEvent> IpCaptureEvents { get; init; } = [];
    /// <summary><c>fileNames</c>.</summary>
    public string? FileNames { get; init; }
}

/// <summary><c>reporter</c>: who files the report (from the operator's configuration).</summary>
public sealed record Reporter
{
    /// <summary><c>reportingPerson</c> (required by the schema).</summary>
    public required Person ReportingPerson { get; init; }
    /// <summary><c>contactPerson</c>: whom law enforcement should contact, if not the reporting person.</summary>
    public ContactPerson? ContactPerson { get; init; }
    /// <summary><c>companyTemplate</c>: the company's standard text about its reports.</summary>
    public string? CompanyTemplate { get; init; }
    /// <summary><c>termsOfService</c>: the terms of service text or its address.</summary>
    public string? TermsOfService { get; init; }
    /// <summary><c>legalURL</c>: where law enforcement sends legal process.</summary>
    public string? LegalUrl { get; init; }
}

/// <summary>The schema's <c>contactPerson</c> type.</summary>
public record ContactPerson
{
    /// <summary><c>firstName</c>.</summary>
    public string? FirstName { get; init; }
    /// <summary><c>lastName</c>.</summary>
    public string? LastName { get; init; }
    /// <summary><c>phone</c> numbers.</summary>
    public IReadOnlyList<Phone> Phones { get; init; } = [];
    /// <summary><c>email</c> addresses.</summary>
    public IReadOnlyList<Email> Emails { get; init; } = [];
    /// <summary><c>address</c>es.</summary>
    public IReadOnlyList<Address> Addresses { get; init; } = [];
}

/// <summary>The schema's <c>person</c> type: a contact person with age and date of birth.</summary>
public sealed record Person : ContactPerson
{
    /// <summary><c>age</c>.</summary>
    public int? Age { get; init; }
    /// <summary><c>dateOfBirth</c>.</summary>
    public DateOnly? DateOfBirth { get; init; }
}

/// <summary>The <c>emailType</c> enumeration.</summary>
public enum EmailType
{
    /// <summary>Home.</summary>
    Home,
    /// <summary>Work.</summary>
    Work,
    /// <summary>Business.</summary>
    Business,
    /// <summary>Recovery.</summary>
    Recovery,
}

/// <summary>The schema's <c>email</c> type: an address with optional type and verification.</summary>
public sealed record Email
{
    /// <summary>The address (element text).</summary>
    public required string Address { get; init; }
    /// <summary>The <c>type</c> attribute.</summary>
    public EmailType? Type { get; init; }
    /// <summary>The <c>verified</c> attribute.</summary>
    public bool? Verified { get; init; }
    /// <summary>The <c>verificationDate</c> attribute.</summary>
    public DateTimeOffset? VerificationDate { get; init; }
}

/// <summary>The <c>phoneType</c> enumeration.</summary>
public enum PhoneType
{
    /// <summary>Mobile.</summary>
    Mobile,
    /// <summary>Home.</summary>
    Home,
    /// <summary>Business.</summary>
    Business,
    /// <summary>Work.</summary>
    Work,
    /// <summary>Fax.</summary>
    Fax,
    /// <summary>Internet.</summary>
    Internet,
    /// <summary>Recovery.</summary>
    Recovery,
}

/// <summary>The schema's <c>phone</c> type.</summary>
public sealed record Phone
{
    /// <summary>The number (element text).</summary>
    public required string Number { get; init; }
    /// <summary>The <c>type</c> attribute.</summary>
    public PhoneType? Type { get; init; }
    /// <summary>The <c>verified</c> attribute.</summary>
    public bool? Verified { get; init; }
    /// <summary>The <c>verificationDate</c> attribute.</summary>
    public DateTimeOffset? VerificationDate { get; init; }
    /// <summary>The <c>countryCallingCode</c> attribute, e.g. <c>+1</c> (schema pattern <c>\+[0-9]{1,3}</c>).</summary>
    public string? CountryCallingCode { get; init; }
    /// <summary>The <c>extension</c> attribute (digits).</summary>
    public string? Extension { get; init; }
}

/// <summary>The <c>addressType</c> enumeration.</summary>
public enum AddressType
{
    /// <summary>Home.</summary>
    Home,
    /// <summary>Business.</summary>
    Business,
    /// <summary>Billing.</summary>
    Billing,
    /// <summary>Shipping.</summary>
    Shipping,
    /// <summary>Technical.</summary>
    Technical,
}

/// <summary>The schema's <c>address</c> type.</summary>
public sealed record Address
{
    /// <summary><c>address</c>: street and number.</summary>
    public string? Street { get; init; }
    /// <summary><c>city</c>.</summary>
    public string? City { get; init; }
    /// <summary><c>zipCode</c>.</summary>
    public string? ZipCode { get; init; }
    /// <summary><c>state</c>: a two-letter US state code of the schema's list.</summary>
    public string? State { get; init; }
    /// <summary><c>nonUsaState</c>.</summary>
    public string? NonUsaState { get; init; }
    /// <summary><c>country</c>: an ISO 3166 two-letter code of the schema's list.</summary>
    public string? Country { get; init; }
    /// <summary>The <c>type</c> attribute.</summary>
    public AddressType? Type { get; init; }
}

/// <summary>The <c>ipCaptureType</c> enumeration: what the user did when the IP address was seen.</summary>
public enum IpCaptureType
{
    /// <summary>Login.</summary>
    Login,
    /// <summary>Registration.</summary>
    Registration,
    /// <summary>Purchase.</summary>
    Purchase,
    /// <summary>Upload.</summary>
    Upload,
    /// <summary>Other.</summary>
    Other,
    /// <summary>Unknown.</summary>
    Unknown,
}

/// <summary>The schema's <c>ipCaptureEvent</c> type.</summary>
public sealed record IpCaptureEvent
{
    /// <summary><c>ipAddress</c> (required).</summary>
    public required string IpAddress { get; init; }
    /// <summary><c>eventName</c>.</summary>
    public IpCaptureType? EventName { get; init; }
    /// <summary><c>dateTime</c>.</summary>
    public DateTimeOffset? DateTime { get; init; }
    /// <summary><c>possibleProxy</c>.</summary>
    public bool? PossibleProxy { get; init; }
    /// <summary><c>port</c>.</summary>
    public int? Port { get; init; }
}

/// <summary>The schema's <c>deviceId</c> type.</summary>
public sealed record DeviceId
{
    /// <summary><c>idType</c>, e.g. IMEI or an advertising id.</summary>
    public required string IdType { get; init; }
    /// <summary><c>idValue</c>.</summary>
    public required string IdValue { get; init; }
    /// <summary><c>eventName</c>.</summary>
    public IpCaptureType? EventName { get; init; }
    /// <summary><c>dateTime</c>.</summary>
    public DateTimeOffset? DateTime { get; init; }
}

/// <summary><c>personOrUserReported</c>: the platform's account involved in the incident.</summary>
public sealed record PersonOrUserReported
{
    /// <summary><c>personOrUserReportedPerson</c>: name, e-mail, phone as the platform knows them.</summary>
    public Person? Person { get; init; }
    /// <summary><c>espIdentifier</c>: the platform's user id.</summary>
    public string? EspIdentifier { get; init; }
    /// <summary><c>espService</c>: the service of the platform the account belongs to.</summary>
    public string? EspService { get; init; }
    /// <summary><c>compromisedAccount</c>.</summary>
    public bool? CompromisedAccount { get; init; }
    /// <summary><c>screenName</c>.</summary>
    public string? ScreenName { get; init; }
    /// <summary><c>displayName</c>s.</summary>
    public IReadOnlyList<string> DisplayNames { get; init; } = [];
    /// <summary><c>profileUrl</c>s.</summary>
    public IReadOnlyList<string> ProfileUrls { get; init; } = [];
    /// <summary><c>profileBio</c>.</summary>
    public string? ProfileBio { get; init; }
    /// <summary><c>ipCaptureEvent</c>s.</summary>
    public IReadOnlyList<IpCaptureEvent> IpCaptureEvents { get; init; } = [];
    /// <summary><c>deviceId</c>s.</summary>
    public IReadOnlyList<DeviceId> DeviceIds { get; init; } = [];
    /// <summary><c>thirdPartyUserReported</c>.</summary>
    public bool? ThirdPartyUserReported { get; init; }
    /// <summary><c>priorCTReports</c>: ids of earlier CyberTipline reports about the account.</summary>
    public IReadOnlyList<long> PriorCyberTiplineReports { get; init; } = [];
    /// <summary><c>groupIdentifier</c>.</summary>
    public string? GroupIdentifier { get; init; }
    /// <summary><c>additionalInfo</c>.</summary>
    public string? AdditionalInfo { get; init; }
}
