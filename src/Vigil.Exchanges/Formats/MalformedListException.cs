namespace Vigil.Exchanges.Formats;

/// <summary>The file's structure is broken at <see cref="Line"/>; the reader reports it and stops.</summary>
internal sealed class MalformedListException(int line, string reason) : Exception(reason)
{
    public int Line { get; } = Math.Max(1, line);
}
