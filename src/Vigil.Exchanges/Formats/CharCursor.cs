namespace Vigil.Exchanges.Formats;

/// <summary>
/// Reads characters from a <see cref="TextReader"/> through a block buffer and counts lines the way
/// <see cref="TextReader.ReadLine"/> splits them (<c>\n</c>, <c>\r\n</c> and a lone <c>\r</c>).
/// </summary>
internal sealed class CharCursor(TextReader reader)
{
    public const int EndOfInput = -1;

    private readonly char[] _buffer = new char[16 * 1024];
    private int _position;
    private int _length;

    /// <summary>1-based line of the next character.</summary>
    public int Line { get; private set; } = 1;

    /// <summary>The next character without consuming it, or <see cref="EndOfInput"/>.</summary>
    public int Peek()
    {
        if (_position == _length && !Fill())
            return EndOfInput;
        return _buffer[_position];
    }

    /// <summary>Consumes the next character, or returns <see cref="EndOfInput"/>.</summary>
    public int Read()
    {
        int c = Peek();
        if (c != EndOfInput)
            _position++;
        return c;
    }

    /// <summary>
    /// When <paramref name="c"/> (just read) ends a line, consumes the <c>\n</c> of a <c>\r\n</c>,
    /// counts the line and returns true.
    /// </summary>
    public bool EndsLine(int c)
    {
        if (c == '\n')
        {
            Line++;
            return true;
        }
        if (c == '\r')
        {
            if (Peek() == '\n')
                _position++;
            Line++;
            return true;
        }
        return false;
    }

    /// <summary>Consumes everything up to and including the next line break.</summary>
    public void SkipRestOfLine()
    {
        int c;
        while ((c = Read()) != EndOfInput)
        {
            if (EndsLine(c))
                return;
        }
    }

    private bool Fill()
    {
        _position = 0;
        _length = reader.Read(_buffer, 0, _buffer.Length);
        return _length > 0;
    }
}
