using System.Buffers;
using System.Text;
using System.Text.Json;
using Vigil.Hashing.Signals;

namespace Vigil.Storage;

/// <summary>
/// The checks every store implementation applies to what it is given, so that SQLite and
/// PostgreSQL accept and reject exactly the same things.
/// </summary>
internal static class InputValidation
{
    /// <summary>Throws <see cref="ArgumentException"/> unless a bank can be created with these settings.</summary>
    public static void ValidateNewBank(NewBank bank)
    {
        ArgumentNullException.ThrowIfNull(bank);
        BankName.Validate(bank.Name);
        ValidateEnabledRatio(bank.EnabledRatio);
        ValidateLabels(bank.Labels);
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless the update's given settings are valid.</summary>
    public static void ValidateBankUpdate(BankUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (update.EnabledRatio is { } ratio)
            ValidateEnabledRatio(ratio);
        if (update.Labels is { } labels)
            ValidateLabels(labels);
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless the import item can be applied (an add, or a removal naming something).</summary>
    public static void ValidateImportItem(ImportItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (item.Operation == ImportOperation.Add)
            ValidateForAdd(item.Content);
        else
            ValidateForRemove(item.Content);
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless the content can be added.</summary>
    public static void ValidateForAdd(NewContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(content.Signals);
        if (content.Signals.Count == 0)
            throw new ArgumentException("content needs at least one signal", nameof(content));
        ValidateSignals(content.Signals);
        if (content.Metadata is not null)
            ValidateMetadata(content.Metadata);
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless the removal names something to match.</summary>
    public static void ValidateForRemove(NewContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(content.Signals);
        if (content.SourceId is null && content.Signals.Count == 0)
            throw new ArgumentException("a removal needs a source id or at least one signal", nameof(content));
        ValidateSignals(content.Signals);
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless every signal is of a known type and in canonical form.</summary>
    public static void ValidateSignals(IReadOnlyList<Signal> signals)
    {
        for (int i = 0; i < signals.Count; i++)
            ValidateSignal(signals[i]);
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless the signal has a type and a canonical (lowercase hex) value.</summary>
    public static void ValidateSignal(Signal signal)
    {
        if (signal.Type is null || signal.Value is null)
            throw new ArgumentException("a signal needs a type and a value (default(Signal) is not one)", nameof(signal));
        if (!signal.Type.IsCanonical(signal.Value))
        {
            string form = signal.Type.IsHex ? $"{signal.Type.HexLength} lowercase hex digits" : "the text form VpdqSignal.Format writes";
            throw new ArgumentException(
                $"'{(signal.Type.IsHex ? signal.Value : Shorten(signal.Value))}' is not a canonical {signal.Type.Name} value ({form}); build signals with Signal.Create",
                nameof(signal));
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="metadata"/> is one JSON value.</summary>
    public static void ValidateMetadata(string metadata)
    {
        if (!IsJson(metadata))
            throw new ArgumentException($"metadata is not valid JSON: {Shorten(metadata)}", nameof(metadata));
    }

    /// <summary>Throws unless <paramref name="ratio"/> is within 0..1.</summary>
    public static void ValidateEnabledRatio(double ratio)
    {
        if (!(ratio >= 0.0 && ratio <= 1.0))
            throw new ArgumentOutOfRangeException(nameof(ratio), ratio, "the enabled ratio must be between 0 and 1");
    }

    /// <summary>Throws unless every label is a non-null string.</summary>
    public static void ValidateLabels(IReadOnlyList<string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        foreach (var label in labels)
        {
            if (label is null)
                throw new ArgumentException("a bank label must not be null", nameof(labels));
        }
    }

    private static bool IsJson(string text)
    {
        int maxBytes = Encoding.UTF8.GetMaxByteCount(text.Length);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(maxBytes);
        try
        {
            int length = Encoding.UTF8.GetBytes(text, buffer);
            var reader = new Utf8JsonReader(buffer.AsSpan(0, length));
            bool any = false;
            while (reader.Read())
                any = true;
            return any;
        }
        catch (JsonException)
        {
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "...";
}
