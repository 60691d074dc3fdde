namespace Vigil.Exchanges.Formats;

/// <summary>One top-level JSON object cut out of a stream, with the line it starts on.</summary>
/// <param name="Bytes">The object's UTF-8 bytes (possibly cut short when the file ends inside it).</param>
/// <param name="Line">1-based line of its opening brace.</param>
internal sealed record JsonPage(ReadOnlyMemory<byte> Bytes, int Line);

/// <summary>
/// Cuts a stream into its top-level JSON objects without parsing them, so that only one page is
/// in memory at a time: a single object, a JSON array of objects, or objects one after another
/// (JSON Lines). It tracks only strings and brace depth; the page parser checks everything else.
/// </summary>
internal sealed class JsonPageSplitter(Stream stream)
{
    public const int MaxPageBytes = 64 << 20;

    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _position;
    private int _length;
    private int _line = 1;
    private bool _started;
    private Layout _layout = Layout.Unknown;
    private ArrayState _arrayState = ArrayState.ExpectValueOrEnd;

    private enum Layout { Unknown, Array, Sequence }

    private enum ArrayState { ExpectValueOrEnd, ExpectValue, ExpectCommaOrEnd, Closed }

    /// <summary>
    /// Reads the next page, or returns null at the end of the input. Throws <see cref="MalformedListException"/>
    /// when the input is not a sequence of objects.
    /// </summary>
    public JsonPage? ReadPage()
    {
        while (true)
        {
            int b = ReadByte();
            if (!_started)
            {
                _started = true;
                if (b == 0xEF && SkipRestOfUtf8Bom())
                    continue;
            }
            if (b is ' ' or '\t' or '\r')
                continue;
            if (b == '\n')
            {
                _line++;
                continue;
            }
            if (b < 0)
            {
                if (_layout == Layout.Array && _arrayState != ArrayState.Closed)
                    throw new MalformedListException(_line, "the file ends before the array of pages is closed with ']'");
                return null;
            }
            if (_layout == Layout.Unknown)
            {
                _layout = b == '[' ? Layout.Array : Layout.Sequence;
                if (b == '[')
                    continue;
            }
            if (_layout == Layout.Sequence)
            {
                if (b != '{')
                    throw new MalformedListException(_line, $"expected a FetchHashes page object '{{', got {Describe(b)}");
                return ReadObject();
            }

            // Inside a top-level array of pages.
            switch (b)
            {
                case ']' when _arrayState is ArrayState.ExpectValueOrEnd or ArrayState.ExpectCommaOrEnd:
                    _arrayState = ArrayState.Closed;
                    continue;
                case ',' when _arrayState == ArrayState.ExpectCommaOrEnd:
                    _arrayState = ArrayState.ExpectValue;
                    continue;
                case '{' when _arrayState is ArrayState.ExpectValueOrEnd or ArrayState.ExpectValue:
                    _arrayState = ArrayState.ExpectCommaOrEnd;
                    return ReadObject();
                default:
                    string expected = _arrayState switch
                    {
                        ArrayState.Closed => "nothing after the closing ']'",
                        ArrayState.ExpectCommaOrEnd => "',' or ']'",
                        ArrayState.ExpectValue => "a page object '{'",
                        _ => "a page object '{' or ']'",
                    };
                    throw new MalformedListException(_line, $"expected {expected}, got {Describe(b)}");
            }
        }
    }

    // The opening brace has been read; copies bytes up to the matching closing brace (or the end of the file).
    private JsonPage ReadObject()
    {
        int startLine = _line;
        var bytes = new MemoryStream();
        bytes.WriteByte((byte)'{');
        int depth = 1;
        bool inString = false;
        bool escaped = false;
        while (depth > 0)
        {
            int b = ReadByte();
            if (b < 0)
                break; // Truncated: the page parser reports where.
            if (bytes.Length >= MaxPageBytes)
                throw new MalformedListException(startLine, $"the page starting here is larger than {MaxPageBytes >> 20} MiB");
            bytes.WriteByte((byte)b);
            if (b == '\n')
                _line++;
            if (inString)
            {
                if (escaped)
                    escaped = false;
                else if (b == '\\')
                    escaped = true;
                else if (b == '"')
                    inString = false;
            }
            else if (b == '"')
                inString = true;
            else if (b is '{' or '[')
                depth++;
            else if (b is '}' or ']')
                depth--;
        }
        return new JsonPage(bytes.GetBuffer().AsMemory(0, (int)bytes.Length), startLine);
    }

    private bool SkipRestOfUtf8Bom()
    {
        if (PeekByte() != 0xBB)
            return false;
        _position++;
        if (PeekByte() != 0xBF)
            return false;
        _position++;
        return true;
    }

    private static string Describe(int b) =>
        b is >= 0x20 and < 0x7F ? $"'{(char)b}'" : $"byte 0x{b:X2}";

    private int PeekByte()
    {
        if (_position == _length)
        {
            _position = 0;
            _length = stream.Read(_buffer, 0, _buffer.Length);
            if (_length <= 0)
            {
                _length = 0;
                return -1;
            }
        }
        return _buffer[_position];
    }

    private int ReadByte()
    {
        int b = PeekByte();
        if (b >= 0)
            _position++;
        return b;
    }
}
