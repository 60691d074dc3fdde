namespace Vigil.Exchanges.Formats;

/// <summary>Reads hash-list CSV: a header row, then one entry per row.</summary>
internal static class CsvListReader
{
    public static IEnumerable<HashListItem> Read(TextReader reader)
    {
        var records = new CsvRecordReader(reader);
        CsvColumns? columns = null;
        while (records.TryRead(out var record))
        {
            if (record.Fields is null)
            {
                yield return HashListItem.Failure(record.Line, record.Error!);
                // Without a readable header no row can be interpreted.
                if (record.IsFatal || columns is null)
                    yield break;
                continue;
            }
            if (record.Fields.All(string.IsNullOrWhiteSpace))
                continue;
            if (columns is null)
            {
                if (!CsvColumns.TryParse(record.Fields, out columns, out var error))
                {
                    yield return HashListItem.Failure(record.Line, error);
                    yield break;
                }
                continue;
            }
            yield return columns.ParseRow(record.Line, record.Fields);
        }
    }
}
