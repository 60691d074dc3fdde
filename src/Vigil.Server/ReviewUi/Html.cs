using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;

namespace Vigil.Server.ReviewUi;

/// <summary>
/// A fragment of HTML that is already safe to send. The only ways to make one are
/// <see cref="Of"/> (an interpolated string whose every hole is HTML-encoded unless it is itself an
/// <see cref="Html"/>) and <see cref="Raw"/> (for constant markup): a value from a key, a case or a
/// query string cannot reach a page unencoded by accident.
/// </summary>
public readonly struct Html
{
    private readonly string? _value;

    private Html(string value) => _value = value;

    /// <summary>The empty fragment.</summary>
    public static Html Empty => default;

    /// <summary>Markup written by hand in the source (never a value from outside).</summary>
    public static Html Raw(string markup) => new(markup);

    /// <summary>An interpolated fragment: the literal parts are markup, every hole is encoded (an <see cref="Html"/> hole is kept as it is).</summary>
    public static Html Of(ref HtmlHandler handler) => new(handler.ToStringAndClear());

    /// <summary>Text encoded for an element's content or an attribute's quoted value.</summary>
    public static Html Text(string? text) => new(HtmlEncoder.Default.Encode(text ?? ""));

    /// <summary>The fragments one after another.</summary>
    public static Html Join(IEnumerable<Html> parts)
    {
        var builder = new StringBuilder();
        foreach (var part in parts)
            builder.Append(part._value);
        return new(builder.ToString());
    }

    /// <summary>The fragment's markup.</summary>
    public override string ToString() => _value ?? "";
}

/// <summary>Builds an <see cref="Html"/> from an interpolated string, encoding each hole.</summary>
[InterpolatedStringHandler]
public ref struct HtmlHandler
{
    private readonly StringBuilder _builder;

    /// <summary>Starts a fragment of about this length.</summary>
    public HtmlHandler(int literalLength, int formattedCount) => _builder = new StringBuilder(literalLength + formattedCount * 16);

    /// <summary>A literal part: markup.</summary>
    public readonly void AppendLiteral(string literal) => _builder.Append(literal);

    /// <summary>A fragment that is already HTML.</summary>
    public readonly void AppendFormatted(Html html) => _builder.Append(html.ToString());

    /// <summary>Text, encoded.</summary>
    public readonly void AppendFormatted(string? text) => _builder.Append(HtmlEncoder.Default.Encode(text ?? ""));

    /// <summary>Any other value, formatted invariantly and encoded.</summary>
    public readonly void AppendFormatted<T>(T value, string? format = null)
    {
        string text = value switch
        {
            null => "",
            IFormattable formattable => formattable.ToString(format, System.Globalization.CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
        _builder.Append(HtmlEncoder.Default.Encode(text));
    }

    /// <summary>The fragment's markup.</summary>
    public readonly string ToStringAndClear()
    {
        string value = _builder.ToString();
        _builder.Clear();
        return value;
    }
}
