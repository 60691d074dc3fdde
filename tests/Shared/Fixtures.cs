namespace Vigil.Testing;

/// <summary>Locates tests/fixtures from the test binary, so tests run from any working directory.</summary>
internal static class Fixtures
{
    private static readonly Lazy<string> s_root = new(FindRoot);

    public static string Root => s_root.Value;

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    public static string ThreatExchange(string relative) => Path("threatexchange", relative);

    /// <summary>A pdq-core luma buffer: little-endian int32 rows, int32 cols, then rows*cols float32.</summary>
    public static (float[] Luma, int Rows, int Cols) ReadLuma(string file)
    {
        var bytes = File.ReadAllBytes(Path("pdq-core", file));
        int rows = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(bytes);
        int cols = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(4));
        var luma = new float[rows * cols];
        for (int i = 0; i < luma.Length; i++)
            luma[i] = System.Buffers.Binary.BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(8 + 4 * i));
        return (luma, rows, cols);
    }

    /// <summary>Rows of a simple CSV with a header (no quoted fields), as dictionaries.</summary>
    public static IReadOnlyList<Dictionary<string, string>> ReadCsv(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        var rows = new List<Dictionary<string, string>>();
        foreach (var line in lines.Skip(1))
        {
            if (line.Length == 0) continue;
            var fields = line.Split(',');
            var row = new Dictionary<string, string>();
            for (int i = 0; i < header.Length; i++)
                row[header[i]] = i < fields.Length ? fields[i] : "";
            rows.Add(row);
        }
        return rows;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "tests", "fixtures");
            if (Directory.Exists(candidate))
                return candidate;
        }
        throw new DirectoryNotFoundException("tests/fixtures not found above " + AppContext.BaseDirectory);
    }
}
