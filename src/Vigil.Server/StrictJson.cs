using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.Unicode;

namespace Vigil.Server;

/// <summary>What <see cref="StrictJson.Validate"/> found wrong with a JSON document.</summary>
public enum StrictJsonErrorKind
{
    /// <summary>The bytes are not UTF-8.</summary>
    InvalidUtf8,

    /// <summary>The text is not JSON (or is empty).</summary>
    Syntax,

    /// <summary>A string escapes half of a surrogate pair (<c>"\ud800"</c>), which no UTF-8 text can hold.</summary>
    LoneSurrogate,

    /// <summary>An object has a key the type does not know.</summary>
    UnknownField,
}

/// <summary>One problem with a JSON document, and where it is.</summary>
/// <param name="Kind">What is wrong.</param>
/// <param name="Path">Where: the keys from the root joined by dots, array items as <c>[i]</c> (empty for the root, null when unknown).</param>
/// <param name="Message">A sentence for people.</param>
public sealed record StrictJsonError(StrictJsonErrorKind Kind, string? Path, string Message);

/// <summary>
/// Checks a JSON document against a type before it is deserialized, so that what the serializer
/// would let through or fail on obscurely is caught with a clear name: bytes that are not UTF-8,
/// escaped lone surrogates (anywhere, free-form <see cref="JsonElement"/> values included), syntax
/// errors, and keys the type (or a nested record of it) does not have. The source-generated
/// contexts also disallow unmapped members; this names the key and its path.
/// </summary>
public static class StrictJson
{
    /// <summary>The document's first problem, or null when it may be deserialized as <paramref name="type"/>.</summary>
    public static StrictJsonError? Validate(ReadOnlySpan<byte> utf8, JsonTypeInfo type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (!Utf8.IsValid(utf8))
            return new StrictJsonError(StrictJsonErrorKind.InvalidUtf8, null, "the text is not valid UTF-8");
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 64 });
        try
        {
            if (!reader.Read())
                return new StrictJsonError(StrictJsonErrorKind.Syntax, null, "there is no JSON value");
            var error = Walk(ref reader, type, "");
            if (error is not null)
                return error;
            // Anything after the one value is a syntax error, which Read throws.
            while (reader.Read())
            {
            }
            return null;
        }
        catch (JsonException e)
        {
            return new StrictJsonError(StrictJsonErrorKind.Syntax, null, e.Message);
        }
    }

    private static StrictJsonError? Walk(ref Utf8JsonReader reader, JsonTypeInfo type, string path)
    {
        if (reader.TokenType == JsonTokenType.StartObject && type.Kind == JsonTypeInfoKind.Object)
        {
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                if (!TryGetString(ref reader, out string? name))
                    return Surrogate(path);
                string at = path.Length == 0 ? name : $"{path}.{name}";
                var property = Find(type, name);
                if (property is null)
                    return new StrictJsonError(StrictJsonErrorKind.UnknownField, at, $"unknown field '{at}'");
                reader.Read();
                var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
                var error = Walk(ref reader, type.Options.GetTypeInfo(propertyType), at);
                if (error is not null)
                    return error;
            }
            return null;
        }
        if (reader.TokenType == JsonTokenType.StartArray && type.Kind == JsonTypeInfoKind.Enumerable && type.ElementType is { } elementType)
        {
            var element = type.Options.GetTypeInfo(Nullable.GetUnderlyingType(elementType) ?? elementType);
            int index = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                var error = Walk(ref reader, element, $"{path}[{index++}]");
                if (error is not null)
                    return error;
            }
            return null;
        }
        // A free-form value, a primitive, or a value of the wrong shape (the deserializer names that):
        // only its strings are checked.
        return CheckStrings(ref reader, path);
    }

    private static StrictJsonError? CheckStrings(ref Utf8JsonReader reader, string path)
    {
        if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
            return reader.TokenType == JsonTokenType.String && !TryGetString(ref reader, out _) ? Surrogate(path) : null;
        int depth = reader.CurrentDepth;
        while (reader.Read() && reader.CurrentDepth > depth)
        {
            if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && !TryGetString(ref reader, out _))
                return Surrogate(path);
        }
        return null;
    }

    private static bool TryGetString(ref Utf8JsonReader reader, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value)
    {
        try
        {
            value = reader.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            // An escaped lone surrogate cannot be unescaped into a string.
            value = null;
            return false;
        }
    }

    private static StrictJsonError Surrogate(string path) => new(StrictJsonErrorKind.LoneSurrogate, path,
        $"a string{(path.Length == 0 ? "" : $" in '{path}'")} escapes a lone surrogate (such as \\ud800), which is not text");

    private static JsonPropertyInfo? Find(JsonTypeInfo type, string name)
    {
        foreach (var property in type.Properties)
        {
            if (string.Equals(property.Name, name, type.Options.PropertyNameCaseInsensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal))
                return property;
        }
        return null;
    }
}
