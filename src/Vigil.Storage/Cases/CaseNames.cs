namespace Vigil.Storage;

/// <summary>The names review's values are stored and shown by (<c>open</c>, <c>not_abuse</c>, <c>no_report</c>, ...).</summary>
public static class CaseNames
{
    /// <summary>A case status's name.</summary>
    public static string Name(CaseStatus status) => status switch
    {
        CaseStatus.Open => "open",
        CaseStatus.Decided => "decided",
        CaseStatus.Reported => "reported",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    /// <summary>An item verdict's name.</summary>
    public static string Name(ItemVerdict verdict) => verdict switch
    {
        ItemVerdict.Confirmed => "confirmed",
        ItemVerdict.NotAbuse => "not_abuse",
        ItemVerdict.Escalate => "escalate",
        ItemVerdict.Skip => "skip",
        _ => throw new ArgumentOutOfRangeException(nameof(verdict)),
    };

    /// <summary>A case verdict's name.</summary>
    public static string Name(CaseVerdict verdict) => verdict switch
    {
        CaseVerdict.Report => "report",
        CaseVerdict.NoReport => "no_report",
        CaseVerdict.Escalate => "escalate",
        _ => throw new ArgumentOutOfRangeException(nameof(verdict)),
    };

    /// <summary>An incident kind's name.</summary>
    public static string Name(IncidentKind kind) => kind switch
    {
        IncidentKind.WebPage => "web_page",
        IncidentKind.Email => "email",
        IncidentKind.Newsgroup => "newsgroup",
        IncidentKind.Chat => "chat",
        IncidentKind.OnlineGaming => "online_gaming",
        IncidentKind.CellPhone => "cell_phone",
        IncidentKind.NonInternet => "non_internet",
        IncidentKind.PeerToPeer => "peer_to_peer",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>Every incident kind's name, comma-separated, for an error message.</summary>
    public static string IncidentKindNames => string.Join(", ", Enum.GetValues<IncidentKind>().Select(Name));

    /// <summary>Parses a case status name; false for anything else.</summary>
    public static bool TryParseStatus(string? name, out CaseStatus status) =>
        NameTable.TryParse(name, [CaseStatus.Open, CaseStatus.Decided, CaseStatus.Reported], Name, out status);

    /// <summary>Parses an item verdict name; false for anything else.</summary>
    public static bool TryParseItemVerdict(string? name, out ItemVerdict verdict) =>
        NameTable.TryParse(name, [ItemVerdict.Confirmed, ItemVerdict.NotAbuse, ItemVerdict.Escalate, ItemVerdict.Skip], Name, out verdict);

    /// <summary>Parses a case verdict name; false for anything else.</summary>
    public static bool TryParseCaseVerdict(string? name, out CaseVerdict verdict) =>
        NameTable.TryParse(name, [CaseVerdict.Report, CaseVerdict.NoReport, CaseVerdict.Escalate], Name, out verdict);

    /// <summary>Parses an incident kind name; false for anything else.</summary>
    public static bool TryParseIncidentKind(string? name, out IncidentKind kind) =>
        NameTable.TryParse(name, Enum.GetValues<IncidentKind>(), Name, out kind);

    /// <summary>Parses a classification (A1, A2, B1, B2, exactly); false for anything else.</summary>
    public static bool TryParseClassification(string? name, out IndustryClassification classification)
    {
        (bool ok, classification) = name switch
        {
            "A1" => (true, IndustryClassification.A1),
            "A2" => (true, IndustryClassification.A2),
            "B1" => (true, IndustryClassification.B1),
            "B2" => (true, IndustryClassification.B2),
            _ => (false, default(IndustryClassification)),
        };
        return ok;
    }

    internal static CaseStatus ParseStatus(string name) =>
        TryParseStatus(name, out var status) ? status : throw new StoreException($"unknown case status '{name}'");

    internal static IncidentKind ParseIncidentKind(string name) =>
        TryParseIncidentKind(name, out var kind) ? kind : throw new StoreException($"unknown incident kind '{name}'");

    internal static ItemVerdict ParseItemVerdict(string name) =>
        TryParseItemVerdict(name, out var verdict) ? verdict : throw new StoreException($"unknown item verdict '{name}'");

    internal static CaseVerdict ParseCaseVerdict(string name) =>
        TryParseCaseVerdict(name, out var verdict) ? verdict : throw new StoreException($"unknown case verdict '{name}'");
}
