using System.Diagnostics.CodeAnalysis;

namespace Vigil.Exchanges;

/// <summary>A hash-list file format Vigil can import (and, for <see cref="Te"/> and <see cref="Csv"/>, export).</summary>
public enum HashListFormat
{
    /// <summary>
    /// ThreatExchange's file exchange: one <c>signal_type value</c> per line (<c>pdq 3f00...</c>); a bare
    /// 64-digit hex line is a PDQ hash, as the reference tools ship their lists. Blank lines and
    /// <c>#</c> comments are skipped.
    /// </summary>
    Te,

    /// <summary>
    /// CSV with a header row (RFC 4180 quoting): signal columns <c>pdq</c>, <c>md5</c>, <c>sha1</c>,
    /// <c>sha256</c>, and optional <c>label</c>, <c>source</c>, <c>source_id</c>, <c>note</c>,
    /// <c>metadata</c> (a JSON object) and <c>action</c> (<c>add</c> or <c>remove</c>).
    /// </summary>
    Csv,

    /// <summary>
    /// NCMEC hash sharing API entries: a <c>&lt;queryResult&gt;</c> with <c>&lt;images&gt;</c> and
    /// <c>&lt;videos&gt;</c> holding <c>&lt;image&gt;</c>, <c>&lt;video&gt;</c>, <c>&lt;deletedImage&gt;</c>
    /// and <c>&lt;deletedVideo&gt;</c> entries.
    /// </summary>
    NcmecXml,

    /// <summary>
    /// StopNCII <c>FetchHashes</c> response pages: one page object, a JSON array of pages, or one page
    /// per line (JSON Lines).
    /// </summary>
    StopNciiJson,
}

/// <summary>The command-line names of the hash-list formats (<c>te</c>, <c>csv</c>, <c>ncmec-xml</c>, <c>stopncii-json</c>, <c>auto</c>).</summary>
public static class HashListFormats
{
    /// <summary>The name that asks for the format to be detected from the file's content.</summary>
    public const string AutoName = "auto";

    private static readonly (string Name, HashListFormat Format)[] s_names =
    [
        ("te", HashListFormat.Te),
        ("csv", HashListFormat.Csv),
        ("ncmec-xml", HashListFormat.NcmecXml),
        ("stopncii-json", HashListFormat.StopNciiJson),
    ];

    /// <summary>Every format, in the order the CLI lists them.</summary>
    public static IReadOnlyList<HashListFormat> All { get; } = [.. s_names.Select(n => n.Format)];

    /// <summary>The command-line name of <paramref name="format"/> (<c>ncmec-xml</c> for <see cref="HashListFormat.NcmecXml"/>).</summary>
    public static string GetName(this HashListFormat format)
    {
        foreach (var (name, candidate) in s_names)
        {
            if (candidate == format)
                return name;
        }
        throw new ArgumentOutOfRangeException(nameof(format), format, "not a hash-list format");
    }

    /// <summary>True for the formats <see cref="HashListWriter"/> can write (<c>te</c> and <c>csv</c>).</summary>
    public static bool CanWrite(this HashListFormat format) => format is HashListFormat.Te or HashListFormat.Csv;

    /// <summary>
    /// Parses a command-line format name, ignoring case. <c>auto</c> gives a null <paramref name="format"/>:
    /// detect it with <see cref="HashListReader.Detect(string)"/>.
    /// </summary>
    public static bool TryParse(string? name, out HashListFormat? format, [NotNullWhen(false)] out string? error)
    {
        format = null;
        error = null;
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Equals(AutoName, StringComparison.OrdinalIgnoreCase))
            return true;
        foreach (var (candidateName, candidate) in s_names)
        {
            if (trimmed.Equals(candidateName, StringComparison.OrdinalIgnoreCase))
            {
                format = candidate;
                return true;
            }
        }
        error = $"unknown hash-list format '{name}' (known: {AutoName}, {string.Join(", ", s_names.Select(n => n.Name))})";
        return false;
    }

    /// <summary>Like <see cref="TryParse"/> but throws <see cref="FormatException"/> with the reason; null means <c>auto</c>.</summary>
    public static HashListFormat? Parse(string name) =>
        TryParse(name, out var format, out var error) ? format : throw new FormatException(error);
}
