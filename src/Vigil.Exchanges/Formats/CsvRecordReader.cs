using System.Text;

namespace Vigil.Exchanges.Formats;

/// <summary>One CSV record: its fields, or why it could not be read.</summary>
/// <param name="Line">1-based line where the record starts.</param>
/// <param name="Fields">The fields, unquoted; null when <paramref name="Error"/> is set.</param>
/// <param name="Error">What is wrong with the record's quoting, if anything.</param>
/// <param name="IsFatal">True when reading cannot go on after this record.</param>
internal readonly record struct CsvRecord(int Line, List<string>? Fields, string? Error, bool IsFatal);

/// <summary>
/// Splits RFC 4180 CSV into records, streaming: quoted fields may hold commas, doubled quotes and
/// line breaks. Whitespace around a quoted field is allowed. A record with bad quoting is reported and
/// skipped to the end of its line; an unterminated quote or an oversized record ends the file.
/// </summary>
internal sealed class CsvRecordReader(TextReader reader)
{
    public const int MaxRecordLength = 1 << 20;

    private readonly CharCursor _cursor = new(reader);
    private readonly StringBuilder _field = new();

    private enum State { FieldStart, Unquoted, Quoted, AfterClosingQuote }

    /// <summary>Reads the next record; false at the end of the input.</summary>
    public bool TryRead(out CsvRecord record)
    {
        record = default;
        int line = _cursor.Line;
        if (_cursor.Peek() == CharCursor.EndOfInput)
            return false;

        var fields = new List<string>();
        var state = State.FieldStart;
        int recordLength = 0;
        _field.Clear();
        while (true)
        {
            int c = _cursor.Read();
            if (++recordLength > MaxRecordLength)
            {
                record = new CsvRecord(line, null, $"record is longer than {MaxRecordLength} characters (an unterminated quote?)", IsFatal: true);
                return true;
            }
            switch (state)
            {
                case State.FieldStart or State.Unquoted:
                    if (c == CharCursor.EndOfInput || _cursor.EndsLine(c))
                    {
                        fields.Add(_field.ToString());
                        record = new CsvRecord(line, fields, null, false);
                        return true;
                    }
                    if (c == ',')
                    {
                        fields.Add(_field.ToString());
                        _field.Clear();
                        state = State.FieldStart;
                    }
                    else if (c == '"')
                    {
                        if (!IsBlank(_field))
                            return Fail(line, fields.Count, "a quote inside an unquoted field (quote the whole field and double the quote)", out record);
                        _field.Clear();
                        state = State.Quoted;
                    }
                    else
                    {
                        _field.Append((char)c);
                        state = State.Unquoted;
                    }
                    break;

                case State.Quoted:
                    if (c == CharCursor.EndOfInput)
                    {
                        record = new CsvRecord(line, null, $"field {fields.Count + 1} has an unterminated quote", IsFatal: true);
                        return true;
                    }
                    if (c == '"')
                        state = State.AfterClosingQuote;
                    else
                    {
                        // Keep the line break as written; EndsLine only counts it (and may consume the \n of \r\n).
                        _field.Append((char)c);
                        if (c == '\r' && _cursor.Peek() == '\n')
                            _field.Append('\n');
                        _cursor.EndsLine(c);
                    }
                    break;

                case State.AfterClosingQuote:
                    if (c == '"')
                    {
                        _field.Append('"');
                        state = State.Quoted;
                    }
                    else if (c == ',')
                    {
                        fields.Add(_field.ToString());
                        _field.Clear();
                        state = State.FieldStart;
                    }
                    else if (c == CharCursor.EndOfInput || _cursor.EndsLine(c))
                    {
                        fields.Add(_field.ToString());
                        record = new CsvRecord(line, fields, null, false);
                        return true;
                    }
                    else if (c is not (' ' or '\t'))
                    {
                        return Fail(line, fields.Count, $"unexpected '{(char)c}' after a closing quote", out record);
                    }
                    break;
            }
        }
    }

    private bool Fail(int line, int fieldIndex, string reason, out CsvRecord record)
    {
        _cursor.SkipRestOfLine();
        record = new CsvRecord(line, null, $"bad quoting in field {fieldIndex + 1}: {reason}", IsFatal: false);
        return true;
    }

    private static bool IsBlank(StringBuilder text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (!char.IsWhiteSpace(text[i]))
                return false;
        }
        return true;
    }
}
