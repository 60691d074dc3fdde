using System.Globalization;
using System.Text;
using System.Xml;
using Vigil.Exchanges.Fetching;

namespace Vigil.Exchanges.Clients.Ncmec;

/// <summary>
/// The parts of NCMEC's XML answers that <see cref="Formats.NcmecXmlReader"/> (which reads entries) does not: a page's
/// entry kinds and paging link, status and members, feedback reasons, and the feedback body. Elements match by local
/// name, with or without NCMEC's namespace; no DTDs.
/// </summary>
internal static class NcmecXml
{
    public const string Namespace = "https://hashsharing.ncmec.org/hashsharing/v2";

    /// <summary>What a <c>/v2/entries</c> page says beside its entries.</summary>
    /// <param name="EntryIsVideo">For each entry element in document order, whether it is a video (or deleted video).</param>
    /// <param name="Next">The next page's link (a path under the base URL), or null on a range's last page.</param>
    /// <param name="Estimate">How many entries the range holds from this page on, as the link's <c>start</c> and <c>max</c> tell.</param>
    public sealed record PageInfo(IReadOnlyList<bool> EntryIsVideo, string? Next, long Estimate);

    public static PageInfo ReadPage(byte[] body)
    {
        var kinds = new List<bool>();
        string? next = null;
        Walk(body, "queryResult", reader =>
        {
            switch (reader.LocalName)
            {
                case "image" or "deletedImage" when reader.Depth == 2:
                    kinds.Add(false);
                    break;
                case "video" or "deletedVideo" when reader.Depth == 2:
                    kinds.Add(true);
                    break;
                case "next" when reader.Depth == 2:
                    next = reader.ReadElementContentAsString().Trim();
                    return true;
            }
            return false;
        });
        if (string.IsNullOrEmpty(next))
            return new PageInfo(kinds, null, kinds.Count);
        long estimate = kinds.Count + 1;
        if (QueryLong(next, "start") is { } start && QueryLong(next, "max") is { } max && max >= start)
            estimate = kinds.Count + (max - start + 1);
        return new PageInfo(kinds, next, estimate);
    }

    public static NcmecMember ReadStatus(byte[] body)
    {
        NcmecMember? member = null;
        Walk(body, "status", reader =>
        {
            if (reader.LocalName == "member" && reader.Depth == 1)
            {
                member = ReadMember(reader);
                return true;
            }
            return false;
        });
        return member ?? throw new ExchangeProtocolException("NCMEC: status answered no <member>");
    }

    public static IReadOnlyList<NcmecMember> ReadMembers(byte[] body)
    {
        var members = new List<NcmecMember>();
        Walk(body, null, reader =>
        {
            if (reader.LocalName != "member")
                return false;
            members.Add(ReadMember(reader));
            return true;
        });
        return members;
    }

    /// <summary>The negative-feedback reasons listed for one fingerprint type: (guid, name) pairs.</summary>
    public static IReadOnlyList<(string Guid, string Name)> ReadReasons(byte[] body)
    {
        var reasons = new List<(string, string)>();
        Walk(body, null, reader =>
        {
            if (reader.LocalName == "reason" && reader.GetAttribute("guid") is { Length: > 0 } guid)
                reasons.Add((guid, reader.GetAttribute("name") ?? ""));
            return false;
        });
        return reasons;
    }

    /// <summary>A <c>feedbackSubmission</c>: <c>affirmative</c>, or <c>negative</c> with one reason guid.</summary>
    public static byte[] FeedbackBody(string? negativeReason)
    {
        using var buffer = new MemoryStream();
        using (var xml = XmlWriter.Create(buffer, new XmlWriterSettings { Encoding = new UTF8Encoding(false) }))
        {
            xml.WriteStartElement("feedbackSubmission", Namespace);
            if (negativeReason is null)
                xml.WriteElementString("affirmative", Namespace, "");
            else
            {
                xml.WriteStartElement("negative", Namespace);
                xml.WriteStartElement("reasonIds", Namespace);
                xml.WriteElementString("guid", Namespace, negativeReason);
                xml.WriteEndElement();
                xml.WriteEndElement();
            }
            xml.WriteEndElement();
        }
        return buffer.ToArray();
    }

    private static NcmecMember ReadMember(XmlReader reader)
    {
        string? id = reader.GetAttribute("id");
        string name = reader.ReadElementContentAsString().Trim();
        return int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out int value)
            ? new NcmecMember(value, name)
            : throw new ExchangeProtocolException($"NCMEC: a <member> has no numeric id ('{id}')");
    }

    /// <summary>
    /// Reads every element of <paramref name="body"/>, calling <paramref name="visit"/> on each (true: it consumed the
    /// element); checks the root's local name when <paramref name="root"/> is given. Malformed XML is a protocol error.
    /// </summary>
    private static void Walk(byte[] body, string? root, Func<XmlReader, bool> visit)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            IgnoreWhitespace = true,
        };
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(body, writable: false), settings);
            bool sawRoot = false;
            while (!reader.EOF)
            {
                if (reader.NodeType != XmlNodeType.Element)
                {
                    reader.Read();
                    continue;
                }
                if (!sawRoot)
                {
                    sawRoot = true;
                    if (root is not null && reader.LocalName != root)
                        throw new ExchangeProtocolException($"NCMEC: expected <{root}>, got <{reader.LocalName}>");
                }
                if (!visit(reader))
                    reader.Read();
            }
            if (!sawRoot)
                throw new ExchangeProtocolException("NCMEC: the answer holds no XML element");
        }
        catch (XmlException e)
        {
            throw new ExchangeProtocolException($"NCMEC: malformed XML: {e.Message}", e);
        }
    }

    private static long? QueryLong(string link, string name)
    {
        int query = link.IndexOf('?', StringComparison.Ordinal);
        if (query < 0)
            return null;
        foreach (string part in link[(query + 1)..].Split('&'))
        {
            int eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && part.AsSpan(0, eq).SequenceEqual(name)
                && long.TryParse(part.AsSpan(eq + 1), NumberStyles.None, CultureInfo.InvariantCulture, out long value))
                return value;
        }
        return null;
    }
}
