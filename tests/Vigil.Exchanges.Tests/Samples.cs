using System.Text;

namespace Vigil.Exchanges.Tests;

/// <summary>The made-up sample lists under Samples/, found from the test binary, and reading helpers.</summary>
internal static class Samples
{
    private static readonly Lazy<string> s_directory = new(FindDirectory);

    public static string Path(string name) => System.IO.Path.Combine(s_directory.Value, name);

    public static byte[] Bytes(string name) => File.ReadAllBytes(Path(name));

    public static string Text(string name) => File.ReadAllText(Path(name));

    public static List<HashListItem> Read(string text, HashListFormat format) => Read(Encoding.UTF8.GetBytes(text), format);

    public static List<HashListItem> Read(byte[] bytes, HashListFormat format) =>
        [.. HashListReader.Read(new MemoryStream(bytes), format)];

    public static List<HashListEntry> Entries(IEnumerable<HashListItem> items)
    {
        var list = items.ToList();
        Assert.All(list, item => Assert.False(item.IsError, item.ToString()));
        return [.. list.Select(item => item.Entry!)];
    }

    public static HashListError SingleError(IEnumerable<HashListItem> items)
    {
        var item = Assert.Single(items);
        Assert.True(item.IsError, $"expected an error, got {item}");
        return item.Error;
    }

    private static string FindDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "tests", "Vigil.Exchanges.Tests", "Samples");
            if (Directory.Exists(candidate))
                return candidate;
        }
        throw new DirectoryNotFoundException("tests/Vigil.Exchanges.Tests/Samples not found above " + AppContext.BaseDirectory);
    }
}
