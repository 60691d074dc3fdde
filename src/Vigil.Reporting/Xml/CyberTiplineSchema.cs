using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;

namespace Vigil.Reporting.Xml;

/// <summary>NCMEC's CyberTipline schema (<c>cybertipline.xsd</c>, embedded), and validation of documents against it.</summary>
public static class CyberTiplineSchema
{
    private const string ResourceName = "Vigil.Reporting.cybertipline.xsd";
    private static readonly Lazy<XmlSchemaSet> s_schemas = new(Load);

    /// <summary>The schema's text, as NCMEC publishes it (for <c>GET /xsd</c> of a fake server, or to inspect).</summary>
    public static string Text
    {
        get
        {
            using var stream = OpenResource();
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
    }

    /// <summary>The compiled schema set (shared; do not modify).</summary>
    public static XmlSchemaSet Schemas => s_schemas.Value;

    /// <summary>Validates a whole document (UTF-8 XML) and returns every complaint, with the path of the element it is about; empty when valid.</summary>
    /// <remarks>A DTD is refused; a document that is not well-formed gives one complaint naming the line.</remarks>
    public static IReadOnlyList<DocumentError> Validate(ReadOnlySpan<byte> xml)
    {
        XDocument doc;
        try
        {
            using var stream = new MemoryStream(xml.ToArray(), writable: false);
            using var reader = XmlReader.Create(stream, SafeReaderSettings());
            doc = XDocument.Load(reader, LoadOptions.SetLineInfo);
        }
        catch (XmlException e)
        {
            return [new DocumentError("(document)", e.Message)];
        }
        return Validate(doc);
    }

    /// <summary>Validates a loaded document; see <see cref="Validate(ReadOnlySpan{byte})"/>.</summary>
    public static IReadOnlyList<DocumentError> Validate(XDocument doc)
    {
        var errors = new List<DocumentError>();
        doc.Validate(Schemas, (sender, e) => errors.Add(new DocumentError(PathOf(sender as XObject), e.Message)));
        return errors;
    }

    /// <summary>Throws <see cref="CyberTiplineDocumentException"/> unless <paramref name="xml"/> is a valid document with root <paramref name="root"/>.</summary>
    public static void EnsureValid(ReadOnlySpan<byte> xml, string root)
    {
        var errors = Validate(xml);
        if (errors.Count == 0)
        {
            using var stream = new MemoryStream(xml.ToArray(), writable: false);
            using var reader = XmlReader.Create(stream, SafeReaderSettings());
            reader.MoveToContent();
            if (reader.LocalName != root)
                errors = [new DocumentError(reader.LocalName, $"the root element must be '{root}'")];
        }
        if (errors.Count > 0)
            throw new CyberTiplineDocumentException(root, errors);
    }

    internal static XmlReaderSettings SafeReaderSettings() => new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersInDocument = 64L * 1024 * 1024,
        IgnoreComments = true,
    };

    /// <summary>The element path of a node: <c>report/personOrUserReported[2]/ipCaptureEvent/port</c>; an index only where siblings share the name.</summary>
    internal static string PathOf(XObject? node)
    {
        if (node is null)
            return "(document)";
        string suffix = "";
        if (node is XAttribute attribute)
        {
            suffix = "/@" + attribute.Name.LocalName;
            node = attribute.Parent;
        }
        var parts = new List<string>();
        for (var element = node as XElement ?? node?.Parent; element is not null; element = element.Parent)
        {
            string name = element.Name.LocalName;
            if (element.Parent is { } parent)
            {
                var same = parent.Elements(element.Name).ToList();
                if (same.Count > 1)
                    name += $"[{same.IndexOf(element) + 1}]";
            }
            parts.Insert(0, name);
        }
        return string.Join('/', parts) + suffix;
    }

    private static XmlSchemaSet Load()
    {
        using var stream = OpenResource();
        using var reader = XmlReader.Create(stream, SafeReaderSettings());
        var set = new XmlSchemaSet { XmlResolver = null };
        set.Add(null, reader);
        set.Compile();
        return set;
    }

    private static Stream OpenResource() =>
        typeof(CyberTiplineSchema).Assembly.GetManifestResourceStream(ResourceName)
        ?? throw new InvalidOperationException($"embedded resource {ResourceName} is missing");
}
