namespace Vigil.Reporting.Xml;

/// <summary>One complaint about a document: where (an element path such as <c>report/incidentSummary/incidentDateTime</c>) and what.</summary>
/// <param name="Path">The element (or <c>element/@attribute</c>) the complaint is about.</param>
/// <param name="Message">The schema's or the writer's complaint.</param>
public sealed record DocumentError(string Path, string Message)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>A document Vigil was about to send is not valid: it breaks NCMEC's schema, or holds text XML cannot carry.
/// Nothing was sent. The message names the element and the complaint.</summary>
public sealed class CyberTiplineDocumentException : Exception
{
    /// <summary>Creates the exception for <paramref name="document"/> (<c>report</c> or <c>fileDetails</c>).</summary>
    public CyberTiplineDocumentException(string document, IReadOnlyList<DocumentError> errors)
        : base(Describe(document, errors))
    {
        Document = document;
        Errors = errors;
    }

    /// <summary>The root element of the document: <c>report</c> or <c>fileDetails</c>.</summary>
    public string Document { get; }

    /// <summary>Every complaint, in document order.</summary>
    public IReadOnlyList<DocumentError> Errors { get; }

    private static string Describe(string document, IReadOnlyList<DocumentError> errors)
    {
        string first = $"the {document} document is not valid for NCMEC's CyberTipline schema: {errors[0]}";
        return errors.Count == 1 ? first : $"{first} (and {errors.Count - 1} more: {string.Join("; ", errors.Skip(1).Take(4))})";
    }
}
