using System.Text;

namespace Vigil.Exchanges.Formats;

/// <summary>
/// Splits text into lines without ever holding more than <see cref="MaxLineLength"/> characters of one,
/// so a file without line breaks (or a binary file) cannot exhaust memory.
/// </summary>
internal sealed class BoundedLineReader(TextReader reader)
{
    public const int MaxLineLength = 1 << 20;

    private readonly CharCursor _cursor = new(reader);
    private readonly StringBuilder _line = new();

    /// <summary>
    /// Reads the next line. <paramref name="text"/> is null when the line was longer than
    /// <see cref="MaxLineLength"/> (it has been skipped). Returns false at the end of the input.
    /// </summary>
    public bool TryReadLine(out int lineNumber, out string? text)
    {
        lineNumber = _cursor.Line;
        text = null;
        if (_cursor.Peek() == CharCursor.EndOfInput)
            return false;
        _line.Clear();
        bool tooLong = false;
        int c;
        while ((c = _cursor.Read()) != CharCursor.EndOfInput && !_cursor.EndsLine(c))
        {
            if (_line.Length < MaxLineLength)
                _line.Append((char)c);
            else
                tooLong = true;
        }
        text = tooLong ? null : _line.ToString();
        return true;
    }
}
