using System.Text;
using System.Text.Json;
using Vigil.Hashing.Pdq;

namespace Vigil.Cli.Hashing;

/// <summary>Output format of <c>vigil hash</c>.</summary>
internal enum HashOutputFormat
{
    Text,
    Csv,
    Json,
}

/// <summary>
/// Writes hash records in the CLI's contract formats:
/// text <c>HEX QUALITY PATH</c> (exact hashes: <c>HEX PATH</c>); csv with header <c>path,pdq,quality</c>
/// (plus the seven dihedral columns with --dihedral; exact hashes: <c>path,md5</c>); json, one object a line.
/// </summary>
internal sealed class HashOutputWriter(TextWriter output, HashOutputFormat format, HashAlgorithmKind algorithm, bool dihedral)
{
    private readonly StringBuilder _line = new(512);

    public void WriteHeader()
    {
        if (format != HashOutputFormat.Csv)
            return;
        if (algorithm != HashAlgorithmKind.Pdq)
        {
            output.WriteLine("path," + algorithm.Name());
            return;
        }
        output.WriteLine(dihedral
            ? "path,pdq,quality,rotate90,rotate180,rotate270,flipx,flipy,flipplus1,flipminus1"
            : "path,pdq,quality");
    }

    public void Write(HashRecord record)
    {
        _line.Clear();
        switch (format)
        {
            case HashOutputFormat.Text:
                _line.Append(record.ExactHex ?? record.Pdq.Hash.ToString());
                if (algorithm == HashAlgorithmKind.Pdq)
                    _line.Append(' ').Append(record.Pdq.Quality);
                _line.Append(' ').Append(record.Path);
                break;
            case HashOutputFormat.Csv:
                _line.Append(CsvField(record.Path)).Append(',');
                if (algorithm != HashAlgorithmKind.Pdq)
                {
                    _line.Append(record.ExactHex);
                    break;
                }
                _line.Append(record.Pdq.Hash.ToString()).Append(',').Append(record.Pdq.Quality);
                if (dihedral)
                    for (int v = 1; v < PdqDihedralHashes.Count; v++)
                        _line.Append(',').Append(record.Dihedral[(DihedralVariant)v].ToString());
                break;
            default:
                WriteJson(record);
                break;
        }
        output.WriteLine(_line);
    }

    private void WriteJson(HashRecord record)
    {
        _line.Append("{\"path\":").Append(JsonSerializer.Serialize(record.Path));
        if (algorithm != HashAlgorithmKind.Pdq)
        {
            _line.Append(",\"").Append(algorithm.Name()).Append("\":\"").Append(record.ExactHex).Append("\"}");
            return;
        }
        _line.Append(",\"pdq\":\"").Append(record.Pdq.Hash.ToString()).Append("\",\"quality\":").Append(record.Pdq.Quality);
        if (dihedral)
            for (int v = 1; v < PdqDihedralHashes.Count; v++)
                _line.Append(",\"").Append(PdqDihedralHashes.Names[v]).Append("\":\"").Append(record.Dihedral[(DihedralVariant)v].ToString()).Append('"');
        _line.Append(",\"width\":").Append(record.Width).Append(",\"height\":").Append(record.Height);
        if (record.Warnings.Count > 0)
            _line.Append(",\"warnings\":").Append(JsonSerializer.Serialize(record.Warnings));
        _line.Append('}');
    }

    /// <summary>RFC 4180 quoting where a path needs it.</summary>
    internal static string CsvField(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : "\"" + value.Replace("\"", "\"\"") + "\"";
}
