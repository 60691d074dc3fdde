namespace Vigil.Reporting.Model;

/// <summary>The <c>&lt;fileDetails&gt;</c> document: what the reporter knows about one uploaded file, sent with <c>POST /fileinfo</c>.</summary>
public sealed record FileDetails
{
    /// <summary><c>reportId</c>: the id NCMEC returned from <c>/submit</c>.</summary>
    public required long ReportId { get; init; }
    /// <summary><c>fileId</c>: the id NCMEC returned from <c>/upload</c>.</summary>
    public required string FileId { get; init; }
    /// <summary><c>fileName</c>: the name the file was uploaded to NCMEC under.</summary>
    public string? FileName { get; init; }
    /// <summary><c>originalFileName</c>: the name the user gave the file on the platform.</summary>
    public string? OriginalFileName { get; init; }
    /// <summary><c>uploadedToEspTimestamp</c>: when the user uploaded it to the platform.</summary>
    public DateTimeOffset? UploadedToEspTimestamp { get; init; }
    /// <summary><c>locationOfFile</c>: where it was (a URL or a path).</summary>
    public string? LocationOfFile { get; init; }
    /// <summary><c>fileViewedByEsp</c>: a person at the company looked at the file.</summary>
    public bool? FileViewedByEsp { get; init; }
    /// <summary><c>exifViewedByEsp</c>: a person at the company looked at its EXIF data.</summary>
    public bool? ExifViewedByEsp { get; init; }
    /// <summary><c>publiclyAvailable</c>: the file was visible to the public.</summary>
    public bool? PubliclyAvailable { get; init; }
    /// <summary><c>fileRelevance</c>.</summary>
    public FileRelevance? FileRelevance { get; init; }
    /// <summary><c>fileAnnotations</c>; null or all false leaves the element out.</summary>
    public FileAnnotations? FileAnnotations { get; init; }
    /// <summary><c>industryClassification</c>: the reviewer's A1/A2/B1/B2 category.</summary>
    public IndustryClassification? IndustryClassification { get; init; }
    /// <summary><c>originalFileHash</c>es, each with its <c>hashType</c>.</summary>
    public IReadOnlyList<FileHash> OriginalFileHashes { get; init; } = [];
    /// <summary><c>ipCaptureEvent</c>: the upload's IP address, if known.</summary>
    public IpCaptureEvent? IpCaptureEvent { get; init; }
    /// <summary><c>deviceId</c>s.</summary>
    public IReadOnlyList<DeviceId> DeviceIds { get; init; } = [];
    /// <summary><c>details</c>: name/value metadata blocks (EXIF or HASH).</summary>
    public IReadOnlyList<FileMetadata> Details { get; init; } = [];
    /// <summary><c>additionalInfo</c> paragraphs.</summary>
    public IReadOnlyList<string> AdditionalInfo { get; init; } = [];
}

/// <summary>The <c>fileRelevance</c> enumeration.</summary>
public enum FileRelevance
{
    /// <summary>"Reported": the file is the subject of the report.</summary>
    Reported,
    /// <summary>"Supplemental Reported": context for the reported files.</summary>
    SupplementalReported,
}

/// <summary>The industry classification (<c>fileClassification</c>) of the shared hash-sharing scheme.</summary>
public enum IndustryClassification
{
    /// <summary>A1: prepubescent minor, sex act.</summary>
    A1,
    /// <summary>A2: prepubescent minor, lascivious exhibition.</summary>
    A2,
    /// <summary>B1: pubescent minor, sex act.</summary>
    B1,
    /// <summary>B2: pubescent minor, lascivious exhibition.</summary>
    B2,
}

/// <summary><c>fileAnnotations</c>: tags of the file (each written as <c>true</c> when set).</summary>
public sealed record FileAnnotations
{
    /// <summary><c>animeDrawingVirtualHentai</c>.</summary>
    public bool AnimeDrawingVirtualHentai { get; init; }
    /// <summary><c>potentialMeme</c>.</summary>
    public bool PotentialMeme { get; init; }
    /// <summary><c>viral</c>.</summary>
    public bool Viral { get; init; }
    /// <summary><c>possibleSelfProduction</c>.</summary>
    public bool PossibleSelfProduction { get; init; }
    /// <summary><c>physicalHarm</c>.</summary>
    public bool PhysicalHarm { get; init; }
    /// <summary><c>violenceGore</c>.</summary>
    public bool ViolenceGore { get; init; }
    /// <summary><c>bestiality</c>.</summary>
    public bool Bestiality { get; init; }
    /// <summary><c>liveStreaming</c>.</summary>
    public bool LiveStreaming { get; init; }
    /// <summary><c>infant</c>.</summary>
    public bool Infant { get; init; }
    /// <summary><c>generativeAi</c>.</summary>
    public bool GenerativeAi { get; init; }

    internal bool Any => AnimeDrawingVirtualHentai || PotentialMeme || Viral || PossibleSelfProduction || PhysicalHarm
        || ViolenceGore || Bestiality || LiveStreaming || Infant || GenerativeAi;
}

/// <summary>An <c>originalFileHash</c>: a hash value with its <c>hashType</c> (e.g. MD5, PDQ).</summary>
/// <param name="HashType">The <c>hashType</c> attribute.</param>
/// <param name="Value">The hash, as text (hex for MD5 and PDQ).</param>
public sealed record FileHash(string HashType, string Value);

/// <summary>The <c>metadataTypes</c> enumeration of a <c>details</c> block.</summary>
public enum MetadataType
{
    /// <summary>EXIF metadata.</summary>
    Exif,
    /// <summary>Hashes.</summary>
    Hash,
}

/// <summary>A <c>details</c> block: name/value pairs (at least one), optionally typed.</summary>
public sealed record FileMetadata
{
    /// <summary>The <c>type</c> attribute.</summary>
    public MetadataType? Type { get; init; }
    /// <summary>The <c>nameValuePair</c>s, in order.</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> Pairs { get; init; }
}
